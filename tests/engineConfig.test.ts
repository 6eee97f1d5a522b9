/**
 * Issue 12 item 6: under the CLI the stack's own values come from the engine (the stack file as
 * the CLI resolved it, ESC environments, --config-file, Automation API config), with the
 * environment layer and the profile merged under them; the offline render keeps reading files.
 * Secrets in this namespace are refused by key, never echoed.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ENGINE_SOURCE, engineStackSource, type EngineConfig } from "../components/config/engine";
import { ConfigError } from "../components/config/errors";
import { decodeValue } from "../components/config/sources";
import { loadStack } from "../components/stack/load";
import { PROJECT_ROOT } from "../components/config/root";
import { engineConfig, runProgram } from "../components/program";
import { inventoryFor } from "../render/inventory";
import { runUnderMocks } from "../render/runStack";
import { profiles } from "../stacks/profiles";
import { copyProjectConfig } from "./helpers/program";
import { readFleet } from "../fleet/select";

/** The map the engine hands the program for stacks/Pulumi.legal-ai-dev.yaml, as JSON text. */
function legalAiDev(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "cluster-orchestrator:environment": "dev",
    "cluster-orchestrator:useCase": "legal-ai",
    "cluster-orchestrator:cluster": JSON.stringify({ number: 1, description: "legal-ai cluster (dev)" }),
    "cluster-orchestrator:pools": JSON.stringify({ worker: { count: 2 } }),
    "xenorchestra:url": "wss://xo.example", // another namespace: left to its provider
    ...extra,
  };
}

function engine(values: Record<string, string>, secret: string[] = []): EngineConfig {
  return { values, isSecret: (k) => secret.includes(k) };
}

test("decodeValue: structured values from JSON, booleans, names stay text", () => {
  expect(decodeValue('{"number":3,"vlan":103}')).toEqual({ number: 3, vlan: 103 });
  expect(decodeValue('["a","b"]')).toEqual(["a", "b"]);
  expect(decodeValue("true")).toBe(true);
  expect(decodeValue("false")).toBe(false);
  expect(decodeValue("none")).toBe("none");
  expect(decodeValue("dev")).toBe("dev");
  expect(decodeValue("{not json")).toBe("{not json");
});

test("the engine's values are the stack layer: they win over what the stack file says", () => {
  // As if an ESC environment or --config-file set the worker count and a description.
  const values = legalAiDev({
    "cluster-orchestrator:pools": JSON.stringify({ worker: { count: 3 } }),
  });
  const loaded = loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles, engine: engine(values) });
  expect(loaded.plan.nodes.filter((n) => n.pool === "worker")).toHaveLength(3);
  // environment, useCase and cluster are what the stack file says; pools is the engine's own.
  expect(loaded.files).toEqual([
    "stacks/legal-ai.ts",
    "Pulumi.dev.yaml",
    "stacks/Pulumi.legal-ai-dev.yaml",
    ENGINE_SOURCE,
  ]);
  // The file itself says 2: the file-reading loader (the offline render) still sees that.
  const fromFile = loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles });
  expect(fromFile.plan.nodes.filter((n) => n.pool === "worker")).toHaveLength(2);
});

test("errors name the key and say the value came from the engine; a missing key points at the stack file", () => {
  const bad = legalAiDev({
    "cluster-orchestrator:cluster": JSON.stringify({ number: 1, vlan: 5000 }),
    "cluster-orchestrator:rke2": JSON.stringify({ cni: "flannel" }),
  });
  let error: unknown;
  try {
    loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles, engine: engine(bad) });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const lines = (error as ConfigError).problems.map((p) => `${p.key} (${p.file})`);
  expect(lines).toContain("cluster-orchestrator:cluster.vlan (stack config (engine))");
  expect(lines).toContain("cluster-orchestrator:rke2.cni (stack config (engine))");
  const missing = legalAiDev();
  delete missing["cluster-orchestrator:useCase"];
  expect(() =>
    loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles, engine: engine(missing) }),
  ).toThrow(
    /cluster-orchestrator:useCase \(not set; add it to Pulumi\.dev\.yaml or stacks\/Pulumi\.legal-ai-dev\.yaml\)/,
  );
});

