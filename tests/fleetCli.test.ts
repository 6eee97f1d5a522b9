/**
 * Issue 12: fleet behaves like the tools operators trust. `up` previews, shows the summary and
 * waits for a yes (a critical stack's name typed or named by flag); progress moves during a run
 * (a runner emitting engine steps); --json documents on stdout; colour only on a terminal without
 * NO_COLOR; `fleet --help` never loads the Pulumi SDK; changed-stacks maps files to stacks with the
 * real loader.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { stacksForChanges } from "../fleet/changedStacks";
import { main, type FleetDeps } from "../fleet/cli";
import { colourEnabled } from "../fleet/colour";
import type { Prompt } from "../fleet/confirm";
import { advance, counter, type StackProgress } from "../fleet/progress";
import type { RunnerOptions, RunOutcome, StackRunner } from "../fleet/run";
import type { Action } from "../fleet/select";
import { stepOf, type StepEvent } from "../fleet/steps";
import { recordingDeps } from "./helpers/fleetDeps";
import { envLayer, stackValues, useTempProjects } from "./helpers/fixtures";

const REPO = path.resolve(__dirname, "..");
const tempProject = useTempProjects();

/** A runner that reports `steps` through onStep for each call, then resolves `changes`. */
class SteppingRunner implements StackRunner {
  readonly calls: { action: Action; stack: string; refresh: boolean }[] = [];
  constructor(
    private readonly steps: StepEvent[] = [],
    private readonly failing: Partial<Record<string, string>> = {},
  ) {}
  private async call(action: Action, stack: string, options: RunnerOptions = {}): Promise<RunOutcome> {
    this.calls.push({ action, stack, refresh: options.refresh === true });
    for (const step of this.steps) {
      await new Promise((resolve) => setImmediate(resolve));
      options.onStep?.(step);
    }
    const failure = this.failing[`${action}:${stack}`];
    if (failure !== undefined) throw new Error(failure);
    return { changes: { create: 3, same: 1 } };
  }
  preview(stack: string, _o: (l: string) => void, options?: RunnerOptions) {
    return this.call("preview", stack, options);
  }
  up(stack: string, _o: (l: string) => void, options?: RunnerOptions) {
    return this.call("up", stack, options);
  }
  destroy(stack: string, _o: (l: string) => void, options?: RunnerOptions) {
    return this.call("destroy", stack, options);
  }
}

const STEPS: StepEvent[] = [
  { kind: "start", op: "create", type: "xenorchestra:index/vm:Vm", name: "c1-server1" },
  { kind: "done", op: "create", type: "xenorchestra:index/vm:Vm", name: "c1-server1" },
  { kind: "start", op: "create", type: "xenorchestra:index/vm:Vm", name: "c1-worker1" },
  { kind: "done", op: "create", type: "xenorchestra:index/vm:Vm", name: "c1-worker1" },
];

function project(): string {
  return tempProject({
    environments: { dev: envLayer("dev"), prod: envLayer("prod") },
    stacks: {
      "legal-ai-dev": stackValues("legal-ai", "dev", 1),
      "healthcare-dev": stackValues("healthcare", "dev", 2),
      "legal-ai-prod": stackValues("legal-ai", "prod", 1),
    },
  });
}

interface Harness {
  deps: FleetDeps;
  out: string[];
  err: string[];
  raw: string[];
  questions: string[];
  runner: SteppingRunner;
  /** What the runner had been asked when each question came. */
  callsAtQuestion: string[][];
  text(): string;
}

