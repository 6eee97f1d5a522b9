/**
 * Real validators (Debian's cloud-init, shellcheck) for rendered files. Missing tools skip the
 * tests locally with a warning, but fail the run in CI, where a silent skip would hide regressions.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readScript, type ScriptName } from "../../cloud-init/scripts";

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], env?: NodeJS.ProcessEnv): RunResult {
  const result = spawnSync(command, args, { encoding: "utf8", env: env ?? process.env });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** True when `name` is on PATH; throws in CI (CI=true) when it is not. */
export function requireTool(name: string): boolean {
  if (spawnSync("sh", ["-c", 'command -v "$1"', "sh", name], { stdio: "ignore" }).status === 0) {
    return true;
  }
  if (process.env.CI === "true") {
    throw new Error(`${name} is required in CI but was not found on PATH`);
  }
  console.warn(`${name} not found on PATH: skipping the tests that need it (install it to run them)`);
  return false;
}

/**
 * Runs `cloud-init schema --config-file` and returns the problems it reports; empty means valid.
 * cloud-init 22.4 exits 0 on deprecations (e.g. `ssh_pwauth: "maybe"`) and only prints them, so
 * any deprecation or error text counts as a problem, not just the exit status.
 */
export function cloudConfigProblems(file: string): string[] {
  const { status, stdout, stderr } = run("cloud-init", ["schema", "--config-file", file]);
  const output = `${stdout}\n${stderr}`;
  const problems = output
    .split("\n")
    .filter((line) => /deprecat|error|invalid|warning/i.test(line))
    // 22.4 prints an empty "Cloud config schema deprecations: " header even when there are none.
    .filter((line) => !/^Cloud config schema deprecations:\s*$/.test(line));
  if (status !== 0 || !/^Valid cloud-config:/m.test(stdout)) {
    problems.push(`cloud-init schema exited ${status}: ${output.trim()}`);
  }
  return problems;
}

export type NetOutputKind = "eni" | "networkd" | "netplan";

/** `cloud-init devel net-convert` arguments for a v2 YAML file, rendered for Debian. */
export function netConvertArgs(file: string, outputKind: NetOutputKind, outDir: string): string[] {
  const args = ["devel", "net-convert", "--network-data", file, "--kind", "yaml"];
  return [...args, "--output-kind", outputKind, "--distro", "debian", "--directory", outDir];
}

/**
 * Converts a network-config with `cloud-init devel net-convert` into `outputKind` and returns the
 * rendered files' contents; throws with cloud-init's output when the conversion fails.
 */
export function netConvert(file: string, outputKind: NetOutputKind, outDir: string): string {
  const result = run("cloud-init", netConvertArgs(file, outputKind, outDir));
  if (result.status !== 0) {
    throw new Error(`net-convert (${outputKind}) exited ${result.status}:\n${result.stderr}`);
  }
  return listFiles(outDir)
    .map((f) => fs.readFileSync(f, "utf8"))
    .join("\n");
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? listFiles(full) : [full];
    })
    .sort();
}

/** shellcheck's findings for `file` (empty when clean). */
export function shellcheckFindings(file: string): string {
  const { status, stdout, stderr } = run("shellcheck", ["--shell=bash", file]);
  return status === 0 ? "" : `${stdout}${stderr}`;
}

/**
 * How cloud-init's own parser (PyYAML, YAML 1.1) reads `file`, as JSON; anything that is not a
 * plain string/number/bool/list/map (a date, an integer read from a MAC) shows up as a mismatch.
 */
export function pyYamlLoad(file: string): unknown {
  const script =
    "import json, sys, yaml\n" +
    "print(json.dumps(yaml.safe_load(open(sys.argv[1])), default=lambda o: '<' + type(o).__name__ + '>'))";
  const result = run("python3", ["-c", script, file]);
  if (result.status !== 0) throw new Error(`PyYAML could not load ${file}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

/** A one-day self-signed P-256 certificate and its key, made by the real openssl (a test CA). */
export function selfSignedCert(keyFile: string, certFile: string, commonName: string): RunResult {
  return run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-subj",
    `/CN=${commonName}`,
    "-days",
    "1",
  ]);
}

/** A boot script as a node receives it (shared lib inlined), written to a temp file to run or lint. */
export function writeScript(name: ScriptName): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-script-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, readScript(name), { mode: 0o755 });
  return file;
}
