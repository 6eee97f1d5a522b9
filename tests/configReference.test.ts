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
import {
  CONFIG_DOC,
  JSON_SCHEMA,
  keyRows,
  keyTable,
  stackFileJsonSchema,
  type KeyRow,
} from "../components/config/reference";
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

/**
 * The same drift check in this process (the subprocess above runs code Stryker cannot switch
 * mutants in): the table's cells as Prettier left them in the doc, and the JSON Schema file.
 */
describe("the generated reference, in process", () => {
  /** A Markdown table line's cells, trimmed; `\|` stays inside its cell; a rule reads `---`. */
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split(/(?<!\\)\|/)
      .map((c) => c.trim())
      .map((c) => (/^-+$/.test(c) ? "---" : c));
  const docTable = () => {
    const doc = fs.readFileSync(path.join(PROJECT_ROOT, CONFIG_DOC), "utf8");
    const section = doc.slice(
      doc.indexOf("<!-- BEGIN GENERATED: keys"),
      doc.indexOf("<!-- END GENERATED: keys"),
    );
    return section.split("\n").filter((l) => l.startsWith("|"));
  };

  test("keyTable is the doc's table, cell by cell", () => {
    const doc = docTable();
    expect(doc.length).toBeGreaterThan(60);
    expect(keyTable().split("\n").map(cells)).toEqual(doc.map(cells));
  });

  test("stackFileJsonSchema is schemas/stack-config.schema.json", () => {
    const file = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, JSON_SCHEMA), "utf8")) as unknown;
    expect(stackFileJsonSchema()).toEqual(file);
  });

  test("rows: ranges, enums, unions, maps, lists and defaults as a reader needs them", () => {
    const row = (key: string) => keyRows().find((r) => r.key === key);
    expect(row("cluster.vlan")).toMatchObject({ type: "integer 1–4094", default: "—" });
    expect(row("network.mtu")).toMatchObject({ type: "integer 1280–9000", default: "`1500`" });
    expect(row("rke2.cni")).toMatchObject({ type: "`canal`, `calico`, `cilium`", default: "`canal`" });
    expect(row("rancher.insecure")).toMatchObject({ type: "boolean", default: "`false`" });
    expect(row("nodes.sshAuthorizedKeys")).toMatchObject({ type: "list of string", default: "—" });
    expect(row("nodes.adminSudo")?.type).toBe("`all`, `none` or list of string");
    expect(row("workloads")?.type).toBe("`none` or object");
    expect(row("pools")?.type).toBe("map");
    expect(row("pools.<name>.role")?.type).toBe("`server`, `agent`");
    expect(row("workloads.components.<name>.enabled")?.type).toBe("boolean");
    // A default too long for the table points to the keys or the meaning.
    expect(row("network.layout")?.default).toBe("its keys' defaults");
    expect(row("workloads.ingressController.podSelectors")?.default).toBe("see meaning");
    expect(row("rke2.checksums")?.default).toBe('`{"releases":{}}`');
    // Each key once.
    const keys = keyRows().map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("keyTable escapes a cell's pipes and line breaks", () => {
    const rows: KeyRow[] = [{ key: "a|b", type: "t", default: "—", description: "one\ntwo | three" }];
    expect(keyTable(rows)).toBe(
      "| key | type | default | meaning |\n| --- | --- | --- | --- |\n| `a\\|b` | t | — | one two \\| three |",
    );
    expect(keyTable([{ key: "k", type: "t", default: "d", description: null }]).split("\n")[2]).toBe(
      "| `k` | t | d |  |",
    );
  });

  test("the files' schema requires nothing, refuses this namespace's unknown keys, allows the others'", () => {
    const schema = stackFileJsonSchema();
    const required: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (node === null || typeof node !== "object") return;
      if (!Array.isArray(node) && "required" in node) required.push(at);
      for (const [k, v] of Object.entries(node)) visit(v, `${at}.${k}`);
    };
    visit(schema, "$");
    expect(required).toEqual([]);
    const config = (schema.properties as Record<string, Record<string, unknown>>).config!;
    expect(config.additionalProperties).toBe(false);
    const [pattern] = Object.keys(config.patternProperties as object);
    const other = new RegExp(pattern!);
    expect(["xenorchestra:url", "rancher2:tokenKey"].filter((k) => other.test(k))).toHaveLength(2);
    expect(["cluster-orchestrator:clustr", "environment", ":x", "a:"].filter((k) => other.test(k))).toEqual(
      [],
    );
    const keys = Object.keys(config.properties as object);
    expect(keys.every((k) => k.startsWith("cluster-orchestrator:"))).toBe(true);
    expect(keys).toContain("cluster-orchestrator:cluster");
  });
});
