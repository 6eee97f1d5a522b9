/**
 * Issue 15: what preview/up/destroy decide, pinned on both sides — the destroy refusals and their
 * order (a management stack's links before the critical guard, both before any question), the
 * critical confirmations on a terminal, the --json document when something fails or is refused,
 * and secrets kept out of the terminal's live view and of the per-stack log files. A fake
 * StackRunner stands in for the Automation API.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, type FleetDeps } from "../fleet/cli";
import type { RunnerOptions, RunOutcome, StackRunner } from "../fleet/run";
import type { Action } from "../fleet/select";
import { envLayer, stackValues, useTempProjects } from "./helpers/fixtures";

const tempProject = useTempProjects();

const SECRET = "hunter2-very-secret";

class Runner implements StackRunner {
  readonly calls: string[] = [];
  constructor(
    private readonly failing: Partial<Record<string, string>> = {},
    private readonly output: string[] = [],
  ) {}
  private call(action: Action, stack: string, onOutput: (l: string) => void, o?: RunnerOptions) {
    this.calls.push(`${action}:${stack}`);
    for (const line of this.output) onOutput(line);
    o?.onStep?.({ kind: "start", op: "create", type: "xenorchestra:index/vm:Vm", name: `${stack}-vm` });
    const failure = this.failing[`${action}:${stack}`];
    return failure === undefined
      ? Promise.resolve<RunOutcome>({ changes: { create: 1 } })
      : Promise.reject(new Error(failure));
  }
  preview(s: string, o: (l: string) => void, r?: RunnerOptions) {
    return this.call("preview", s, o, r);
  }
  up(s: string, o: (l: string) => void, r?: RunnerOptions) {
    return this.call("up", s, o, r);
  }
  destroy(s: string, o: (l: string) => void, r?: RunnerOptions) {
    return this.call("destroy", s, o, r);
  }
}

function harness(
  root: string,
  options: {
    runner?: Runner;
    answers?: string[];
    interactive?: boolean;
    tty?: boolean;
    logDir?: string;
  } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const raw: string[] = [];
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  const runner = options.runner ?? new Runner();
  let tick = 0;
  const deps: FleetDeps = {
    rootDir: root,
    env: { XOA_PASSWORD: SECRET },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    prompt: {
      interactive: options.interactive ?? false,
      ask: (q) => {
        questions.push(q);
        return Promise.resolve(answers.shift() ?? "");
      },
    },
    runner: () => runner,
    http: () => () => Promise.reject(new Error("no HTTP")),
    now: () => new Date(Date.UTC(2025, 0, 2) + (tick += 1000)),
    logDir: options.logDir ?? null,
    tty: options.tty ?? false,
    write: (t) => raw.push(t),
    columns: 200,
  };
  return { deps, out, err, raw, questions, runner, all: () => [...out, ...err, ...raw].join("\n") };
}

/** A management stack (rancher) with two stacks registered in it; two prod stacks are critical. */
function project(): string {
  const rancher = { mode: "import", managementStack: "rancher-prod" };
  return tempProject({
    environments: { dev: envLayer("dev"), prod: envLayer("prod") },
    stacks: {
      "rancher-prod": stackValues("rancher", "prod", 9),
      "rancher-dev": stackValues("rancher", "dev", 8),
      "legal-ai-prod": { ...stackValues("legal-ai", "prod", 1), rancher },
      "healthcare-prod": { ...stackValues("healthcare", "prod", 2), rancher, critical: false },
      "legal-ai-dev": stackValues("legal-ai", "dev", 1),
      "healthcare-dev": stackValues("healthcare", "dev", 2),
    },
  });
}

