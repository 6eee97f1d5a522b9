/** Runs the program (the function index.ts calls) under the recording mocks, from any project root. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runProgram, PROJECT_ROOT } from "../../components/program";
import { loadStack } from "../../components/config/load";
import { profiles } from "../../stacks/profiles";
import { inventoryFor } from "../../render/inventory";
import { installRecordingMocks, isMockSecret, XoMocks, type RecordedResource } from "../../render/mocks";

export interface ProgramRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** The program's outputs as it returned them (Outputs, secrets still marked). */
  raw: Record<string, unknown>;
  mocks: XoMocks;
}

export async function resolveOutput<T>(value: pulumi.Input<T>): Promise<T> {
  const output = pulumi.output(value) as pulumi.Output<T>;
  return new Promise((done) => output.apply((v) => done(v)));
}

/** `priorState`: state the engine keeps for resources with ignored inputs (see XoMocks.priorState). */
export async function runInMocks(
  stack: string,
  rootDir = PROJECT_ROOT,
  priorState: Map<string, Record<string, unknown>> = new Map(),
): Promise<ProgramRun> {
  let inventorySpec;
  try {
    inventorySpec = loadStack(stack, { rootDir, profiles, crossCheck: false }).spec;
  } catch {
    inventorySpec = loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles }).spec;
  }
  const mocks = new XoMocks(inventoryFor(inventorySpec));
  for (const [name, state] of priorState) mocks.priorState.set(name, state);
  const resources = installRecordingMocks(mocks, "cluster-orchestrator", stack);
  try {
    const program = runProgram(stack, rootDir);
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program))
      outputs[key] = await resolveOutput(value as pulumi.Input<unknown>);
    return { resources, outputs, raw: program, mocks };
  } finally {
    await pulumi.runtime.disconnect();
  }
}

/** A throw-away copy of the project's configuration files, to edit in a test. */
export function copyProjectConfig(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-project-"));
  fs.mkdirSync(path.join(dir, "stacks"));
  for (const f of fs.readdirSync(PROJECT_ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
    fs.copyFileSync(path.join(PROJECT_ROOT, f), path.join(dir, f));
  }
  for (const f of fs.readdirSync(path.join(PROJECT_ROOT, "stacks")).filter((f) => f.endsWith(".yaml"))) {
    fs.copyFileSync(path.join(PROJECT_ROOT, "stacks", f), path.join(dir, "stacks", f));
  }
  return dir;
}

export function byType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

/** The parts of a recorded VM's inputs the tests read (mock inputs arrive as untyped JSON). */
export interface VmInputs {
  nameLabel: string;
  cpus: number;
  memoryMax: number;
  template: string;
  tags: string[];
  cloudConfig: unknown;
  cloudNetworkConfig: unknown;
  disks: { size: number; srId: string; nameLabel: string }[];
  networks: { macAddress: string; expectedIpCidr: string; networkId: string }[];
}

export function vmInputs(resource: RecordedResource): VmInputs {
  return resource.inputs as unknown as VmInputs;
}

/** The plain value of a secret input as the mock runtime hands it over; fails on a plain value. */
export function secretValue(value: unknown): string {
  if (!isMockSecret(value)) throw new Error(`expected a secret, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return String(value.value);
}