function harness(
  options: {
    answers?: string[];
    interactive?: boolean;
    runner?: SteppingRunner;
    tty?: boolean;
    env?: NodeJS.ProcessEnv;
    root?: string;
    stdin?: string;
  } = {},
): Harness {
  const raw: string[] = [];
  const questions: string[] = [];
  const callsAtQuestion: string[][] = [];
  const answers = [...(options.answers ?? [])];
  const runner = options.runner ?? new SteppingRunner(STEPS);
  const prompt: Prompt = {
    interactive: options.interactive ?? false,
    ask: (question) => {
      questions.push(question);
      callsAtQuestion.push(runner.calls.map((c) => `${c.action}:${c.stack}`));
      return Promise.resolve(answers.shift() ?? "");
    },
  };
  let tick = Date.UTC(2025, 0, 2, 3, 4, 5);
  const { d, out, err } = recordingDeps(options.root ?? project(), {
    env: options.env ?? {},
    prompt,
    runner: () => runner,
    now: () => new Date((tick += 1000)),
    tty: options.tty ?? false,
    write: (t) => raw.push(t),
    columns: 200,
    ...(options.stdin !== undefined ? { stdin: () => Promise.resolve(options.stdin!) } : {}),
  });
  return {
    out,
    err,
    raw,
    questions,
    runner,
    callsAtQuestion,
    text: () => [...out, ...err, ...raw].join("\n"),
    deps: d,
  };
}

describe("fleet up: preview first, then a yes", () => {
  test("`up legal-ai-dev` on a terminal previews, shows the summary, waits for y, then applies", async () => {
    const h = harness({ interactive: true, answers: ["y"] });
    expect(await main(["up", "legal-ai-dev"], h.deps)).toBe(0);
    expect(h.questions).toEqual(["Apply these changes to legal-ai-dev? [y/N] "]);
    // The question came after the preview and before anything was applied.
    expect(h.callsAtQuestion).toEqual([["preview:legal-ai-dev"]]);
    expect(h.runner.calls.map((c) => `${c.action}:${c.stack}`)).toEqual([
      "preview:legal-ai-dev",
      "up:legal-ai-dev",
    ]);
    expect(h.out.join("\n")).toMatch(
      /Preview\nstack +action +result +changes[^\n]*\n-+[^\n]*\nlegal-ai-dev +preview +succeeded +\+3 =1/,
    );
  });

  test("no: nothing is applied, exit 1", async () => {
    const h = harness({ interactive: true, answers: ["n"] });
    expect(await main(["up", "legal-ai-dev"], h.deps)).toBe(1);
    expect(h.runner.calls.map((c) => c.action)).toEqual(["preview"]);
    expect(h.err.join("\n")).toContain("up refused: not confirmed; nothing was applied");
  });

  test("without a terminal and without --yes: the preview runs, nothing is applied", async () => {
    const h = harness({ interactive: false });
    expect(await main(["up", "--env", "dev"], h.deps)).toBe(1);
    expect(h.runner.calls.map((c) => c.action)).toEqual(["preview", "preview"]);
    expect(h.err.join("\n")).toContain(
      "stdin is not a terminal and --yes was not given; nothing was applied",
    );
  });

  test("a failed preview applies nothing and asks nothing", async () => {
    const runner = new SteppingRunner([], { "preview:legal-ai-dev": "error: XO refused" });
    const h = harness({ interactive: true, answers: ["y"], runner });
    expect(await main(["up", "--env", "dev", "--concurrency", "1"], h.deps)).toBe(1);
    expect(h.questions).toEqual([]);
    expect(runner.calls.map((c) => c.action)).toEqual(["preview", "preview"]);
    expect(h.err.join("\n")).toContain("the preview failed for legal-ai-dev; nothing was applied");
  });

  test("a critical stack needs its name typed on a terminal", async () => {
    const wrong = harness({ interactive: true, answers: ["y", "legal-ai-dev"] });
    expect(await main(["up", "legal-ai-prod"], wrong.deps)).toBe(1);
    expect(wrong.questions[1]).toBe(
      "legal-ai-prod is critical (cluster-orchestrator:protect: true (environment layer)). Type its name to apply: ",
    );
    expect(wrong.runner.calls.map((c) => c.action)).toEqual(["preview"]);
    expect(wrong.err.join("\n")).toContain("'legal-ai-dev' is not legal-ai-prod; nothing was applied");

    const right = harness({ interactive: true, answers: ["y", "legal-ai-prod"] });
    expect(await main(["up", "legal-ai-prod"], right.deps)).toBe(0);
    expect(right.runner.calls.map((c) => c.action)).toEqual(["preview", "up"]);
  });

  test("a critical stack without a terminal: --yes is not enough, --confirm-critical names it", async () => {
    const yes = harness();
    expect(await main(["up", "--all", "--yes"], yes.deps)).toBe(1);
    expect(yes.err.join("\n")).toContain(
      "legal-ai-prod is critical (cluster-orchestrator:protect: true (environment layer)): pass --confirm-critical legal-ai-prod",
    );
    expect(yes.runner.calls.every((c) => c.action === "preview")).toBe(true);

    const named = harness();
    expect(await main(["up", "--all", "--yes", "--confirm-critical", "legal-ai-prod"], named.deps)).toBe(0);
    expect(named.runner.calls.filter((c) => c.action === "up").map((c) => c.stack)).toEqual([
      "healthcare-dev",
      "legal-ai-dev",
      "legal-ai-prod",
    ]);
  });

  test("--yes --skip-preview applies without the preview; --refresh reaches the runner", async () => {
    const h = harness();
    expect(await main(["up", "legal-ai-dev", "--yes", "--skip-preview", "--refresh"], h.deps)).toBe(0);
    expect(h.runner.calls).toEqual([{ action: "up", stack: "legal-ai-dev", refresh: true }]);
    const p = harness();
    expect(await main(["preview", "legal-ai-dev"], p.deps)).toBe(0);
    expect(p.runner.calls).toEqual([{ action: "preview", stack: "legal-ai-dev", refresh: false }]);
  });
});