describe("destroy: refusals come first, nothing is asked or run", () => {
  test("a management stack with a registered stack left: refused before the critical guard and the question", async () => {
    const h = harness(project(), { interactive: true, answers: ["y"] });
    expect(await main(["destroy", "rancher-prod", "healthcare-prod", "--json"], h.deps)).toBe(1);
    expect(h.questions).toEqual([]);
    expect(h.runner.calls).toEqual([]);
    const doc = JSON.parse(h.out.join("\n"));
    expect(doc).toMatchObject({ command: "destroy", results: [], succeeded: 0, failed: 0 });
    expect(doc.refused).toContain("rancher-prod: legal-ai-prod still name it");
    expect(doc.refused).not.toContain("healthcare-prod");
    // Only the JSON document on stdout.
    expect(h.out).toHaveLength(1);
  });

  test("critical stacks: each named with its reason, the plural says how many; a released one is not named", async () => {
    const two = harness(project(), { interactive: true, answers: ["y"] });
    expect(await main(["destroy", "--env", "prod", "--yes"], two.deps)).toBe(1);
    const text = two.err.join("\n");
    expect(text).toContain("refusing to destroy critical stacks; nothing was destroyed:");
    // One line per stack, then how to retire one, each on its own line.
    expect(text.split("\n")).toEqual([
      "fleet: refusing to destroy critical stacks; nothing was destroyed:",
      "  - rancher-prod: cluster-orchestrator:protect: true (environment layer)",
      "  - legal-ai-prod: cluster-orchestrator:protect: true (environment layer)",
      expect.stringMatching(/^To retire a critical cluster, set `cluster-orchestrator:critical: false`/),
    ]);
    expect(text).toContain("  - rancher-prod: cluster-orchestrator:protect: true (environment layer)");
    expect(text).toContain("  - legal-ai-prod: cluster-orchestrator:protect: true (environment layer)");
    expect(text).not.toContain("  - healthcare-prod:");
    expect(two.runner.calls).toEqual([]);

    const one = harness(project());
    expect(await main(["destroy", "legal-ai-prod", "--yes"], one.deps)).toBe(1);
    expect(one.err.join("\n")).toContain("refusing to destroy critical stack; nothing was destroyed:");
    expect(one.runner.calls).toEqual([]);

    // A management stack outside prod, with nothing registered in it: critical by default.
    const dev = harness(project());
    expect(await main(["destroy", "rancher-dev", "--yes"], dev.deps)).toBe(1);
    expect(dev.err.join("\n")).toContain(
      "  - rancher-dev: management stack: every cluster's Rancher (critical by default)",
    );
    expect(dev.runner.calls).toEqual([]);
  });

  test("a non-critical prod stack registered in the management stack may go on its own", async () => {
    const h = harness(project(), { interactive: true, answers: ["y"] });
    expect(await main(["destroy", "healthcare-prod"], h.deps)).toBe(0);
    expect(h.questions).toEqual(["Destroy healthcare-prod? [y/N] "]);
    expect(h.err[0]!.split("\n")).toEqual([
      "About to destroy 1 stack (for each: every VM, the cluster network and the Rancher cluster):",
      "  - healthcare-prod",
    ]);
    expect(h.runner.calls).toEqual(["destroy:healthcare-prod"]);
  });
});

describe("up: confirmations", () => {
  test("on a terminal, a critical stack named with --confirm-critical is not asked for; another still is", async () => {
    const h = harness(project(), { interactive: true, answers: ["y", "legal-ai-prod"] });
    const argv = ["up", "rancher-prod", "legal-ai-prod", "--confirm-critical", "rancher-prod"];
    expect(await main(argv, h.deps)).toBe(0);
    expect(h.questions).toEqual([
      "Apply these changes to 2 stacks? [y/N] ",
      "legal-ai-prod is critical (cluster-orchestrator:protect: true (environment layer)). Type its name to apply: ",
    ]);
    // The management stack's phase first, in the preview and in the apply.
    expect(h.runner.calls).toEqual([
      "preview:rancher-prod",
      "preview:legal-ai-prod",
      "up:rancher-prod",
      "up:legal-ai-prod",
    ]);
  });

  test("--yes on a terminal still asks each critical stack's name; a wrong one applies nothing", async () => {
    const h = harness(project(), { interactive: true, answers: [" legal-ai-prod "] });
    expect(await main(["up", "legal-ai-prod", "healthcare-prod", "--yes"], h.deps)).toBe(0);
    expect(h.questions).toHaveLength(1);
    expect(h.runner.calls.filter((c) => c.startsWith("up:"))).toEqual([
      "up:healthcare-prod",
      "up:legal-ai-prod",
    ]);

    const wrong = harness(project(), { interactive: true, answers: ["rancher-prod"] });
    expect(await main(["up", "legal-ai-prod", "--yes", "--json"], wrong.deps)).toBe(1);
    const doc = JSON.parse(wrong.out.join("\n"));
    expect(doc.refused).toBe("'rancher-prod' is not legal-ai-prod; nothing was applied");
    expect(doc.preview).toHaveLength(1);
    expect(doc.results).toEqual([]);
    expect(wrong.runner.calls).toEqual(["preview:legal-ai-prod"]);
  });

  test("a non-critical stack on a terminal: one question, no name to type", async () => {
    const h = harness(project(), { interactive: true, answers: ["yes"] });
    expect(await main(["up", "healthcare-prod"], h.deps)).toBe(0);
    expect(h.questions).toEqual(["Apply these changes to healthcare-prod? [y/N] "]);
  });
});

