/**
 * A simulated Xen Orchestra inventory for the offline render: the pool, template, SR, PIF and
 * hosts exactly as the environment layer names them. Lookups of anything else fail the way the
 * provider does, so a render still catches a name the program asks for but the layer lacks.
 */
import { createHash } from "crypto";
import type { ClusterSpec } from "../components/config/schema";

export interface SimulatedXo {
  pools: string[];
  templates: string[];
  srs: string[];
  pifDevices: string[];
  hosts: string[];
  networks: string[];
  /** Host and SR sizes for the capacity check (render/capacityInventory.ts). */
  figures?: {
    hosts: { name: string; memoryBytes: number; cores: number }[];
    srs: { name: string; sizeBytes: number }[];
  };
}

export function inventoryFor(spec: ClusterSpec): SimulatedXo {
  const hosts = Object.values(spec.pools).flatMap((p) =>
    p.affinityHost !== undefined ? [p.affinityHost] : [],
  );
  return {
    pools: [spec.xo.pool],
    templates: [spec.xo.template],
    srs: [spec.xo.sr],
    pifDevices: [spec.xo.pifDevice],
    hosts: [...new Set(hosts)],
    networks: spec.network.existingNetwork !== undefined ? [spec.network.existingNetwork] : [],
  };
}

/** Deterministic UUID-shaped id, so renders are byte-identical run to run. */
export function fakeId(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
