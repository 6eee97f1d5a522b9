/**
 * Placement of a cluster's nodes over the hosts of its XO pool (the VM's affinity host). Pure and
 * deterministic: a node's host follows from the cluster number, its pool and its own index, never
 * from how many nodes the pool has, so scaling a pool moves no other node.
 *
 * - One host (the default): no affinity is set; XO starts every VM on that host.
 * - Several hosts: node k of a pool goes to host (start + k − 1) mod H, where the server pool
 *   starts at host (N − 1) mod H and an agent pool at (N + slot) mod H (N: cluster number, slot:
 *   the pool's address slot). Servers therefore never share a host while a host has none, the
 *   nodes of each pool differ by at most one per host, and clusters start on different hosts.
 * - A pool's explicit `affinityHost` wins over this rule.
 */
import type { PoolSpec } from "../config/schema";
import type { NodePlan } from "./types";
import type { Problem } from "./problems";

/** 0-based index of the host node `index` (1-based) of a pool goes to, among `hostCount` hosts. */
export function hostIndex(
  clusterNumber: number,
  pool: Pick<PoolSpec, "role" | "slot">,
  index: number,
  hostCount: number,
): number {
  const start = pool.role === "server" ? clusterNumber - 1 : clusterNumber + (pool.slot ?? 0);
  return (start + index - 1) % hostCount;
}

/**
 * The nodes with their affinity host decided. `hosts`: the pool's host names in model order.
 * An explicit affinityHost must name one of them.
 */
export function placeNodes(
  clusterNumber: number,
  pools: Record<string, PoolSpec>,
  nodes: NodePlan[],
  hosts: string[],
  problems: Problem[],
): NodePlan[] {
  for (const [poolName, pool] of Object.entries(pools)) {
    if (pool.affinityHost !== undefined && !hosts.includes(pool.affinityHost)) {
      problems.push({
        path: ["pools", poolName, "affinityHost"],
        message: `no host '${pool.affinityHost}' in the capacity model of this XO pool (hosts: ${hosts.join(", ")})`,
      });
    }
  }
  if (hosts.length < 2) return nodes;
  return nodes.map((node) => {
    const pool = pools[node.pool];
    if (pool === undefined || pool.affinityHost !== undefined) return node;
    return { ...node, affinityHost: hosts[hostIndex(clusterNumber, pool, node.index, hosts.length)]! };
  });
}
