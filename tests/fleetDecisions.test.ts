/**
 * Issue 15: the fleet's decisions pinned on both sides of each condition — which stacks a change
 * touches (fail closed for prod), which stack is critical and why, the run order, the management
 * stack's links as read from stack files and layers, the phase stop on destroy, and redaction
 * (what must be gone, and what must stay). Pure functions and temp projects: no Pulumi, no HTTP.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stacksForChanges } from "../fleet/changedStacks";
import { main } from "../fleet/cli";
import { readManagementLinks, runInPhases } from "../fleet/managementOrder";
import { redactSecrets, secretValues } from "../fleet/redact";
import type { StackResult } from "../fleet/run";
import {
  criticalOf,
  orderFor,
  readFleet,
  selectStacks,
  SelectionError,
  type FleetStack,
} from "../fleet/select";
import { recordingDeps } from "./helpers/fleetDeps";
import { envLayer, stackValues, useTempProjects } from "./helpers/fixtures";

const tempProject = useTempProjects();

// ---------------------------------------------------------------------------------------------
// changed-stacks

describe("changed-stacks: which stacks a path touches", () => {
  const ids = [
    { stack: "legal-ai-prod", environment: "prod", useCase: "legal-ai" },
    { stack: "legal-ai-dev", environment: "dev", useCase: "legal-ai" },
    { stack: "healthcare-dev", environment: "dev", useCase: "healthcare" },
    { stack: "odd-dev", environment: null, useCase: "odd" },
    { stack: "nameless-dev", environment: null, useCase: null },
  ];
  const every = ["healthcare-dev", "legal-ai-dev", "legal-ai-prod", "nameless-dev", "odd-dev"];
  const none = { all: false, only: null };
  const touched = (changed: string[]) => stacksForChanges(changed, ids, none).stacks;

  test.each([
    "Pulumi.yaml",
    "index.ts",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "xo-pools.yaml",
    "components/plan/ipv4.ts",
    "cloud-init/server.ts",
    "policy/index.ts",
    "stacks/profiles.ts",
  ])("the program's %s touches every stack", (file) => {
    expect(touched([file])).toEqual(every);
  });

  test.each([
    "docs/operations.md",
    "tests/fleet.test.ts",
    "render/cli.ts",
    "bin/fleet.ts",
    ".github/workflows/ci.yml",
    "README.md",
    // Anchored: a path that merely contains a program path, or extends one, is not the program.
    "docs/components/x.ts",
    "mycomponents/x.ts",
    "components",
    "Pulumi.yaml.orig",
    "old/Pulumi.yaml",
    "old/index.ts",
    "docs/package.json",
    "examples/stacks/Pulumi.legal-ai-dev.yaml",
    "stacks/Pulumi.legal-ai-dev.yaml.orig",
    "examples/Pulumi.dev.yaml",
    "Pulumi.dev.yaml.orig",
    "examples/stacks/legal-ai.ts",
    "stacks/legal-ai.ts.orig",
    "stacks/README.md",
    "",
  ])("%j touches no stack", (file) => {
    expect(touched([file])).toEqual([]);
  });

  test("a stack file touches that stack only; ./ and a trailing CR are only stripped at the ends", () => {
    expect(touched(["stacks/Pulumi.legal-ai-dev.yaml"])).toEqual(["legal-ai-dev"]);
    expect(touched(["./stacks/Pulumi.healthcare-dev.yaml\r"])).toEqual(["healthcare-dev"]);
    // A path with ./ or \r elsewhere is not a stack file.
    expect(touched(["stacks/./Pulumi.legal-ai-dev.yaml"])).toEqual([]);
    expect(touched(["stacks/Pulumi.legal-ai-dev.yaml\rx"])).toEqual([]);
    expect(touched(["stacks/Pulumi.legal-ai-\rdev.yaml"])).toEqual([]);
    expect(touched([".stacks/Pulumi.legal-ai-dev.yaml"])).toEqual([]);
  });

  test("an environment layer: that environment's stacks and every undeterminable one (fail closed)", () => {
    expect(touched(["Pulumi.dev.yaml"])).toEqual([
      "healthcare-dev",
      "legal-ai-dev",
      "nameless-dev",
      "odd-dev",
    ]);
    expect(touched(["Pulumi.prod.yaml"])).toEqual(["legal-ai-prod", "nameless-dev", "odd-dev"]);
    // A layer no stack uses still reaches the stacks whose environment is unknown.
    expect(touched(["Pulumi.staging.yaml"])).toEqual(["nameless-dev", "odd-dev"]);
  });

  test("a use-case profile: that use case's stacks and those without a use case; an unknown file: all", () => {
    expect(touched(["stacks/healthcare.ts"])).toEqual(["healthcare-dev", "nameless-dev"]);
    expect(touched(["stacks/odd.ts"])).toEqual(["nameless-dev", "odd-dev"]);
    // Not a profile any stack uses (a helper): it may shape every stack.
    expect(touched(["stacks/helpers.ts"])).toEqual(every);
  });

  test("several paths add up; the answer is sorted and has no duplicates", () => {
    expect(
      touched(["stacks/Pulumi.legal-ai-prod.yaml", "docs/x.md", "stacks/Pulumi.healthcare-dev.yaml"]),
    ).toEqual(["healthcare-dev", "legal-ai-prod"]);
    expect(touched(["stacks/Pulumi.legal-ai-dev.yaml", "stacks/legal-ai.ts"])).toEqual([
      "legal-ai-dev",
      "legal-ai-prod",
      "nameless-dev",
    ]);
  });

  test("--all ignores the paths; --only splits prod-or-unknown from the rest", () => {
    expect(stacksForChanges(["docs/x.md"], ids, { all: true, only: null }).stacks).toEqual(every);
    const changed = ["Pulumi.yaml"];
    expect(stacksForChanges(changed, ids, { all: false, only: "prod" }).stacks).toEqual([
      "legal-ai-prod",
      "nameless-dev",
      "odd-dev",
    ]);
    expect(stacksForChanges(changed, ids, { all: false, only: "nonprod" }).stacks).toEqual([
      "healthcare-dev",
      "legal-ai-dev",
    ]);
    // Nothing touched: nothing in either scope.
    expect(stacksForChanges(["docs/x.md"], ids, { all: false, only: "prod" }).stacks).toEqual([]);
  });

  test("a stack file that is gone is a note, not a stack; an existing one makes no note", () => {
    const gone = stacksForChanges(
      ["stacks/Pulumi.gone-dev.yaml", "stacks/Pulumi.legal-ai-dev.yaml"],
      ids,
      none,
    );
    expect(gone.stacks).toEqual(["legal-ai-dev"]);
    expect(gone.notes).toHaveLength(1);
    expect(gone.notes[0]).toContain("stacks/Pulumi.gone-dev.yaml");
  });
});

describe("changed-stacks command", () => {
  function deps(rootDir: string, stdin?: string) {
    let read = 0;
    const recorded = recordingDeps(rootDir, {
      runner: () => Promise.reject(new Error("changed-stacks runs no Pulumi")),
      ...(stdin !== undefined ? { stdin: () => ((read += 1), Promise.resolve(stdin)) } : {}),
    });
    return { ...recorded, reads: () => read };
  }
  const project = () =>
    tempProject({
      environments: { dev: envLayer("dev"), prod: envLayer("prod") },
      stacks: {
        "legal-ai-dev": stackValues("legal-ai", "dev", 1),
        "legal-ai-prod": stackValues("legal-ai", "prod", 1),
      },
    });

  test("--all does not read stdin; without --all stdin decides; no stdin means no paths", async () => {
    const root = project();
    const all = deps(root, "docs/x.md\n");
    expect(await main(["changed-stacks", "--all"], all.d)).toBe(0);
    expect(all.reads()).toBe(0);
    expect(all.out).toEqual(['["legal-ai-dev","legal-ai-prod"]']);

    const some = deps(root, "stacks/Pulumi.legal-ai-prod.yaml\n");
    expect(await main(["changed-stacks"], some.d)).toBe(0);
    expect(some.reads()).toBe(1);
    expect(some.out).toEqual(['["legal-ai-prod"]']);

    const noStdin = deps(root);
    expect(await main(["changed-stacks"], noStdin.d)).toBe(0);
    expect(noStdin.out).toEqual(["[]"]);
  });

  test("--root reads that checkout's stacks, not the project's", async () => {
    const other = tempProject({
      environments: { dev: envLayer("dev") },
      stacks: { "healthcare-dev": stackValues("healthcare", "dev", 2) },
    });
    const h = deps(project(), "Pulumi.yaml\n");
    expect(await main(["changed-stacks", "--root", other], h.d)).toBe(0);
    expect(h.out).toEqual(['["healthcare-dev"]']);
  });

  test("a gone stack file is reported on stderr, never in the JSON", async () => {
    const h = deps(project(), "stacks/Pulumi.old-dev.yaml\n");
    expect(await main(["changed-stacks"], h.d)).toBe(0);
    expect(h.out).toEqual(["[]"]);
    expect(h.err).toEqual([
      "changed-stacks: stacks/Pulumi.old-dev.yaml no longer exists: retire that stack by hand (pulumi destroy)",
    ]);
  });

  test("--root without stacks/, or a stack file with an unsafe name: usage error, no JSON", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-nostacks-"));
    try {
      const h = deps(empty, "");
      expect(await main(["changed-stacks", "--root", empty], h.d)).toBe(2);
      expect(h.err.join("\n")).toContain("no stacks/ directory under");
      expect(h.out).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    // Unsafe at either end: the whole name must be safe.
    for (const name of ["bad$(x)", "$(x)bad"]) {
      const root = project();
      fs.writeFileSync(path.join(root, "stacks", `Pulumi.${name}.yaml`), "config: {}\n");
      const bad = deps(root, "Pulumi.yaml\n");
      expect(await main(["changed-stacks"], bad.d)).toBe(2);
      expect(bad.err.join("\n")).toContain(`unexpected stack file name 'stacks/Pulumi.${name}.yaml'`);
      expect(bad.out).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// selection

describe("critical: which source wins", () => {
  test.each<[string | null, Record<string, unknown>, Record<string, unknown>, boolean, string]>([
    // The critical key: the stack file over the layer, either way.
    [
      "prod",
      { critical: false },
      { critical: true },
      false,
      "cluster-orchestrator:critical: false (stack file)",
    ],
    [
      "dev",
      { critical: true },
      { critical: false },
      true,
      "cluster-orchestrator:critical: true (stack file)",
    ],
    ["dev", {}, { critical: true }, true, "cluster-orchestrator:critical: true (environment layer)"],
    ["prod", {}, { critical: false }, false, "cluster-orchestrator:critical: false (environment layer)"],
    // The critical key over protect, wherever each is set.
    [
      "dev",
      { protect: true },
      { critical: false },
      false,
      "cluster-orchestrator:critical: false (environment layer)",
    ],
    // protect: the stack file over the layer.
    ["dev", { protect: true }, { protect: false }, true, "cluster-orchestrator:protect: true (stack file)"],
    [
      "prod",
      { protect: false },
      { protect: true },
      false,
      "cluster-orchestrator:protect: false (stack file)",
    ],
    ["dev", {}, { protect: true }, true, "cluster-orchestrator:protect: true (environment layer)"],
    // A value that is not a boolean is not a marker.
    ["dev", { critical: "true", protect: "yes" }, {}, false, "not protected"],
    // Neither: prod is, others are not.
    ["prod", {}, {}, true, "prod environment (protected by default)"],
    ["production", {}, {}, false, "not protected"],
    [null, {}, {}, false, "not protected"],
  ])("%s, stack %j, layer %j -> %s", (environment, own, layer, critical, reason) => {
    expect(criticalOf(environment, own, layer)).toEqual({ critical, reason });
  });
});

describe("order and selection", () => {
  const s = (name: string, environment: string | null, useCase: string | null = null): FleetStack => ({
    name,
    environment,
    useCase,
    critical: false,
    criticalReason: "not protected",
  });
  const fleet = [
    s("b-prod", "prod", "b"),
    s("z-test", "test", "z"),
    s("a-staging", "staging", "a"),
    s("b-dev", "dev", "b"),
    s("a-dev", "dev", "a"),
    s("x-unknown", null, null),
    s("a-prod", "prod", "a"),
  ];
  const names = (stacks: FleetStack[]) => stacks.map((x) => x.name);

  test("dev first, prod last, other environments alphabetically between (unknown first among them)", () => {
    expect(names(orderFor("up", fleet))).toEqual([
      "a-dev",
      "b-dev",
      "x-unknown",
      "a-staging",
      "z-test",
      "a-prod",
      "b-prod",
    ]);
    expect(names(orderFor("preview", fleet))).toEqual(names(orderFor("up", fleet)));
    expect(names(orderFor("destroy", fleet))).toEqual(names(orderFor("up", fleet)).reverse());
    // The input is not reordered in place.
    expect(names(fleet)[0]).toBe("b-prod");
  });

  test("an --env or --use-case selection never takes a stack whose value is unknown", () => {
    const sel = (environments: string[], useCases: string[], stackNames: string[] = []) =>
      names(selectStacks(fleet, { environments, useCases, names: stackNames }, "up"));
    expect(sel(["staging", "test"], [])).toEqual(["a-staging", "z-test"]);
    expect(sel([], ["a"])).toEqual(["a-dev", "a-staging", "a-prod"]);
    expect(sel(["prod"], ["b"])).toEqual(["b-prod"]);
    expect(sel([], [], ["x-unknown", "a-dev"])).toEqual(["a-dev", "x-unknown"]);
  });

  test("nothing matched, or an unknown name: a SelectionError naming the criteria or the names", () => {
    const run = (environments: string[], useCases: string[], stackNames: string[]) => () =>
      selectStacks(fleet, { environments, useCases, names: stackNames }, "up");
    expect(run(["qa"], ["a"], [])).toThrow(SelectionError);
    expect(run(["qa"], ["a"], [])).toThrow("no stack matches --env qa --use-case a");
    expect(run(["dev"], [], ["a-prod"])).toThrow("no stack matches --stack a-prod --env dev");
    expect(run([], [], ["nope", "gone"])).toThrow("unknown stacks nope, gone; stacks/ has: b-prod");
    expect(run([], [], ["nope"])).toThrow(/^unknown stack nope;/);
    // A stack of unknown environment is not in any --env selection, even when named.
    expect(run(["dev"], [], ["x-unknown"])).toThrow("no stack matches --stack x-unknown --env dev");
    expect(run([], ["b"], ["x-unknown"])).toThrow("no stack matches --stack x-unknown --use-case b");
  });
});

describe("reading the fleet from files", () => {
  test("an environment that is not a plain name never names a layer file (the layer is not read)", () => {
    // Each decoy layer says critical: true; a stack must not pick it up through a bad name.
    const root = tempProject({
      environments: { Dev: { critical: true }, "dev!": { critical: true }, null: { critical: true } },
      stacks: {
        "a-dev": { ...stackValues("a", "dev", 1), environment: "Dev" },
        "b-dev": { ...stackValues("b", "dev", 2), environment: "dev!" },
        "c-dev": { ...stackValues("c", "dev", 3), environment: undefined },
        "d-dev": { ...stackValues("d", "dev", 4), environment: 42, useCase: 7 },
        "e-dev": { ...stackValues("e", "qa", 5) },
      },
    });
    const fleet = readFleet(root);
    expect(fleet.map((s) => [s.name, s.environment, s.useCase, s.critical])).toEqual([
      ["a-dev", "Dev", "a", false],
      ["b-dev", "dev!", "b", false],
      ["c-dev", null, "c", false],
      ["d-dev", null, null, false],
      // A layer file that does not exist reads as empty.
      ["e-dev", "qa", "e", false],
    ]);
  });

  test("a stack file that does not parse is still listed (its own preview reports the mistake)", () => {
    const root = tempProject({
      environments: { dev: envLayer("dev") },
      stacks: { "a-dev": stackValues("a", "dev", 1), "b-dev": "config: [unclosed\n" },
    });
    expect(readFleet(root).map((s) => [s.name, s.environment, s.critical])).toEqual([
      ["a-dev", "dev", false],
      ["b-dev", null, false],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// management stack links as fleet reads them from files

describe("management links from stack files and layers", () => {
  test("the layer's rancher settings apply under the stack file's; mode none registers nothing", () => {
    const root = tempProject({
      environments: {
        prod: { ...envLayer("prod"), rancher: { managementStack: "rancher-prod" } },
        dev: { ...envLayer("dev"), rancher: { mode: "none", managementStack: "rancher-prod" } },
      },
      stacks: {
        "rancher-prod": { ...stackValues("rancher", "prod", 9) },
        // From the layer: registers in rancher-prod (mode defaults to import).
        "legal-ai-prod": stackValues("legal-ai", "prod", 1),
        // Its own file overrides the layer's mode none.
        "legal-ai-dev": { ...stackValues("legal-ai", "dev", 1), rancher: { mode: "custom" } },
        // The layer's mode none holds: not registered.
        "healthcare-dev": stackValues("healthcare", "dev", 2),
      },
    });
    const links = readManagementLinks(root);
    expect([...links.management]).toEqual(["rancher-prod"]);
    // The management stack does not register in itself (the prod layer names it for every stack).
    expect(links.registered.get("rancher-prod")).not.toContain("rancher-prod");
    expect([...(links.registered.get("rancher-prod") ?? [])].sort()).toEqual([
      "legal-ai-dev",
      "legal-ai-prod",
    ]);
  });
});

test("a stack naming a stack that is not a management stack registers nowhere", () => {
  const root = tempProject({
    environments: { dev: envLayer("dev") },
    stacks: {
      "rancher-dev": stackValues("rancher", "dev", 9),
      "legal-ai-dev": {
        ...stackValues("legal-ai", "dev", 1),
        rancher: { managementStack: "healthcare-dev" },
      },
      "healthcare-dev": stackValues("healthcare", "dev", 2),
    },
  });
  const links = readManagementLinks(root);
  expect([...links.registered]).toEqual([["rancher-dev", []]]);
});

describe("phases: a failure stops the later phases on destroy too", () => {
  const stack = (name: string): FleetStack => ({
    name,
    environment: "dev",
    useCase: null,
    critical: false,
    criticalReason: "not protected",
  });
  const result = (name: string, ok: boolean): StackResult => ({
    stack: name,
    action: "destroy",
    status: ok ? "succeeded" : "failed",
    changes: ok ? { delete: 1 } : null,
    durationMs: 1,
    error: ok ? null : "boom",
  });

  test("destroy: the management phase is not run after a use-case stack failed to go", async () => {
    const ran: string[] = [];
    const results = await runInPhases("destroy", [[stack("legal-ai-dev")], [stack("rancher-prod")]], (p) => {
      ran.push(...p.map((x) => x.name));
      return Promise.resolve(p.map((x) => result(x.name, false)));
    });
    expect(ran).toEqual(["legal-ai-dev"]);
    expect(results.map((r) => [r.stack, r.action, r.status, r.changes, r.durationMs])).toEqual([
      ["legal-ai-dev", "destroy", "failed", null, 1],
      ["rancher-prod", "destroy", "failed", null, 0],
    ]);
  });

  test("every phase runs, in order, when each succeeds", async () => {
    const ran: string[] = [];
    const results = await runInPhases("destroy", [[stack("a"), stack("b")], [stack("c")]], (p) => {
      ran.push(...p.map((x) => x.name));
      return Promise.resolve(p.map((x) => result(x.name, true)));
    });
    expect(ran).toEqual(["a", "b", "c"]);
    expect(results.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });
});

// ---------------------------------------------------------------------------------------------
// redaction

describe("redaction", () => {
  test.each<[string, string]>([
    ["password=hunter2x", "password=[secret]"],
    ["DB_PASSWORD: s3cr3t!", "DB_PASSWORD: [secret]"],
    ["passwd=abc123", "passwd=[secret]"],
    // A quoted value goes whole, spaces and all (before the fix, "words" was printed).
    ["passphrase = 'two words'", "passphrase = '[secret]'"],
    ['PASSWORD: "correct horse battery" ok', 'PASSWORD: "[secret]" ok'],
    ['{"token":"a b","user":"c d"}', '{"token":"[secret]","user":"c d"}'],
    // An unclosed quote: the first word is redacted as before.
    ["password='abc", "password='[secret]"],
    // JSON and YAML double-quoted strings escape a quote with a backslash: the value runs to the
    // closing quote, not the escaped one (before the fix, `cd` and `e f` were printed).
    [String.raw`{"password":"ab\"cd","user":"u"}`, '{"password":"[secret]","user":"u"}'],
    [String.raw`token: "a\" e f" rest`, 'token: "[secret]" rest'],
    [String.raw`secret: "x\\"`, 'secret: "[secret]"'],
    // A single quote inside single quotes: YAML doubles it, a POSIX shell closes, escapes and
    // reopens ('\'') — the way this program quotes for the shell (before the fix, "s b" was printed).
    ["passphrase: 'a''s b' next", "passphrase: '[secret]' next"],
    [String.raw`PASSWORD='a'\''s b' next`, "PASSWORD='[secret]' next"],
    ["password: '', user: 'u'", "password: '[secret]', user: 'u'"],
    ['{"apiKey": "k-123", "name": "web"}', '{"apiKey": "[secret]", "name": "web"}'],
    ["api_key=zzz,next=1", "api_key=[secret],next=1"],
    ["secret_key=q", "secret_key=[secret]"],
    ["AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_ACCESS_KEY_ID=[secret]"],
    ["--password p4ss --user bob", "--password [secret] --user bob"],
    ["--api-key 'k1' rest", "--api-key '[secret]' rest"],
    ["Token:abc", "Token:[secret]"],
  ])("by name: %j -> %j", (input, expected) => {
    expect(redactSecrets(input, {})).toBe(expected);
  });

  test.each([
    "tokens: 3 created",
    "the password prompt was shown",
    "password",
    "secretary=alice",
    "tokenizer: fast",
    "K10abc::user:pass",
    `K10${"g".repeat(64)}::server:pass`,
    "user=alice host=xo.lab",
  ])("%j stays as it is", (input) => {
    expect(redactSecrets(input, {})).toBe(input);
  });

  test("RKE2 tokens anywhere, in either format, and nothing of the token survives", () => {
    const hash = "0123456789abcdef".repeat(4);
    const line = `x K10${hash}::node:pw1, y K10${hash}::server:pw2"`;
    expect(redactSecrets(line, {})).toBe('x [secret], y [secret]"');
    // A 63-digit hash is not RKE2's format.
    const short = `K10${hash.slice(1)}::node:pw1`;
    expect(redactSecrets(short, {})).toBe(short);
  });

  test("by value: every secret variable, longest first; values shorter than 4 characters are not secrets", () => {
    // XOA_PASSWORD comes before XOA_TOKEN in the list: the longer value must still go first.
    const env: NodeJS.ProcessEnv = {
      XOA_PASSWORD: "abcd",
      XOA_TOKEN: "abcdefgh",
      RANCHER_TOKEN_KEY: "tok-rancher",
      RANCHER_SECRET_KEY: "rsk-value",
      RANCHER_ACCESS_KEY: "rak-value",
      PULUMI_CONFIG_PASSPHRASE: "pass-phrase",
      PULUMI_ACCESS_TOKEN: "pul-1234",
      AWS_SECRET_ACCESS_KEY: "aws-secret",
      AWS_SESSION_TOKEN: "aws-session",
      XOA_USER: "operator",
      XOA_INSECURE: "abc",
    };
    const text = "abcdefgh tok-rancher rsk-value rak-value pass-phrase pul-1234 aws-secret aws-session abcd";
    expect(redactSecrets(text, env)).toBe(Array(9).fill("[secret]").join(" "));
    // Not a secret variable: kept.
    expect(redactSecrets("operator", env)).toBe("operator");
    const short = { XOA_PASSWORD: "abc" };
    expect(redactSecrets("abc abcd", short)).toBe("abc abcd");
    expect(secretValues(short)).toEqual([]);
  });

  test("the passphrase file: its content as written and trimmed; an unreadable or unset file is no secret", () => {
    const reads: string[] = [];
    const read = (f: string) => {
      reads.push(f);
      if (f === "/missing") throw new Error("ENOENT");
      return "  long passphrase\n";
    };
    expect(secretValues({ PULUMI_CONFIG_PASSPHRASE_FILE: "/p" }, read)).toEqual([
      "  long passphrase\n",
      "long passphrase",
    ]);
    expect(secretValues({ PULUMI_CONFIG_PASSPHRASE_FILE: "/missing" }, read)).toEqual([]);
    expect(secretValues({ PULUMI_CONFIG_PASSPHRASE_FILE: "" }, read)).toEqual([]);
    expect(secretValues({ XOA_TOKEN: "only-this" }, read)).toEqual(["only-this"]);
    expect(reads).toEqual(["/p", "/missing"]);
  });

  test("the values are read once per environment object", () => {
    let reads = 0;
    const env: NodeJS.ProcessEnv = { PULUMI_CONFIG_PASSPHRASE_FILE: "/p" };
    const read = () => ((reads += 1), "file-secret");
    expect(secretValues(env, read)).toEqual(["file-secret"]);
    expect(secretValues(env, read)).toEqual(["file-secret"]);
    expect(reads).toBe(1);
    expect(secretValues({ ...env }, read)).toEqual(["file-secret"]);
    expect(reads).toBe(2);
  });

  test("a value already redacted by value is not doubled by the name rule", () => {
    expect(redactSecrets("password=hunter22", { XOA_PASSWORD: "hunter22" })).toBe("password=[secret]");
  });
});
