/**
 * Issue 15: the configuration's plumbing on its own — reading Pulumi config files, the engine's
 * values as layers, the merge's provenance, the stack identity CI routes prod by, and the error
 * text's shape. Each decision on both sides, against small files written here.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENGINE_SOURCE, engineLayers, engineStackSource, hasEngineValues } from "../components/config/engine";
import { ConfigError, configKey, formatProblems, type ConfigProblem } from "../components/config/errors";
import { isPlainObject, mergeLayers, sourceOf } from "../components/config/merge";
import {
  decodeValue,
  environmentFile,
  listEnvironments,
  listStacks,
  readConfigFile,
  stackFile,
} from "../components/config/sources";
import { stackIdentity } from "../components/config/stackIdentity";

const NS = "cluster-orchestrator";

function tempRoot(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "co-sources-"));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("readConfigFile", () => {
  const read = (text: string | null) => {
    const root = tempRoot(text === null ? {} : { "stacks/Pulumi.a-dev.yaml": text });
    const problems: ConfigProblem[] = [];
    const file = readConfigFile(root, "stacks/Pulumi.a-dev.yaml", problems);
    return { file, problems };
  };

  test("this namespace's values, decoded; other namespaces left to their providers", () => {
    const { file, problems } = read(
      `config:\n  ${NS}:environment: dev\n  ${NS}:critical: "true"\n  ${NS}:pools: '{"w":{"count":2}}'\n  xenorchestra:url: wss://xo\n  plain: 1\n`,
    );
    expect(problems).toEqual([]);
    expect(file).toEqual({
      file: "stacks/Pulumi.a-dev.yaml",
      values: { environment: "dev", critical: true, pools: { w: { count: 2 } } },
    });
  });

  test("an empty file and a file without config: are empty, not errors", () => {
    expect(read("")).toEqual({ file: { file: "stacks/Pulumi.a-dev.yaml", values: {} }, problems: [] });
    expect(read("encryptionsalt: abc\n")).toEqual({
      file: { file: "stacks/Pulumi.a-dev.yaml", values: {} },
      problems: [],
    });
  });

  test.each([
    ["a missing file", null, "file not found"],
    ["a YAML error, with its line", "config:\n  a: [\n", /^line \d+: /],
    ["a duplicate key", `config:\n  ${NS}:a: 1\n  ${NS}:a: 2\n`, /^line 3: /],
    ["a root that is not a mapping", "- a\n- b\n", "expected a mapping with a top-level 'config:' key"],
    [
      "a config: that is not a mapping",
      "config: [1, 2]\n",
      "'config:' must be a mapping of namespace:key entries",
    ],
    ["a scalar config:", "config: 3\n", "'config:' must be a mapping of namespace:key entries"],
  ])("%s: null, one problem on the file", (_, text, message) => {
    const { file, problems } = read(text);
    expect(file).toBeNull();
    expect(problems).toEqual([
      { key: `${NS}:*`, file: "stacks/Pulumi.a-dev.yaml", message: expect.anything() },
    ]);
    if (typeof message === "string") expect(problems[0]!.message).toBe(message);
    else expect(problems[0]!.message).toMatch(message);
  });

  test("an encrypted value is refused by key, the others still read; never its ciphertext", () => {
    const { file, problems } = read(
      `config:\n  ${NS}:token:\n    secure: AAABADEADBEEF\n  ${NS}:environment: dev\n`,
    );
    expect(file).toEqual({ file: "stacks/Pulumi.a-dev.yaml", values: { environment: "dev" } });
    expect(problems.map((p) => [p.key, p.file])).toEqual([[`${NS}:token`, "stacks/Pulumi.a-dev.yaml"]]);
    expect(JSON.stringify(problems)).not.toContain("DEADBEEF");
  });

  test("prototype keys anywhere, in objects and lists, are named with their path and the file refused", () => {
    const { file, problems } = read(
      `config:\n  ${NS}:constructor: 1\n  ${NS}:pools:\n    w:\n      labels:\n        - prototype: x\n  ${NS}:ok: 2\n`,
    );
    expect(file).toBeNull();
    expect(problems.map((p) => p.key)).toEqual([`${NS}:constructor`, `${NS}:pools.w.labels.0.prototype`]);
  });

  test("the parse is cached by text, and what a caller changes never reaches the next read", () => {
    const text = `config:\n  ${NS}:pools:\n    w:\n      count: 2\n`;
    const first = read(text).file!;
    (first.values.pools as { w: { count: number } }).w.count = 99;
    expect(read(text).file!.values).toEqual({ pools: { w: { count: 2 } } });
  });
});

test("decodeValue: JSON structure, the two booleans, everything else the text as given", () => {
  expect(decodeValue(' {"a":[1]} ')).toEqual({ a: [1] });
  expect(decodeValue("[1,2]")).toEqual([1, 2]);
  expect(decodeValue("[not json")).toBe("[not json");
  expect(decodeValue(" true ")).toBe(true);
  expect(decodeValue("false")).toBe(false);
  expect(decodeValue("True")).toBe("True");
  expect(decodeValue("3")).toBe("3");
  expect(decodeValue(" dev ")).toBe(" dev ");
});

test("file names: stacks/Pulumi.<stack>.yaml and Pulumi.<environment>.yaml", () => {
  expect(stackFile("legal-ai-dev")).toBe("stacks/Pulumi.legal-ai-dev.yaml");
  expect(environmentFile("prod")).toBe("Pulumi.prod.yaml");
});

test("listEnvironments: Pulumi.<env>.yaml at the root only, sorted; not Pulumi.yaml or odd names", () => {
  const root = tempRoot({
    "Pulumi.yaml": "",
    "Pulumi.prod.yaml": "",
    "Pulumi.dev.yaml": "",
    "Pulumi.Dev2.yaml": "",
    "Pulumi.9x.yaml": "",
    "Pulumi.qa-1.yaml.bak": "",
    "stacks/Pulumi.test.yaml": "",
  });
  expect(listEnvironments(root)).toEqual(["dev", "prod"]);
});

test("listStacks: stacks/Pulumi.<stack>.yaml, sorted; none without a stacks folder", () => {
  const root = tempRoot({
    "stacks/Pulumi.b-prod.yaml": "",
    "stacks/Pulumi.a-dev.yaml": "",
    "stacks/legal-ai.ts": "",
    "stacks/Pulumi.c-dev.yml": "",
  });
  expect(listStacks(root)).toEqual(["a-dev", "b-prod"]);
  expect(listStacks(tempRoot({}))).toEqual([]);
});

describe("stackIdentity: what CI routes prod by; anything undeterminable is null", () => {
  const identity = (stack: string, text?: string) =>
    stackIdentity(tempRoot(text === undefined ? {} : { [stackFile(stack)]: text }), stack);
  const keys = (env: string, useCase: string) =>
    `config:\n  ${NS}:environment: ${env}\n  ${NS}:useCase: ${useCase}\n`;

  test("a consistent stack: its environment and use case", () => {
    expect(identity("legal-ai-prod", keys("prod", "legal-ai"))).toEqual({
      stack: "legal-ai-prod",
      environment: "prod",
      useCase: "legal-ai",
    });
  });

  test("a tagged string reads as the program reads it", () => {
    expect(identity("legal-ai-prod", keys("!!str prod", "legal-ai")).environment).toBe("prod");
  });

  test.each([
    ["a name that disagrees with the keys", "legal-ai-dev", keys("prod", "legal-ai"), "legal-ai"],
    ["another use case in the name", "other-prod", keys("prod", "legal-ai"), "legal-ai"],
    ["an environment that is not a name", "legal-ai-Prod", keys("Prod", "legal-ai"), "legal-ai"],
    ["a use case that is not a name", "Legal-prod", keys("prod", "Legal"), null],
    ["no environment key", "legal-ai-prod", `config:\n  ${NS}:useCase: legal-ai\n`, "legal-ai"],
    ["no file", "legal-ai-prod", undefined, null],
    ["a broken file", "legal-ai-prod", "config: [\n", null],
  ])("%s: environment null", (_, stack, text, useCase) => {
    expect(identity(stack, text)).toEqual({ stack, environment: null, useCase });
  });
});

describe("the engine's values", () => {
  const engine = (values: Record<string, string>, secret: string[] = []) => ({
    values,
    isSecret: (k: string) => secret.includes(k),
  });

  test("hasEngineValues: only a key of this namespace counts", () => {
    expect(hasEngineValues(engine({ [`${NS}:environment`]: "dev" }))).toBe(true);
    expect(hasEngineValues(engine({ "xenorchestra:url": "wss://xo", [`${NS}x:a`]: "1" }))).toBe(false);
    expect(hasEngineValues(engine({}))).toBe(false);
  });

  test("engineStackSource: this namespace decoded; other namespaces and bare keys skipped; secrets refused by key", () => {
    const problems: ConfigProblem[] = [];
    const source = engineStackSource(
      engine(
        {
          [`${NS}:pools`]: '{"w":{"count":3}}',
          [`${NS}:critical`]: "false",
          [`${NS}:token`]: "s3cr3t-value",
          [NS]: "bare",
          "other:pools": "{}",
        },
        [`${NS}:token`],
      ),
      problems,
    );
    expect(source).toEqual({ file: ENGINE_SOURCE, values: { pools: { w: { count: 3 } }, critical: false } });
    expect(problems.map((p) => [p.key, p.file])).toEqual([[`${NS}:token`, ENGINE_SOURCE]]);
    expect(JSON.stringify(problems)).not.toContain("s3cr3t-value");
  });

  test("engineLayers: values equal to the stack file's are the file's (any key order), the rest the engine's", () => {
    const fromFile = {
      file: "stacks/Pulumi.a-dev.yaml",
      values: { cluster: { number: 1, vlan: 101 }, pools: { w: { count: 2 } }, tags: ["a", "b"] },
    };
    const layers = engineLayers(
      {
        file: ENGINE_SOURCE,
        values: {
          cluster: { vlan: 101, number: 1 }, // the same data, another key order
          pools: { w: { count: 3 } },
          tags: ["b", "a"], // list order matters
          extra: null,
        },
      },
      fromFile,
    );
    expect(layers).toEqual([
      { source: "stacks/Pulumi.a-dev.yaml", values: { cluster: { vlan: 101, number: 1 } } },
      { source: ENGINE_SOURCE, values: { pools: { w: { count: 3 } }, tags: ["b", "a"], extra: null } },
    ]);
  });

  test("engineLayers: nested objects compare deeply; no file means every value is the engine's", () => {
    const fromFile = { file: "f.yaml", values: { a: { b: { c: 1 } }, d: { e: [{ f: 1, g: 2 }] } } };
    expect(engineLayers({ file: ENGINE_SOURCE, values: { a: { b: { c: 2 } } } }, fromFile)).toEqual([
      { source: ENGINE_SOURCE, values: { a: { b: { c: 2 } } } },
    ]);
    expect(engineLayers({ file: ENGINE_SOURCE, values: { d: { e: [{ g: 2, f: 1 }] } } }, fromFile)).toEqual([
      { source: "f.yaml", values: { d: { e: [{ g: 2, f: 1 }] } } },
    ]);
    expect(engineLayers({ file: ENGINE_SOURCE, values: { a: 1 } }, null)).toEqual([
      { source: ENGINE_SOURCE, values: { a: 1 } },
    ]);
    // A key the file lacks is the engine's even when its value is undefined-like.
    expect(
      engineLayers({ file: ENGINE_SOURCE, values: { z: null } }, { file: "f.yaml", values: {} }),
    ).toEqual([{ source: ENGINE_SOURCE, values: { z: null } }]);
    expect(engineLayers({ file: ENGINE_SOURCE, values: {} }, fromFile)).toEqual([]);
  });
});

describe("merge provenance", () => {
  test("each key names the last layer that set it; a replaced object's children follow it", () => {
    const merged = mergeLayers([
      { source: "profile", values: { pools: { w: { count: 1, cpus: 2 } }, list: [1, 2] } },
      { source: "env", values: { pools: { w: { count: 2 } }, list: [3] } },
      { source: "stack", values: { pools: { s: { count: 3, labels: { a: "b" } } } } },
    ]);
    expect(merged.values).toEqual({
      pools: { w: { count: 2, cpus: 2 }, s: { count: 3, labels: { a: "b" } } },
      list: [3],
    });
    expect(sourceOf(merged.provenance, ["pools", "w", "count"])).toBe("env");
    expect(sourceOf(merged.provenance, ["pools", "w", "cpus"])).toBe("profile");
    expect(sourceOf(merged.provenance, ["pools", "s", "labels", "a"])).toBe("stack");
    expect(sourceOf(merged.provenance, ["list", 0])).toBe("env");
    // A path below a scalar falls back to the deepest recorded prefix; an unknown one to nothing.
    expect(sourceOf(merged.provenance, ["pools", "w", "count", "x"])).toBe("env");
    expect(sourceOf(merged.provenance, ["nothing"])).toBeUndefined();
    expect(sourceOf(merged.provenance, [])).toBeUndefined();
  });

  test("a prototype key is never merged, and layers are copied, not shared", () => {
    const values = JSON.parse('{"__proto__": {"polluted": true}, "a": {"b": 1}}') as Record<string, unknown>;
    const merged = mergeLayers([{ source: "x", values }]);
    expect(Object.keys(merged.values)).toEqual(["a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    (merged.values.a as { b: number }).b = 2;
    expect(values.a).toEqual({ b: 1 });
  });

  test("isPlainObject: objects only, not arrays or null", () => {
    expect([{}, { a: 1 }, [], null, "x", 1].map(isPlainObject)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("errors", () => {
  test("configKey: the namespace, the top key, then the path", () => {
    expect(configKey(["cluster", "vlan"])).toBe(`${NS}:cluster.vlan`);
    expect(configKey(["pools", "w", 0])).toBe(`${NS}:pools.w.0`);
    expect(configKey(["environment"])).toBe(`${NS}:environment`);
    expect(configKey([])).toBe(`${NS}:`);
  });

  test("one error with every problem, each with its key and file; singular and plural counted", () => {
    const one = { key: `${NS}:a`, file: "f.yaml", message: "bad" };
    expect(formatProblems("s", [one])).toMatch(/^Invalid configuration for stack s \(1 problem\);/);
    expect(formatProblems("s", [one, one])).toMatch(/\(2 problems\)/);
    const error = new ConfigError("s", [one, { ...one, key: `${NS}:b` }]);
    expect(error.name).toBe("ConfigError");
    expect(error.message.split("\n").slice(1)).toEqual([
      `  - ${NS}:a (f.yaml): bad`,
      `  - ${NS}:b (f.yaml): bad`,
    ]);
    expect(error.problems).toHaveLength(2);
  });
});
