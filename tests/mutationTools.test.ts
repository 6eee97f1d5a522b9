/**
 * Issue 15: the mutation tooling itself. Every file of the program belongs to one mutation run (or
 * is skipped with a reason), every run has tests, and the ignorer leaves out only the wording of
 * messages — a literal that reaches a node (a flag, a path, YAML) is still mutated.
 */
import * as fs from "fs";
import * as path from "path";
import { parseSync, traverse, type NodePath } from "@babel/core";
import { PROJECT_ROOT } from "../components/config/root";
import { AREAS, areaFiles, matchesGlob } from "../tools/mutation/areas";
import { sourceFiles } from "../tools/mutation/importGraph";
import { messageReason } from "../tools/mutation/messageText.cjs";

/** The literals of `code` (TypeScript), each with the ignorer's verdict. */
function verdicts(code: string): Record<string, string | undefined> {
  const ast = parseSync(code, {
    babelrc: false,
    configFile: false,
    filename: "sample.ts",
    parserOpts: { plugins: ["typescript"] },
  });
  const found: Record<string, string | undefined> = {};
  traverse(ast!, {
    enter(p: NodePath) {
      if (p.isStringLiteral()) found[p.node.value] = messageReason(p);
      else if (p.isTemplateLiteral())
        found[p.node.quasis.map((q) => q.value.raw).join("${}")] = messageReason(p);
    },
  });
  return found;
}

test("the ignorer skips message wording and nothing that reaches a node", () => {
  const found = verdicts(`
    problems.push({ path: ["cluster", "vlan"], message: "must be between 2 and 4094" });
    checks.push({ status: "fail", fix: "free " + size + " GiB" });
    throw new ConfigError(\`bad \${key}\`);
    const ip = z.string().refine(isIpv4, "must be an IPv4 address");
    const name = z.string().regex(/^[a-z]+$/, "lower-case letters");
    const flags = ["--node-ip", "write-kubeconfig-mode: 0600"];
    const unit = { path: "/etc/rancher/rke2/config.yaml", permissions: "0600" };
    log("message");
    const m = { message };
  `);
  expect(found).toEqual({
    cluster: undefined,
    vlan: undefined,
    "must be between 2 and 4094": "wording of a message",
    fail: undefined,
    "free ": "wording of a fix",
    " GiB": "wording of a fix",
    "bad ${}": "wording of an error",
    "must be an IPv4 address": "wording of a schema check",
    "lower-case letters": "wording of a schema check",
    "--node-ip": undefined,
    "write-kubeconfig-mode: 0600": undefined,
    "/etc/rancher/rke2/config.yaml": undefined,
    "0600": undefined,
    message: undefined,
  });
});

test("globs: ** spans folders, * stays within one", () => {
  expect(matchesGlob("components/config/schema.ts", "components/config/**/*.ts")).toBe(true);
  expect(matchesGlob("components/config/a/b.ts", "components/config/**/*.ts")).toBe(true);
  expect(matchesGlob("components/configx/schema.ts", "components/config/**/*.ts")).toBe(false);
  expect(matchesGlob("components/program.ts", "components/*.ts")).toBe(true);
  expect(matchesGlob("components/plan/dns.ts", "components/*.ts")).toBe(false);
  expect(matchesGlob("tests/capacity.test.ts", "tests/capacity*.unit.test.ts")).toBe(false);
  expect(matchesGlob("tests/capacityX.unit.test.ts", "tests/capacity*.unit.test.ts")).toBe(true);
});

describe("areas", () => {
  const runs = Object.entries(AREAS).flatMap(([area, spec]) =>
    areaFiles(PROJECT_ROOT, spec).map((group) => ({ area, ...group })),
  );

  test("every file of the program is mutated in exactly one run, or skipped with a reason", () => {
    const program = ["components", "cloud-init", "fleet", "render", "policy"]
      .flatMap((dir) => sourceFiles(path.join(PROJECT_ROOT, dir)))
      .map((f) => path.relative(PROJECT_ROOT, f))
      .filter((f) => !f.endsWith(".test.ts"))
      .sort();
    const skipped = Object.values(AREAS).flatMap((a) => Object.keys(a.skip ?? {}));
    const mutated = runs.flatMap((r) => r.mutate);
    expect([...mutated, ...skipped].sort()).toEqual(program);
  });

  test("every run mutates something and has test files; skipped files exist", () => {
    for (const run of runs) {
      expect([run.area, run.name, run.mutate.length > 0, run.tests.length > 0]).toEqual([
        run.area,
        run.name,
        true,
        true,
      ]);
    }
    for (const file of Object.values(AREAS).flatMap((a) => Object.keys(a.skip ?? {}))) {
      expect([file, fs.existsSync(path.join(PROJECT_ROOT, file))]).toEqual([file, true]);
    }
  });
});