describe("progress", () => {
  test("not on a terminal: a plain line per finished step, counted against the preview's plan", async () => {
    const h = harness();
    expect(await main(["up", "legal-ai-dev", "--yes"], h.deps)).toBe(0);
    const lines = h.out.filter((l) => l.includes("created c1-"));
    // The preview's own steps: no plan known yet; up's: out of the 4 resources the preview counted.
    expect(lines.map((l) => l.replace(/^\d\d:\d\d:\d\d +/, "").replace(/\d+s$/, "<t>"))).toEqual([
      "legal-ai-dev: [1] created c1-server1 (xenorchestra:index/vm:Vm), <t>",
      "legal-ai-dev: [2] created c1-worker1 (xenorchestra:index/vm:Vm), <t>",
      "legal-ai-dev: [1/4] created c1-server1 (xenorchestra:index/vm:Vm), <t>",
      "legal-ai-dev: [2/4] created c1-worker1 (xenorchestra:index/vm:Vm), <t>",
    ]);
    expect(h.raw).toEqual([]);
    expect(h.text()).not.toContain("\x1b[");
  });

  test("on a terminal: a live block redrawn in place with done/planned and the current operation", async () => {
    const h = harness({ tty: true });
    expect(await main(["up", "legal-ai-dev", "--yes", "--skip-preview"], h.deps)).toBe(0);
    const screen = h.raw.join("");
    expect(screen).toContain("legal-ai-dev  up  [0]");
    expect(screen).toMatch(/legal-ai-dev {2}up {2}\[1\] {2}\d+s {2}\S*creating c1-worker1/);
    expect(screen).toContain("\x1b[1F\x1b[J"); // the block is erased before it is redrawn
    expect(screen).toMatch(/\x1b\[32m✔\x1b\[39m legal-ai-dev: up succeeded/); // green on a terminal
    // Status lines go above the block, not to stdout's plain lines.
    expect(h.out.some((l) => l.includes("up started"))).toBe(false);
  });

  test("NO_COLOR: the live view stays, the colours go", async () => {
    const h = harness({ tty: true, env: { NO_COLOR: "1" } });
    expect(await main(["up", "legal-ai-dev", "--yes", "--skip-preview"], h.deps)).toBe(0);
    expect(h.raw.join("")).toContain("✔ legal-ai-dev: up succeeded");
    expect(h.raw.join("")).not.toMatch(/\x1b\[\d+m/);
  });

  test("a narrow terminal: each line of the live block fits on one row", async () => {
    const h = harness({ tty: true, env: { NO_COLOR: "1" } });
    h.deps.columns = 30;
    expect(await main(["up", "legal-ai-dev", "--yes", "--skip-preview"], h.deps)).toBe(0);
    const block = h.raw
      .join("")
      .replace(/\x1b\[\d*[FJ]/g, "\n")
      .split("\n")
      .filter((l) => l.startsWith("  legal-ai-dev"));
    expect(block.length).toBeGreaterThan(0);
    expect(block.filter((l) => l.length > 29)).toEqual([]);
  });

  test("colourEnabled: a terminal without NO_COLOR and not TERM=dumb", () => {
    expect(colourEnabled({}, true)).toBe(true);
    expect(colourEnabled({}, false)).toBe(false);
    expect(colourEnabled({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colourEnabled({ NO_COLOR: "" }, true)).toBe(true); // no-color.org: empty means unset
    expect(colourEnabled({ TERM: "dumb" }, true)).toBe(false);
  });

  test("engine events become steps; other events are ignored", () => {
    const metadata = {
      op: "create" as const,
      urn: "urn:pulumi:legal-ai-dev::cluster-orchestrator::cluster-orchestrator:cluster:Cluster$xenorchestra:index/vm:Vm::cluster1-server1",
      type: "xenorchestra:index/vm:Vm",
      provider: "",
    };
    const event = (extra: Partial<EngineEvent>): EngineEvent => ({ sequence: 1, timestamp: 0, ...extra });
    expect(stepOf(event({ resourcePreEvent: { metadata } }))).toEqual({
      kind: "start",
      op: "create",
      type: "xenorchestra:index/vm:Vm",
      name: "cluster1-server1",
    });
    expect(stepOf(event({ resOutputsEvent: { metadata } }))).toMatchObject({
      kind: "done",
      name: "cluster1-server1",
    });
    expect(stepOf(event({ resOpFailedEvent: { metadata, status: 1, steps: 1 } }))).toMatchObject({
      kind: "failed",
    });
    expect(stepOf(event({ stdoutEvent: { message: "x", color: "never" } }))).toBeNull();
  });

  test("advance counts done steps and names the operation in flight", () => {
    let p: StackProgress = {
      stack: "s",
      action: "up",
      startedAt: 0,
      planned: 2,
      done: 0,
      failed: 0,
      current: null,
    };
    p = advance(p, STEPS[0]!);
    expect([counter(p), p.current]).toEqual(["0/2", "creating c1-server1"]);
    p = advance(p, STEPS[1]!);
    expect([counter(p), p.current]).toEqual(["1/2", null]);
    p = advance(p, { kind: "failed", type: "t", name: "x" });
    expect([p.failed, p.current]).toEqual([1, "failed x"]);
  });
});

describe("--json", () => {
  test("preview --json: one document on stdout, progress on stderr", async () => {
    const h = harness();
    expect(await main(["preview", "--env", "dev", "--json"], h.deps)).toBe(0);
    expect(h.out).toHaveLength(1);
    const doc = JSON.parse(h.out[0]!);
    expect(doc).toMatchObject({
      version: 1,
      command: "preview",
      stacks: ["healthcare-dev", "legal-ai-dev"],
      preview: null,
      refused: null,
      succeeded: 2,
      failed: 0,
    });
    expect(doc.results[0]).toEqual({
      stack: "healthcare-dev",
      action: "preview",
      status: "succeeded",
      changes: { create: 3, same: 1 },
      durationMs: expect.any(Number),
      error: null,
    });
    expect(h.err.join("\n")).toContain("▶ legal-ai-dev: preview started");
  });

  test("up --json when declined: the preview and why nothing was applied", async () => {
    const h = harness();
    expect(await main(["up", "legal-ai-dev", "--json"], h.deps)).toBe(1);
    const doc = JSON.parse(h.out.join("\n"));
    expect(doc.preview).toHaveLength(1);
    expect(doc.results).toEqual([]);
    expect(doc.refused).toMatch(/stdin is not a terminal/);
  });

  test("doctor --json: the checks with their status and fix", async () => {
    const h = harness({ root: REPO });
    expect(await main(["doctor", "legal-ai-dev", "--json"], h.deps)).toBe(1);
    const doc = JSON.parse(h.out.join("\n"));
    expect(doc).toMatchObject({ version: 1, command: "doctor", stack: "legal-ai-dev", ok: false });
    expect(doc.checks.find((c: { name: string }) => /XO/.test(c.name))).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("XOA_URL is not set"),
    });
  });
});

describe("changed-stacks", () => {
  const ids = [
    { stack: "legal-ai-dev", environment: "dev", useCase: "legal-ai" },
    { stack: "legal-ai-prod", environment: "prod", useCase: "legal-ai" },
    { stack: "odd-dev", environment: null, useCase: "odd" },
  ];
  const none = { all: false, only: null };

  test.each<[string[], string[]]>([
    [["docs/x.md"], []],
    [["stacks/Pulumi.legal-ai-dev.yaml"], ["legal-ai-dev"]],
    [["Pulumi.dev.yaml"], ["legal-ai-dev", "odd-dev"]],
    [["stacks/legal-ai.ts"], ["legal-ai-dev", "legal-ai-prod"]],
    [["stacks/odd.ts"], ["odd-dev"]],
    [["stacks/profiles.ts"], ["legal-ai-dev", "legal-ai-prod", "odd-dev"]],
    [["components/plan/ipv4.ts"], ["legal-ai-dev", "legal-ai-prod", "odd-dev"]],
    [["./stacks/Pulumi.legal-ai-prod.yaml\r"], ["legal-ai-prod"]],
  ])("%j -> %j", (changed, expected) => {
    expect(stacksForChanges(changed, ids, none).stacks).toEqual(expected);
  });

  test("fail closed: an undeterminable environment is prod", () => {
    const all = { all: true, only: null };
    expect(stacksForChanges([], ids, { ...all, only: "nonprod" }).stacks).toEqual(["legal-ai-dev"]);
    expect(stacksForChanges([], ids, { ...all, only: "prod" }).stacks).toEqual(["legal-ai-prod", "odd-dev"]);
    expect(stacksForChanges(["stacks/Pulumi.gone-dev.yaml"], ids, none)).toEqual({
      stacks: [],
      notes: ["stacks/Pulumi.gone-dev.yaml no longer exists: retire that stack by hand (pulumi destroy)"],
    });
  });

  test("the command reads stdin, uses the real loader on the project and prints a JSON array", async () => {
    const h = harness({ root: REPO, stdin: "Pulumi.prod.yaml\ndocs/ci.md\n" });
    expect(await main(["changed-stacks", "--only", "prod"], h.deps)).toBe(0);
    // The management stack first: the deploy workflow runs the prod list in this order.
    expect(h.out).toEqual(['["rancher-prod","accounting-analytics-prod","healthcare-prod","legal-ai-prod"]']);
    const bad = harness({ root: REPO });
    expect(await main(["changed-stacks", "--only", "staging"], bad.deps)).toBe(2);
    expect(bad.err.join("\n")).toContain("Allowed choices are prod, nonprod");
  });
});

describe("start-up", () => {
  test.each([
    [["--help"], 0],
    [["doctor", "legal-ai-dev"], 1], // no XOA_URL here: the checks fail, but they ran
  ])("`fleet %j` loads no Pulumi module (the SDKs load only to run Pulumi)", (argv, status) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-modules-"));
    const probe = path.join(dir, "probe.js");
    // On exit, count every module this process loaded that belongs to a Pulumi package.
    fs.writeFileSync(
      probe,
      "process.on('exit', () => { const m = Object.keys(require.cache).filter((k) => k.includes('@pulumi')); process.stderr.write('PULUMI_MODULES=' + m.length + '\\n'); });\n",
    );
    try {
      const tsx = path.join(REPO, "node_modules", ".bin", "tsx");
      const env = { ...process.env };
      for (const name of ["XOA_URL", "XOA_TOKEN", "XOA_USER", "XOA_PASSWORD", "RANCHER_URL"])
        delete env[name];
      const result = spawnSync(tsx, ["--require", probe, path.join(REPO, "bin", "fleet.ts"), ...argv], {
        encoding: "utf8",
        env,
      });
      expect(result.status).toBe(status);
      expect(result.stderr).toContain("PULUMI_MODULES=0");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
