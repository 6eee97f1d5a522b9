/**
 * Test fixtures: valid ClusterSpec objects for the pure planner, and throw-away project
 * directories (environment layers + stack files in Pulumi's `config:` format) for the loader.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { NAMESPACE } from "../../components/config/errors";
import { poolSchema, specSchema, type ClusterSpec, type PoolSpec } from "../../components/config/schema";
import type { PoolInput } from "../../components/config/profile";

export const SSH_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP3PnivKvzhUsciWZpTwBZkt9wCejempPFFspLQDuyzt ops@test";

/** Raw config input, edited freely by tests before the schema parses it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawInput = Record<string, any>;

/** Raw (pre-schema) input of a small valid cluster: dev, legal-ai, cluster 3, 3 servers + 2 workers. */
export function baseSpecInput(): RawInput {
  return {
    environment: "dev",
    useCase: "legal-ai",
    cluster: { number: 3 },
    network: {
      supernet: "10.10.0.0/16",
      clusterPrefix: 24,
      vlanBase: 100,
      domain: "lab.example.net",
      resolvers: ["10.10.0.2"],
    },
    xo: { pool: "homelab", template: "ubuntu-24.04-cloudinit", sr: "local-ssd", pifDevice: "eth1" },
    nodes: { sshAuthorizedKeys: [SSH_KEY] },
    // Pod and service ranges in 100.64/10 (outside 10/8 and 172.16/12), so generated supernets never collide with them.
    rke2: { version: "v1.34.2+rke2r1", clusterCidr: "100.64.0.0/16", serviceCidr: "100.65.0.0/16" },
    pools: {
      server: { role: "server", count: 3, cpus: 4, memoryMiB: 8192, diskGiB: 60 },
      worker: { role: "agent", count: 2, cpus: 4, memoryMiB: 16384, diskGiB: 80 },
    },
  };
}

/**
 * A valid ClusterSpec (defaults applied by the real schema). `modify` edits the raw input first,
 * so a test states only what differs from the base.
 */
export function baseSpec(modify?: (input: RawInput) => void): ClusterSpec {
  const input = baseSpecInput();
  modify?.(input);
  return specSchema.parse(input);
}

/** A pool with the schema's defaults applied. */
export function pool(input: PoolInput): PoolSpec {
  return poolSchema.parse(input);
}

// ---------------------------------------------------------------------------------------------
// Temp projects for the config loader

/** Config values without the namespace; keys containing ':' are written as given. A string is written verbatim. */
export type ConfigValues = Record<string, unknown> | string;

export interface ProjectFiles {
  /** Environment layers by name, written to `<root>/Pulumi.<env>.yaml`. */
  environments?: Record<string, ConfigValues>;
  /** Stack files by stack name, written to `<root>/stacks/Pulumi.<stack>.yaml`. */
  stacks: Record<string, ConfigValues>;
}

/** Serialises values as a Pulumi config file: `config:` with `cluster-orchestrator:<key>` entries. */
export function toPulumiYaml(values: Record<string, unknown>): string {
  const config = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key.includes(":") ? key : `${NAMESPACE}:${key}`, value]),
  );
  return stringify({ config });
}

export function writeProject(files: ProjectFiles): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-orchestrator-test-"));
  fs.mkdirSync(path.join(root, "stacks"));
  const write = (file: string, values: ConfigValues) =>
    fs.writeFileSync(file, typeof values === "string" ? values : toPulumiYaml(values));
  for (const [env, values] of Object.entries(files.environments ?? {})) {
    write(path.join(root, `Pulumi.${env}.yaml`), values);
  }
  for (const [stack, values] of Object.entries(files.stacks)) {
    write(path.join(root, "stacks", `Pulumi.${stack}.yaml`), values);
  }
  return root;
}

/**
 * Call at the top of a test file: returns a project factory whose directories are removed in
 * afterAll.
 */
export function useTempProjects(): (files: ProjectFiles) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (files) => {
    const dir = writeProject(files);
    dirs.push(dir);
    return dir;
  };
}

/** A valid environment layer (the shape of the repo's Pulumi.dev.yaml). */
export function envLayer(env = "dev"): RawInput {
  const second = env === "dev" ? 10 : 20;
  return {
    xo: { pool: "homelab", template: "ubuntu-24.04-cloudinit", sr: "local-ssd", pifDevice: "eth1" },
    network: {
      supernet: `10.${second}.0.0/16`,
      clusterPrefix: 24,
      vlanBase: second * 10,
      domain: "lab.example.net",
      resolvers: [`10.${second}.0.2`],
    },
    nodes: { adminUser: "ops", sshAuthorizedKeys: [SSH_KEY], packages: ["curl"] },
    rke2: { version: "v1.34.2+rke2r1" },
    protect: env !== "dev",
  };
}

/** A valid stack file for `<useCase>-<env>` with the given cluster number. */
export function stackValues(useCase: string, env: string, number: number): RawInput {
  return { environment: env, useCase, cluster: { number } };
}
