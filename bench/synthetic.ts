/**
 * Clusters of any size for the bench, built the way the loader builds a stack: the real
 * `legal-ai-prod` configuration (every layer, cross-stack checks included) with its pools replaced,
 * re-validated by the one schema and re-planned by the real planner. No stack file is written.
 *
 * The default layout (/24, 4 worker slots of 40) holds about 170 nodes, so the synthetic cluster
 * gets a /21 with 8 worker slots of 128 addresses: the same layout for every size, so sizes differ
 * only in node count. 3 servers (the production shape), the rest in worker pools of at most 125.
 */
import type { z } from "zod";
import { loadStack, planStack, type LoadedStack } from "../components/stack/load";
import { specSchema, type ClusterSpec, type PoolSpec } from "../components/config/schema";
import { profiles } from "../stacks/profiles";

/** The real stack the synthetic clusters start from (production shape: VIP, 3 servers, import mode). */
export const BASE_STACK = "legal-ai-prod";
export const SERVERS = 3;
/** Workers per pool; below the slot size so "+1 worker" still fits in the last pool. */
export const WORKERS_PER_POOL = 125;
const LAYOUT = { reserved: 8, serverBlock: 9, workerSlotSize: 128, workerSlots: 8 };
/** A /21 holds the layout above (2 + 8 + 1 + 9 + 8 × 128 = 1044 addresses) with room for DHCP. */
const CLUSTER_PREFIX = 21;
export const MAX_NODES = SERVERS + LAYOUT.workerSlots * WORKERS_PER_POOL;

type SpecInput = z.input<typeof specSchema>;

/** Pool names sort in creation order and make readable host names (`cluster1-workers-a7`). */
export function workerPoolName(k: number): string {
  return `workers-${String.fromCharCode(97 + k)}`;
}

/** The base stack's configuration, with `nodes` nodes: what `loadStack` would return for it. */
export function syntheticStack(nodes: number, rootDir: string): LoadedStack {
  if (nodes < SERVERS + 1 || nodes > MAX_NODES) {
    throw new Error(`synthetic clusters have ${SERVERS + 1}–${MAX_NODES} nodes, not ${nodes}`);
  }
  const base = loadStack(BASE_STACK, { rootDir, profiles });
  return withSpec(base, resize(base.spec, nodes));
}

/**
 * Re-validates and re-plans an edited spec with the steps the loader takes after merging the
 * layers: the schema, then the loader's own planStack. Throws
 * PlanProblems (or the schema's error) for a spec the loader would refuse.
 */
export function withSpec(base: LoadedStack, input: SpecInput): LoadedStack {
  const spec = specSchema.parse(input);
  return { ...base, spec, ...planStack(base.stack, spec, base.profile) };
}

function resize(spec: ClusterSpec, nodes: number): SpecInput {
  const server = spec.pools.server;
  const worker = spec.pools.worker;
  if (!server || !worker) throw new Error(`${BASE_STACK} no longer has the pools 'server' and 'worker'`);
  const pools: Record<string, PoolSpec> = { server: { ...server, count: SERVERS } };
  let left = nodes - SERVERS;
  for (let k = 0; left > 0; k++) {
    const count = Math.min(left, WORKERS_PER_POOL);
    pools[workerPoolName(k)] = { ...worker, count, slot: k };
    left -= count;
  }
  return {
    ...structuredClone(spec),
    network: { ...structuredClone(spec.network), clusterPrefix: CLUSTER_PREFIX, layout: LAYOUT },
    pools,
  };
}