test("under the CLI, a mistake in the stack file still names the stack file (the engine hands the same value)", () => {
  const dir = copyProjectConfig();
  const file = path.join(dir, "stacks", "Pulumi.legal-ai-dev.yaml");
  const text = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, `${text.trimEnd()}\n  cluster-orchestrator:rke2:\n    cni: flannel\n`);
  // What the CLI hands the program for that file: each top-level value as text, objects as JSON.
  const values = legalAiDev({ "cluster-orchestrator:rke2": JSON.stringify({ cni: "flannel" }) });
  expect(() => loadStack("legal-ai-dev", { rootDir: dir, profiles, engine: engine(values) })).toThrow(
    /cluster-orchestrator:rke2\.cni \(stacks\/Pulumi\.legal-ai-dev\.yaml\)/,
  );
});

test("a secret in this namespace is refused by key; its value is never shown; other namespaces' secrets pass", () => {
  const values = legalAiDev({
    "cluster-orchestrator:rancher": JSON.stringify({ caChecksum: "s3cr3t-value" }),
    "rancher2:tokenKey": "token-xyz",
  });
  const problems: Parameters<typeof engineStackSource>[1] = [];
  const source = engineStackSource(
    engine(values, ["cluster-orchestrator:rancher", "rancher2:tokenKey"]),
    problems,
  );
  expect(source?.values.rancher).toBeUndefined();
  expect(problems).toEqual([
    {
      key: "cluster-orchestrator:rancher",
      file: ENGINE_SOURCE,
      message: expect.stringContaining("carry no secrets"),
    },
  ]);
  expect(JSON.stringify(problems)).not.toContain("s3cr3t");
  expect(() =>
    loadStack("legal-ai-dev", {
      rootDir: PROJECT_ROOT,
      profiles,
      engine: engine(values, ["cluster-orchestrator:rancher"]),
    }),
  ).toThrow(/cluster-orchestrator:rancher \(stack config \(engine\)\): holds an encrypted value/);
});

describe("the program reads the engine's config when it has one", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  test("no key of this namespace (mocks, the render): no engine config, the files are read", () => {
    pulumi.runtime.setAllConfig({ "xenorchestra:url": "wss://xo" });
    expect(engineConfig()).toBeUndefined();
  });

  test("under the engine: its values and its secret keys reach the loader", async () => {
    pulumi.runtime.setAllConfig(
      legalAiDev({ "cluster-orchestrator:pools": JSON.stringify({ worker: { count: 3 } }) }),
      ["xenorchestra:url"],
    );
    const config = engineConfig();
    expect(config?.isSecret("xenorchestra:url")).toBe(true);
    expect(config?.isSecret("cluster-orchestrator:cluster")).toBe(false);
    const spec = loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles, crossCheck: false }).spec;
    const run = await runUnderMocks("legal-ai-dev", inventoryFor(spec), () => runProgram("legal-ai-dev"));
    const nodes = run.outputs.nodes as { hostname: string }[];
    expect(nodes.map((n) => n.hostname).filter((h) => h.includes("worker"))).toHaveLength(3);
  });
});

describe("stack files the CLI has rewritten (top-level values as strings)", () => {
  // `pulumi stack init` / `config set` write `critical: true` back as `"true"` (pinned against the
  // real CLI in tests/engine/cli.engine.ts): the files must mean what the engine means.
  function rewritten(): string {
    const dir = copyProjectConfig();
    const file = path.join(dir, "stacks", "Pulumi.healthcare-prod.yaml");
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/^ {2}cluster-orchestrator:critical: true$/m);
    fs.writeFileSync(file, text.replace(/^( {2}cluster-orchestrator:critical:) true$/m, '$1 "true"'));
    return dir;
  }

  test("the loader reads a quoted boolean as the boolean", () => {
    const dir = rewritten();
    expect(loadStack("healthcare-prod", { rootDir: dir, profiles }).spec.critical).toBe(true);
  });

  test("fleet keeps refusing to destroy it", () => {
    const stack = readFleet(rewritten()).find((s) => s.name === "healthcare-prod");
    expect(stack).toMatchObject({ critical: true, criticalReason: expect.stringContaining("stack file") });
  });

  test("a quoted false is false, not a truthy string", () => {
    const dir = rewritten();
    const file = path.join(dir, "stacks", "Pulumi.healthcare-prod.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('critical: "true"', 'critical: "false"'));
    expect(readFleet(dir).find((s) => s.name === "healthcare-prod")?.critical).toBe(false);
  });
});

test("under the CLI the cross-stack checks still see every other stack (from its file, not this stack's engine values)", () => {
  // healthcare-dev's cluster number, given to legal-ai-dev through the engine: a collision.
  const values = legalAiDev({
    "cluster-orchestrator:cluster": JSON.stringify({ number: 3, description: "legal-ai cluster (dev)" }),
  });
  expect(() =>
    loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles, engine: engine(values) }),
  ).toThrow(/healthcare-dev/);
});
