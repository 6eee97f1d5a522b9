/**
 * What the engine tests run against: the binaries scripts/engine.sh built (read from
 * .engine/status.json), an isolated PULUMI_HOME, a file:// backend in a temporary directory,
 * the passphrase from the environment, and a throwaway copy of the project (stack init writes
 * the stack file's encryption salt, which must not touch the repo).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO = path.join(__dirname, "../..");

export interface EngineStatus {
  cli: { version: string; path: string };
  languageHost: { path: string; upstream: boolean };
  binDir: string;
  pulumiHome: string;
  plugins: { name: string; version: string; path: string }[];
  refused: { module: string; reason: string }[];
}

export function engineStatus(): EngineStatus {
  const file = path.join(process.env.ENGINE_DIR ?? path.join(REPO, ".engine"), "status.json");
  if (!fs.existsSync(file))
    throw new Error(`${file} is missing: run scripts/engine.sh first (npm run test:engine does)`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as EngineStatus;
}

/** The files the program needs, copied; node_modules linked. */
const PROJECT_FILES = [
  "Pulumi.yaml",
  "Pulumi.dev.yaml",
  "Pulumi.prod.yaml",
  "xo-pools.yaml",
  "index.ts",
  "package.json",
  "tsconfig.json",
  "components",
  "cloud-init",
  "stacks",
];

export interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  pulumi(args: string[], extraEnv?: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string };
  cleanup(): void;
}

export function workspace(status: EngineStatus): Workspace {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "engine-lane-"));
  const dir = path.join(base, "project");
  fs.mkdirSync(dir);
  for (const f of PROJECT_FILES) fs.cpSync(path.join(REPO, f), path.join(dir, f), { recursive: true });
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
  const backend = path.join(base, "state");
  fs.mkdirSync(backend);
  const env: NodeJS.ProcessEnv = {
    PATH: `${status.binDir}:${process.env.PATH ?? ""}`,
    HOME: process.env.HOME,
    PULUMI_HOME: status.pulumiHome,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "engine-lane-passphrase",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
    CI: "true",
  };
  return {
    dir,
    env,
    pulumi(args, extraEnv = {}) {
      const r = spawnSync(status.cli.path, [...args, "--non-interactive"], {
        cwd: dir,
        env: { ...env, ...extraEnv },
        encoding: "utf8",
        timeout: 540_000,
      });
      return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    },
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}
