/**
 * Issue 12 item 7: one source for the configuration reference. Every key of the schema has a
 * description, no description names a key that is gone, docs/configuration.md's key table and
 * schemas/stack-config.schema.json are what `npm run config-reference` generates, and that JSON
 * Schema accepts every real stack file and environment layer and refuses a misspelt key.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { DESCRIPTIONS } from "../components/config/descriptions";
import { CONFIG_DOC, JSON_SCHEMA, keyRows, stackFileJsonSchema } from "../components/config/reference";
import { listEnvironments, listStacks } from "../components/config/sources";
import { PROJECT_ROOT } from "../components/config/root";

test("every key has a description; every description names a key", () => {
  const rows = keyRows();
  expect(rows.length).toBeGreaterThan(60);
  expect(rows.filter((r) => r.description === null).map((r) => r.key)).toEqual([]);
  const keys = new Set(rows.map((r) => r.key));
  expect(Object.keys(DESCRIPTIONS).filter((k) => !keys.has(k))).toEqual([]);
});

/** `npm run config-reference -- --check` (a subprocess: Prettier 3 loads as ESM, which jest cannot). */
function check(root: string) {
  const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
  const script = path.join(PROJECT_ROOT, "bin", "config-reference.ts");
  return spawnSync(tsx, [script, "--check", "--root", root], { encoding: "utf8" });
}

test("the generated files are current (npm run config-reference), and a stale one is caught", () => {
  const current = check(PROJECT_ROOT);
  expect([current.status, current.stderr]).toEqual([0, ""]);
  // A copy whose table lost a description: the check names the file and fails.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-reference-"));
  try {
    for (const file of [".prettierrc.json", CONFIG_DOC, JSON_SCHEMA]) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
    }
    const doc = path.join(dir, CONFIG_DOC);
    fs.writeFileSync(doc, fs.readFileSync(doc, "utf8").replace("free text", "free-form text"));
    const stale = check(dir);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`${CONFIG_DOC} is out of date: run npm run config-reference`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe("the stack files' JSON Schema", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(stackFileJsonSchema());
  const read = (file: string) => parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")) as unknown;

  test.each([
    ...listStacks(PROJECT_ROOT).map((s) => `stacks/Pulumi.${s}.yaml`),
    ...listEnvironments(PROJECT_ROOT).map((e) => `Pulumi.${e}.yaml`),
  ])("%s is valid and names the schema", (file) => {
    expect([file, validate(read(file)), validate.errors ?? []]).toEqual([file, true, []]);
    const first = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8").split("\n")[0];
    expect(first).toMatch(/^# yaml-language-server: \$schema=\.{1,2}\/schemas\/stack-config\.schema\.json$/);
  });

  test.each<[string, Record<string, unknown>]>([
    ["a misspelt key of this namespace", { "cluster-orchestrator:clustr": { number: 1 } }],
    ["a misspelt nested key", { "cluster-orchestrator:cluster": { numbr: 1 } }],
    ["a value out of range", { "cluster-orchestrator:cluster": { vlan: 5000 } }],
    ["a wrong enum", { "cluster-orchestrator:rke2": { cni: "flannel" } }],
    ["a key without a namespace", { environment: "dev" }],
  ])("refuses %s", (_, config) => {
    expect(validate({ config })).toBe(false);
  });

  test("accepts a partial layer and other namespaces' keys", () => {
    expect(
      validate({
        config: {
          "cluster-orchestrator:cluster": { description: "no number here: another layer sets it" },
          "xenorchestra:url": "wss://xo",
          "rancher2:tokenKey": { secure: "AAA" },
        },
      }),
    ).toBe(true);
  });
});
