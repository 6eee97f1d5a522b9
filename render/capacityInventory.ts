/**
 * The simulated XO's hosts and figures for the capacity check: the hosts and SR sizes of the
 * stack's capacity model, so the render and the tests run the same preview-time check the
 * program runs against a real XO (which then reports its own figures).
 */
import type { LoadedStack } from "../components/stack/types";
import { fakeId, type SimulatedXo } from "./inventory";

const GiB = 1024 ** 3;

export interface SimulatedFigures {
  hosts: { name: string; memoryBytes: number; cores: number }[];
  srs: { name: string; sizeBytes: number }[];
}

/** The inventory with the model's hosts added and its figures attached (unchanged without a model). */
export function withCapacity(inventory: SimulatedXo, loaded: LoadedStack): SimulatedXo {
  const pool = loaded.capacity?.pool;
  if (pool === undefined) return inventory;
  return {
    ...inventory,
    hosts: [...new Set([...inventory.hosts, ...pool.hosts.map((h) => h.name)])],
    figures: {
      hosts: pool.hosts.map((h) => ({ name: h.name, memoryBytes: h.memoryGiB * GiB, cores: h.cores })),
      srs: pool.srs.map((s) => ({ name: s.name, sizeBytes: s.sizeGiB * GiB })),
    },
  };
}

function hostAnswer(xo: SimulatedXo, name: string, poolId: string) {
  const figures = xo.figures?.hosts.find((h) => h.name === name);
  return {
    id: fakeId("host", name),
    nameLabel: name,
    poolId,
    memory: figures?.memoryBytes ?? 0,
    memoryUsage: 0,
    cpus: { cores: figures?.cores ?? 0, sockets: 2 },
    tags: [],
  };
}

/** getXoaHosts: every simulated host of the pool, sorted by name as the provider can. */
export function hostsAnswer(xo: SimulatedXo, inputs: Record<string, string>): Record<string, unknown> {
  const poolId = inputs.poolId ?? "";
  const hosts = [...xo.hosts].sort().map((name) => hostAnswer(xo, name, poolId));
  return { id: hosts[0]?.id ?? poolId, master: hosts[0]?.id ?? "", poolId, hosts };
}

/** The figures getXoaHost and getXoaStorageRepository add to their answers. */
export function hostFigures(xo: SimulatedXo, name: string): { memory: number; cpus: Record<string, number> } {
  const { memory, cpus } = hostAnswer(xo, name, "");
  return { memory, cpus };
}

export function srSize(xo: SimulatedXo, name: string): number {
  return xo.figures?.srs.find((s) => s.name === name)?.sizeBytes ?? 0;
}
