/** Runs the program (the function index.ts calls) under the recording mocks, from any project root. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram, PROJECT_ROOT } from "../../components/program";
import { loadStack } from "../../components/stack/load";
import { profiles } from "../../stacks/profiles";
import { inventoryFor } from "../../render/inventory";
import { isMockSecret, type RecordedResource } from "../../render/mocks";
import { resolveOutput, runUnderMocks, type MockedRun } from "../../render/runStack";

export type ProgramRun = MockedRun;
export { resolveOutput };

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
    // A stack whose config is broken on purpose: the run fails before any lookup anyway.
    inventorySpec = loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles }).spec;
  }
  return runUnderMocks(stack, inventoryFor(inventorySpec), () => runProgram(stack, rootDir), priorState);
}

/** A throw-away copy of the project's configuration files, to edit in a test. */
export function copyProjectConfig(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-project-"));
  fs.mkdirSync(path.join(dir, "stacks"));
  for (const f of fs.readdirSync(PROJECT_ROOT).filter((f) => /^(Pulumi\..+|xo-pools)\.yaml$/.test(f))) {
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
  memoryMin: number;
  destroyCloudConfigVdiAfterBoot: boolean;
  powerState?: string;
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
