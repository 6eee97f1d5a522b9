/**
 * The engine lane, part 1: the real pulumi CLI (built from pkg/v3 at @pulumi/pulumi's version)
 * and the Node.js runner of @pulumi/pulumi (ts-node with the project's TypeScript), driven
 * through the project's language host (tools/engine/language-nodejs). What needs the resource
 * plugins is in the other engine files and waits on scripts/engine.sh being able to build them.
 */
import * as fs from "fs";
import * as path from "path";
import { engineStatus, REPO, workspace, type EngineStatus, type Workspace } from "./engineEnv";

const STACK = "legal-ai-dev";

let status: EngineStatus;
let ws: Workspace;

beforeAll(() => {
  status = engineStatus();
  ws = workspace(status);
});
afterAll(() => ws?.cleanup());

const out = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;
/** A Node.js or Go stack trace frame. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$|^goroutine \d+ \[/m;

test("the CLI is the version package.json pins for @pulumi/pulumi", () => {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(REPO, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
  ) as {
    version: string;
  };
  const r = ws.pulumi(["version"]);
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe(`v${pkg.version}`);
});

test("stack init on a file:// backend with a passphrase; the CLI reads the stack file from stackConfigDir", () => {
  const init = ws.pulumi(["stack", "init", STACK]);
  expect(out(init)).not.toMatch(/error/i);
  expect(init.status).toBe(0);
  // The passphrase provider's salt went into stacks/ (stackConfigDir), not the project root.
  expect(fs.readFileSync(path.join(ws.dir, "stacks", `Pulumi.${STACK}.yaml`), "utf8")).toMatch(
    /^encryptionsalt: /m,
  );
  expect(fs.existsSync(path.join(ws.dir, `Pulumi.${STACK}.yaml`))).toBe(false);
  const config = ws.pulumi(["config", "--stack", STACK, "--json"]);
  expect(config.status).toBe(0);
  const values = JSON.parse(config.stdout) as Record<string, { value?: string }>;
  expect(values["cluster-orchestrator:useCase"]?.value).toBe("legal-ai");
  expect(values["cluster-orchestrator:environment"]?.value).toBe("dev");
});

test("a config error through the real CLI: non-zero exit, the key and the file, no stack trace", () => {
  const file = path.join(ws.dir, "stacks", `Pulumi.${STACK}.yaml`);
  const original = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, original.replace(/(worker:\n\s+count:) 2/, "$1 many"));
  try {
    expect(fs.readFileSync(file, "utf8")).toContain("count: many");
    const r = ws.pulumi(["preview", "--stack", STACK]);
    const text = out(r);
    expect(r.status).not.toBe(0);
    expect(text).toContain(`Invalid configuration for stack ${STACK}`);
    expect(text).toContain("cluster-orchestrator:pools.worker.count");
    expect(text).toContain(`Pulumi.${STACK}.yaml`);
    expect(text).not.toMatch(STACK_FRAME);
    // It is the program's check that failed, after TypeScript compiled the whole program.
    expect(text).not.toMatch(/TSError|error TS\d+/);
  } finally {
    fs.writeFileSync(file, original);
  }
});

test("a valid stack compiles and runs under the real runner until its first provider call", () => {
  // With the resource plugins unavailable (status.refused), the run must fail exactly there:
  // on a missing xenorchestra plugin, after configuration and compilation succeeded.
  const r = ws.pulumi(["preview", "--stack", STACK]);
  const text = out(r);
  if (status.plugins.some((p) => p.name === "xenorchestra")) {
    expect(r.status).toBe(0);
    return;
  }
  expect(r.status).not.toBe(0);
  expect(text).not.toMatch(/TSError|error TS\d+|Invalid configuration/);
  // The xenorchestra provider is loaded only when the program first calls it (an XO lookup),
  // which it does after loading and validating its configuration. (Whether the Cluster
  // component's own line is displayed before the failure is a race, so it is not asserted.)
  expect(text).toContain(
    "no resource plugin 'pulumi-resource-xenorchestra' found in the workspace at version v2.4.0",
  );
});

const OTHER_STACKS = fs
  .readdirSync(path.join(REPO, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined && s !== STACK)
  .sort();
function runsToFirstProviderCall(stack: string) {
  expect(ws.pulumi(["stack", "init", stack]).status).toBe(0);
  const r = ws.pulumi(["preview", "--stack", stack]);
  const text = out(r);
  expect(text).toMatch(new RegExp(`Previewing update \\(${stack}\\)`));
  expect(text).not.toMatch(/TSError|error TS\d+|Invalid configuration/);
  if (!status.plugins.some((p) => p.name === "xenorchestra")) {
    expect(r.status).not.toBe(0);
    expect(text).toContain("no resource plugin 'pulumi-resource-xenorchestra' found");
  }
}

test("the stacks cover dev and prod", () => {
  expect(OTHER_STACKS).toEqual(
    expect.arrayContaining(["legal-ai-prod", "healthcare-prod", "healthcare-dev"]),
  );
});

test.each(OTHER_STACKS)("%s loads its layers through the CLI and runs to its first provider call", (stack) =>
  runsToFirstProviderCall(stack),
);

// Found by this lane: the loader now reads such values as Pulumi does (components/config/sources.ts
// decodeValue; tests/engineConfig.test.ts), so healthcare-prod above runs like the others.
test("the CLI writes top-level stack config values back as strings (what the loader must accept)", () => {
  const file = path.join(ws.dir, "stacks", "Pulumi.healthcare-prod.yaml");
  expect(fs.readFileSync(path.join(REPO, "stacks", "Pulumi.healthcare-prod.yaml"), "utf8")).toMatch(
    /^ {2}cluster-orchestrator:critical: true$/m,
  );
  // healthcare-prod was initialised above.
  expect(fs.readFileSync(file, "utf8")).toMatch(/^ {2}cluster-orchestrator:critical: "true"$/m);
});