describe("the --json document and the exit code when a stack fails", () => {
  test("up: counts, the failed stack's error, the later phase not run; exit 1", async () => {
    const runner = new Runner({ "up:rancher-prod": "error: XO said no" });
    const h = harness(project(), { runner });
    const argv = [
      "up",
      "rancher-prod",
      "legal-ai-dev",
      "--yes",
      "--json",
      "--confirm-critical",
      "rancher-prod",
    ];
    expect(await main(argv, h.deps)).toBe(1);
    const doc = JSON.parse(h.out.join("\n"));
    expect(doc.stacks).toEqual(["legal-ai-dev", "rancher-prod"]);
    expect(doc.results.map((r: { stack: string; status: string }) => [r.stack, r.status])).toEqual([
      ["rancher-prod", "failed"],
      ["legal-ai-dev", "failed"],
    ]);
    expect(doc.results[0].error).toBe("XO said no");
    expect(doc).toMatchObject({ succeeded: 0, failed: 2, refused: null });
    expect(runner.calls.filter((c) => c.startsWith("up:"))).toEqual(["up:rancher-prod"]);
  });

  test("preview: one failed, one succeeded, counted as such", async () => {
    const runner = new Runner({ "preview:legal-ai-dev": "boom" });
    const h = harness(project(), { runner });
    expect(
      await main(["preview", "legal-ai-dev", "healthcare-dev", "--json", "--concurrency", "1"], h.deps),
    ).toBe(1);
    const doc = JSON.parse(h.out.join("\n"));
    expect(doc).toMatchObject({ succeeded: 1, failed: 1 });
    expect(h.err.join("\n")).toContain("fleet preview: 2 stacks (healthcare-dev, legal-ai-dev), 1 at a time");
    expect(h.err.join("\n")).toContain("1 succeeded, 1 failed.");
  });

  test("the status line counts at most as many at a time as there are stacks", async () => {
    const h = harness(project());
    expect(await main(["preview", "legal-ai-dev", "--concurrency", "8"], h.deps)).toBe(0);
    expect(h.out.join("\n")).toContain("fleet preview: 1 stack (legal-ai-dev), 1 at a time");
  });
});

describe("secrets stay out of the terminal view and the logs", () => {
  test("on a terminal, a failure's message holding a secret is redacted in the live view", async () => {
    const runner = new Runner({ "up:legal-ai-dev": `auth ${SECRET} rejected` });
    const h = harness(project(), { runner, tty: true });
    expect(await main(["up", "legal-ai-dev", "--yes", "--skip-preview"], h.deps)).toBe(1);
    const live = h.raw.join("");
    expect(live).toContain("legal-ai-dev: up failed after");
    expect(live).toContain("auth [secret] rejected");
    expect(h.all()).not.toContain(SECRET);
  });

  test("a stack's log file holds its output with secrets redacted; its path is printed relative to the project", async () => {
    const root = project();
    const logDir = path.join(root, ".fleet-logs");
    const runner = new Runner({}, ["connecting", `password=${SECRET}`, `using ${SECRET} now`]);
    const h = harness(root, { runner, logDir });
    expect(await main(["up", "legal-ai-dev", "--yes", "--skip-preview"], h.deps)).toBe(0);
    const [run] = fs.readdirSync(logDir);
    expect(run).toMatch(/^20250102T000\d\d\dZ-up$/);
    const log = fs.readFileSync(path.join(logDir, run!, "legal-ai-dev.log"), "utf8");
    expect(log).toBe("connecting\npassword=[secret]\nusing [secret] now\n");
    // No preview ran: no preview log.
    expect(fs.readdirSync(path.join(logDir, run!))).toEqual(["legal-ai-dev.log"]);
    expect(h.out.join("\n")).toContain(`Pulumi output: .fleet-logs/${run!}/`);
    // Not streamed without --verbose.
    expect(h.all()).not.toContain("connecting");
  });

  test("a log folder outside the project is printed as an absolute path; no log folder, no line", async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-logs-"));
    try {
      const h = harness(project(), { runner: new Runner({}, ["x"]), logDir: outside });
      expect(await main(["preview", "legal-ai-dev"], h.deps)).toBe(0);
      const [run] = fs.readdirSync(outside);
      expect(run).toMatch(/-preview$/);
      expect(h.out.join("\n")).toContain(`Pulumi output: ${path.join(outside, run!)}/`);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
    const none = harness(project());
    expect(await main(["preview", "legal-ai-dev"], none.deps)).toBe(0);
    expect(none.out.join("\n")).not.toContain("Pulumi output:");
    expect(none.out[none.out.length - 1]).toBe("\n1 succeeded, 0 failed.");
  });
});
