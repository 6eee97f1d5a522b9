/**
 * Runs the real program (index.ts) for one stack under the SDK's mock runtime and returns what
 * it registered and exported. The configuration is checked first, exactly as the program does,
 * so a bad stack fails here with its ConfigError and registers nothing.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../components/program";
import { loadStack, type LoadedStack } from "../components/config/load";
import { profiles } from "../stacks/profiles";
import { inventoryFor } from "./inventory";
import { installRecordingMocks, XoMocks, type RecordedResource } from "./mocks";

export interface StackRun {
  loaded: LoadedStack;
  resources: RecordedResource[];
  /** Secret values the simulated services handed out; the render never writes them. */
  secrets: Set<string>;
  outputs: Record<string, unknown>;
}

const PROGRAM = path.join(PROJECT_ROOT, "index.ts");

export async function runStack(stack: string, rootDir = PROJECT_ROOT): Promise<StackRun> {
  const loaded = loadStack(stack, { rootDir, profiles });
  const mocks = new XoMocks(inventoryFor(loaded.spec));
  const resources = installRecordingMocks(mocks, "cluster-orchestrator", stack);
  // index.ts exports the program as a function, as Pulumi calls it: one call per stack.
  const program = require(PROGRAM) as () => Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program())) outputs[key] = await resolve(value);
  // Registrations still in flight (children of components) finish before we read the record.
  await pulumi.runtime.disconnect();
  return { loaded, resources, outputs, secrets: mocks.secretValues };
}

function resolve(value: unknown): Promise<unknown> {
  const output: pulumi.Output<unknown> = pulumi.output(value) as pulumi.Output<unknown>;
  return new Promise((done) => output.apply((v) => done(v)));
}
