/**
 * Runs the real program (index.ts) for one stack under the SDK's mock runtime and returns what
 * it registered and exported. The configuration is checked first, exactly as the program does,
 * so a bad stack fails here with its ConfigError and registers nothing.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../components/config/root";
import { loadStack, type LoadedStack } from "../components/stack/load";
import { profiles } from "../stacks/profiles";
import { withCapacity } from "./capacityInventory";
import { inventoryFor, type SimulatedXo } from "./inventory";
import { installRecordingMocks, XoMocks, type RecordedResource } from "./mocks";

export interface StackRun {
  loaded: LoadedStack;
  resources: RecordedResource[];
  /** Secret values the simulated services handed out; the render never writes them. */
  secrets: Set<string>;
  outputs: Record<string, unknown>;
}

const PROGRAM = path.join(PROJECT_ROOT, "index.ts");

export interface MockedRun {
  resources: RecordedResource[];
  /** The program's outputs, resolved. */
  outputs: Record<string, unknown>;
  /** The outputs as the program returned them (Outputs, secrets still marked). */
  raw: Record<string, unknown>;
  mocks: XoMocks;
}

/**
 * Runs `program` under the recording mocks answering as `inventory`, waits for its outputs and for
 * every registration still in flight (children of components), and returns the record.
 * `priorState`: state the engine keeps for resources with ignored inputs (XoMocks.priorState).
 */
export async function runUnderMocks(
  stack: string,
  inventory: SimulatedXo,
  program: () => Record<string, unknown> | Promise<Record<string, unknown>>,
  priorState: Map<string, Record<string, unknown>> = new Map(),
): Promise<MockedRun> {
  const mocks = new XoMocks(inventory);
  for (const [name, state] of priorState) mocks.priorState.set(name, state);
  const resources = installRecordingMocks(mocks, "cluster-orchestrator", stack);
  try {
    const raw = await program();
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) outputs[key] = await resolveOutput(value);
    return { resources, outputs, raw, mocks };
  } finally {
    await pulumi.runtime.disconnect();
  }
}

export async function runStack(stack: string, rootDir = PROJECT_ROOT): Promise<StackRun> {
  const loaded = loadStack(stack, { rootDir, profiles });
  // index.ts exports the program as a function, as Pulumi calls it: one call per stack.
  const program = require(PROGRAM) as () => Promise<Record<string, unknown>>; // eslint-disable-line @typescript-eslint/no-require-imports
  const run = await runUnderMocks(stack, withCapacity(inventoryFor(loaded.spec), loaded), program);
  return { loaded, resources: run.resources, outputs: run.outputs, secrets: run.mocks.secretValues };
}

/** Waits for a program output (mocks resolve every value: no preview unknowns). */
export function resolveOutput<T = unknown>(value: unknown): Promise<T> {
  const output = pulumi.output(value as pulumi.Input<T>) as pulumi.Output<T>;
  return new Promise((done) => output.apply((v) => done(v)));
}
