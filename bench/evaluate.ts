/**
 * The program under the SDK's mock runtime, as `pulumi up` would evaluate it: configuration, plan,
 * components, every registration finished. Same steps as `runProgram` (components/program.ts),
 * split only so that the simulated XO can be given the loaded stack's inventory before the first
 * resource, as tests/helpers/program.ts does; keep the two in step.
 */
import type { LoadedStack } from "../components/stack/load";
import { buildCluster, loadCurrentStack, PROJECT_ROOT } from "../components/program";
import { inventoryFor, type SimulatedXo } from "../render/inventory";
import type { RecordedResource } from "../render/mocks";
import { runUnderMocks } from "../render/runStack";
import { syntheticStack } from "./synthetic";

export const PROJECT = "cluster-orchestrator";

/** A real stack from stacks/, or a synthetic cluster of that many nodes (bench/synthetic.ts). */
export type Source = { stack: string } | { nodes: number };

export interface Recording {
  stack: string;
  inventory: SimulatedXo;
  resources: RecordedResource[];
  /**
   * URN → URN of the explicit provider it was registered with: the engine orders a resource
   * after its provider just as after a dependency, so the graph needs the edge.
   */
  providers: Record<string, string>;
}

export function describeSource(source: Source): string {
  return "stack" in source ? source.stack : `${source.nodes} nodes`;
}

export function loadSource(source: Source): LoadedStack {
  return "stack" in source
    ? loadCurrentStack(source.stack, PROJECT_ROOT)
    : syntheticStack(source.nodes, PROJECT_ROOT);
}

/**
 * Loads (inside, so configuration and planning are part of the cost), registers everything and
 * waits for the outputs and for every registration in flight (`disconnect`).
 * `priorState`: state the engine keeps for resources with ignored inputs (XoMocks.priorState).
 */
export async function evaluate(
  load: () => LoadedStack,
  priorState: Map<string, Record<string, unknown>> = new Map(),
): Promise<Recording> {
  const loaded = load();
  const inventory = inventoryFor(loaded.spec);
  const { resources } = await runUnderMocks(loaded.stack, inventory, () => buildCluster(loaded), priorState);
  const providers = Object.fromEntries(
    resources.flatMap((r) => (r.provider !== null ? [[r.urn, r.provider]] : [])),
  );
  return { stack: loaded.stack, inventory, resources, providers };
}
