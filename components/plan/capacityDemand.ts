/**
 * What each consumer of an XO pool asks, VM by VM, with the host each VM runs on: the nodes of
 * every stack placed on the pool, and the model's reservations (XO VM, management cluster). Pure.
 */
import type { PoolSpec } from "../config/schema";
import type { PoolCapacity } from "./capacityModel";
import { placeNodes } from "./placement";
import type { NodePlan } from "./types";

export interface VmDemand {
  /** Who asks: a stack name, or `reserved <name>`. */
  consumer: string;
  /** The VM: a host name, or `<reservation>-<i>`. */
  vm: string;
  host: string;
  vcpus: number;
  memoryGiB: number;
  sr: string;
  diskGiB: number;
}

/** What the estate check needs of a loaded stack. */
export interface StackShape {
  stack: string;
  clusterNumber: number;
  pools: Record<string, PoolSpec>;
  nodes: NodePlan[];
  sr: string;
}

const MiB_PER_GiB = 1024;

/** The stack's VMs. Nodes without an affinity host are placed by the rule (one host: that host). */
export function stackDemand(shape: StackShape, pool: PoolCapacity): VmDemand[] {
  const hosts = pool.hosts.map((h) => h.name);
  const placed = placeNodes(shape.clusterNumber, shape.pools, shape.nodes, hosts, []);
  return placed.map((node) => ({
    consumer: shape.stack,
    vm: node.hostname,
    host: node.affinityHost ?? hosts[0]!,
    vcpus: node.cpus,
    memoryGiB: node.memoryMiB / MiB_PER_GiB,
    sr: shape.sr,
    diskGiB: node.diskGiB + (node.dataDiskGiB ?? 0),
  }));
}

/** The reservations' VMs, spread over the hosts from the first one like a server pool. */
export function reservedDemand(pool: PoolCapacity): VmDemand[] {
  const hosts = pool.hosts.map((h) => h.name);
  return pool.reserved.flatMap((r) =>
    Array.from({ length: r.count }, (_, i) => ({
      consumer: `reserved ${r.name}`,
      vm: `${r.name}-${i + 1}`,
      host: r.host ?? hosts[i % hosts.length]!,
      vcpus: r.vcpus,
      memoryGiB: r.memoryGiB,
      sr: r.sr ?? pool.srs[0]!.name,
      diskGiB: r.diskGiB,
    })),
  );
}
