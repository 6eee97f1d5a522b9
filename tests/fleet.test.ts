/**
 * The fleet commands without the Pulumi CLI: stack selection and order, bounded concurrency
 * (measured with counters and deferred promises), failure handling, the summary, destroy's
 * refusal of critical stacks and its confirmation, and the CLI's exit codes. A fake StackRunner
 * stands in for the Automation API.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, type FleetDeps } from "../fleet/cli";
import { summaryTable } from "../fleet/runCommand";
import { confirm, type Prompt } from "../fleet/confirm";
import { lineSplitter } from "../fleet/runner";
import { anyFailed, runFleet, type FleetEvent, type RunOutcome, type StackRunner } from "../fleet/run";
import {
  criticalOf,
  orderFor,
  readFleet,
  selectStacks,
  SelectionError,
  type Action,
  type FleetStack,
  type Selection,
} from "../fleet/select";
import { renderTable } from "../components/lib/table";
import { firstErrorLine, formatChanges, formatDuration, redactSecrets } from "../fleet/text";
import { recordingDeps } from "./helpers/fleetDeps";
import { envLayer, stackValues, useTempProjects } from "./helpers/fixtures";

const REPO = path.resolve(__dirname, "..");
const tempProject = useTempProjects();

// ---------------------------------------------------------------------------------------------
// Fakes

interface Deferred {
  resolve(outcome?: RunOutcome): void;
  reject(error: Error): void;
}

/**
 * Records every call and how many run at once. In manual mode each call waits until the test
 * settles it; otherwise it finishes on its own after a tick (failing for the stacks in `failing`).
 */
class FakeRunner implements StackRunner {
  readonly calls: { action: Action; stack: string }[] = [];
  readonly pending = new Map<string, Deferred>();
  active = 0;
  maxActive = 0;

  constructor(
    private readonly options: { manual?: boolean; failing?: Record<string, string>; output?: string[] } = {},
  ) {}

  private call(action: Action, stack: string, onOutput: (line: string) => void): Promise<RunOutcome> {
    this.calls.push({ action, stack });
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    for (const line of this.options.output ?? []) onOutput(line);
    return new Promise<RunOutcome>((resolve, reject) => {
      const done = {
        resolve: (outcome: RunOutcome = { changes: { create: 3, same: 1 } }) => {
          this.active--;
          resolve(outcome);
        },
        reject: (error: Error) => {
          this.active--;
          reject(error);
        },
      };
      if (this.options.manual) {
        this.pending.set(stack, done);
        return;
      }
      setImmediate(() => {
        const failure = this.options.failing?.[stack];
        if (failure !== undefined) done.reject(new Error(failure));
        else done.resolve();
      });
    });
  }

  preview(stack: string, onOutput: (line: string) => void) {
    return this.call("preview", stack, onOutput);
  }
  up(stack: string, onOutput: (line: string) => void) {
    return this.call("up", stack, onOutput);
  }
  destroy(stack: string, onOutput: (line: string) => void) {
    return this.call("destroy", stack, onOutput);
  }
}

/** Lets pending promise callbacks and immediates run until `condition` holds (bounded). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stack(name: string, environment: string, critical = false): FleetStack {
  return {
    name,
    environment,
    useCase: name.slice(0, name.length - environment.length - 1),
    critical,
    criticalReason: critical ? "test" : "not protected",
  };
}

function fakePrompt(interactive: boolean, answer = ""): Prompt & { questions: string[] } {
  const questions: string[] = [];
  return {
    interactive,
    questions,
    ask: (question) => {
      questions.push(question);
      return Promise.resolve(answer);
    },
  };
}

interface Harness {
  deps: FleetDeps;
  out: string[];
  err: string[];
  runner: FakeRunner;
  prompt: ReturnType<typeof fakePrompt>;
  text(): string;
}

function harness(
  rootDir: string,
  options: {
    runner?: FakeRunner;
    prompt?: ReturnType<typeof fakePrompt>;
    env?: NodeJS.ProcessEnv;
    logDir?: string;
  } = {},
): Harness {
  const runner = options.runner ?? new FakeRunner();
  const prompt = options.prompt ?? fakePrompt(false);
  let tick = Date.UTC(2025, 0, 2, 3, 4, 5);
  const { d, out, err } = recordingDeps(rootDir, {
    env: options.env ?? {},
    prompt,
    runner: () => runner,
    now: () => new Date((tick += 1000)),
    logDir: options.logDir ?? null,
  });
  return { out, err, runner, prompt, text: () => [...out, ...err].join("\n"), deps: d };
}

/** dev, staging and prod stacks of two use cases, with critical markers set in different ways. */
function fleetProject(): string {
  return tempProject({
    environments: {
      dev: envLayer("dev"),
      staging: { ...envLayer("staging"), critical: true },
      prod: envLayer("prod"),
    },
    stacks: {
      "legal-ai-dev": stackValues("legal-ai", "dev", 1),
      "healthcare-dev": stackValues("healthcare", "dev", 2),
      "legal-ai-staging": { ...stackValues("legal-ai", "staging", 1), critical: false },
      "healthcare-staging": stackValues("healthcare", "staging", 2),
      "legal-ai-prod": stackValues("legal-ai", "prod", 1),
      "healthcare-prod": { ...stackValues("healthcare", "prod", 2), protect: false },
    },
  });
}

// ---------------------------------------------------------------------------------------------

describe("selection", () => {
  test("the repo's stacks: environment and use case from each file; prod is critical through protect", () => {
    const fleet = readFleet(REPO);
    expect(fleet.map((s) => [s.name, s.environment, s.useCase, s.critical])).toEqual([
      ["accounting-analytics-dev", "dev", "accounting-analytics", false],
      ["accounting-analytics-prod", "prod", "accounting-analytics", true],
      ["healthcare-dev", "dev", "healthcare", false],
      ["healthcare-prod", "prod", "healthcare", true],
      ["legal-ai-dev", "dev", "legal-ai", false],
      ["legal-ai-prod", "prod", "legal-ai", true],
      ["rancher-prod", "prod", "rancher", true],
    ]);
  });

  test.each([
    [
      "critical in the stack file wins",
      "prod",
      { critical: false, protect: true },
      { critical: true },
      false,
    ],
    ["critical in the environment layer", "dev", {}, { critical: true }, true],
    [
      "protect in the stack file when critical is unset",
      "prod",
      { protect: false },
      { protect: true },
      false,
    ],
    ["protect in the environment layer", "dev", {}, { protect: true }, true],
    ["prod by default", "prod", {}, {}, true],
    ["any other environment is not critical by default", "staging", {}, {}, false],
  ])("criticalOf: %s", (_name, environment, own, layer, expected) => {
    expect(criticalOf(environment, own, layer).critical).toBe(expected);
  });

  test("markers in a project: environment layer, stack file and protect", () => {
    const byName = Object.fromEntries(readFleet(fleetProject()).map((s) => [s.name, s]));
    expect(byName["legal-ai-staging"]).toMatchObject({
      critical: false,
      criticalReason: expect.stringContaining("stack file"),
    });
    expect(byName["healthcare-staging"]).toMatchObject({
      critical: true,
      criticalReason: expect.stringContaining("environment layer"),
    });
    expect(byName["legal-ai-prod"]!.critical).toBe(true);
    expect(byName["healthcare-prod"]!.critical).toBe(false);
    expect(byName["legal-ai-dev"]!.critical).toBe(false);
  });

  const none: Selection = { environments: [], useCases: [], names: [] };

  test("by environment, by use case, by name, and all criteria together", () => {
    const fleet = readFleet(fleetProject());
    const names = (sel: Partial<typeof none>, action: Action = "up") =>
      selectStacks(fleet, { ...none, ...sel }, action).map((s) => s.name);
    expect(names({ environments: ["dev"] })).toEqual(["healthcare-dev", "legal-ai-dev"]);
    expect(names({ useCases: ["legal-ai"] })).toEqual(["legal-ai-dev", "legal-ai-staging", "legal-ai-prod"]);
    expect(names({ names: ["legal-ai-prod", "healthcare-dev"] })).toEqual([
      "healthcare-dev",
      "legal-ai-prod",
    ]);
    expect(names({ environments: ["dev", "prod"], useCases: ["healthcare"] })).toEqual([
      "healthcare-dev",
      "healthcare-prod",
    ]);
    expect(names({})).toHaveLength(6);
  });

  test("an unknown stack name is an error naming the known stacks; an empty selection is an error", () => {
    const fleet = readFleet(fleetProject());
    expect(() => selectStacks(fleet, { ...none, names: ["legal-ai-qa"] }, "up")).toThrow(
      /unknown stack legal-ai-qa; stacks\/ has: healthcare-dev, .*legal-ai-staging/,
    );
    expect(() => selectStacks(fleet, { ...none, names: ["legal-ai-qa"] }, "up")).toThrow(SelectionError);
    expect(() => selectStacks(fleet, { ...none, environments: ["qa"] }, "up")).toThrow(
      "no stack matches --env qa",
    );
  });

  test("order: dev, other environments, prod, by name within; destroy is the reverse", () => {
    const stacks = [
      stack("b-prod", "prod"),
      stack("a-prod", "prod"),
      stack("z-dev", "dev"),
      stack("a-staging", "staging"),
      stack("a-dev", "dev"),
    ];
    const up = orderFor("up", stacks).map((s) => s.name);
    expect(up).toEqual(["a-dev", "z-dev", "a-staging", "a-prod", "b-prod"]);
    expect(orderFor("preview", [...stacks].reverse()).map((s) => s.name)).toEqual(up);
    expect(orderFor("destroy", stacks).map((s) => s.name)).toEqual([...up].reverse());
  });
});

describe("runFleet", () => {
  const five = ["a-dev", "b-dev", "c-dev", "d-prod", "e-prod"].map((n) => stack(n, n.split("-")[1]!));

  test.each([1, 2, 3])("never more than %i stacks at a time, started in order", async (concurrency) => {
    const runner = new FakeRunner({ manual: true });
    const done = runFleet({ action: "up", stacks: five, runner, concurrency });
    let settled = 0;
    while (settled < five.length) {
      const expectedActive = Math.min(concurrency, five.length - settled);
      await until(() => runner.active === expectedActive, `${expectedActive} running`);
      // Give the pool every chance to over-start before checking.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(runner.active).toBe(expectedActive);
      // Finish the oldest running stack.
      const oldest = runner.calls.map((c) => c.stack).find((s) => runner.pending.has(s))!;
      const deferred = runner.pending.get(oldest)!;
      runner.pending.delete(oldest);
      deferred.resolve();
      settled++;
    }
    const results = await done;
    expect(runner.maxActive).toBe(concurrency);
    expect(runner.calls.map((c) => c.stack)).toEqual(five.map((s) => s.name));
    expect(results.map((r) => [r.stack, r.status])).toEqual(five.map((s) => [s.name, "succeeded"]));
  });

  test("a failure does not stop the others; results keep the order; the error's first line is kept", async () => {
    const runner = new FakeRunner({
      failing: {
        "b-dev":
          "code: 255\n stdout: Previewing update (b-dev):\n  error: Invalid configuration for stack b-dev (1 problem)\n stderr: error: update failed\n err?: \n",
      },
    });
    const events: FleetEvent[] = [];
    const results = await runFleet({
      action: "up",
      stacks: five,
      runner,
      concurrency: 2,
      onEvent: (e) => events.push(e),
    });
    expect(results.map((r) => r.status)).toEqual([
      "succeeded",
      "failed",
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    expect(results[1]!.error).toBe("Invalid configuration for stack b-dev (1 problem)");
    expect(results[1]!.changes).toBeNull();
    expect(results[0]!.changes).toEqual({ create: 3, same: 1 });
    expect(anyFailed(results)).toBe(true);
    expect(runner.calls).toHaveLength(5);
    expect(events.filter((e) => e.kind === "started")).toHaveLength(5);
    expect(events.filter((e) => e.kind === "finished")).toHaveLength(5);
  });

  test("concurrency must be a positive integer", async () => {
    await expect(
      runFleet({ action: "up", stacks: five, runner: new FakeRunner(), concurrency: 0 }),
    ).rejects.toThrow(RangeError);
  });
});

describe("text helpers", () => {
  test("firstErrorLine", () => {
    expect(firstErrorLine(new Error("plain failure\nmore"))).toBe("plain failure");
    expect(firstErrorLine(new Error("code: 255\n stdout: \n stderr: error: update failed\n err?: \n"))).toBe(
      "update failed",
    );
    expect(firstErrorLine("x".repeat(300))).toHaveLength(160);
  });

  test("formatChanges and formatDuration", () => {
    expect(formatChanges({ create: 12, update: 1, same: 3, delete: 0 })).toBe("+12 ~1 =3");
    expect(formatChanges({ replace: 2, delete: 1, read: 4 })).toBe("+-2 -1 read 4");
    expect(formatChanges({})).toBe("no changes");
    expect(formatChanges(null)).toBe("");
    expect([450, 42_000, 185_000, 3_720_000].map(formatDuration)).toEqual(["450ms", "42s", "3m05s", "1h02m"]);
  });

  test("redactSecrets replaces secret environment values", () => {
    const env = { XOA_PASSWORD: "hunter22", RANCHER_TOKEN_KEY: "token-abc:xyz", XOA_URL: "wss://xo" };
    expect(redactSecrets("pw hunter22, token-abc:xyz at wss://xo", env)).toBe(
      "pw [secret], [secret] at wss://xo",
    );
  });

  test("renderTable pads columns", () => {
    expect(
      renderTable(
        ["a", "bb"],
        [
          ["xxx", "y"],
          ["z", ""],
        ],
      ),
    ).toBe("a    bb\n---  --\nxxx  y\nz");
  });

  test("lineSplitter joins chunks into lines", () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push("Previewing upd");
    split.push("ate\r\n  + create\nlast");
    split.flush();
    expect(lines).toEqual(["Previewing update", "  + create", "last"]);
  });

  test("summary table", () => {
    const table = summaryTable([
      {
        stack: "a-dev",
        action: "up",
        status: "succeeded",
        changes: { create: 2 },
        durationMs: 65_000,
        error: null,
      },
      { stack: "b-dev", action: "up", status: "failed", changes: null, durationMs: 3_000, error: "boom" },
    ]);
    expect(table.split("\n")).toEqual([
      "stack  action  result     changes  duration  error",
      "-----  ------  ---------  -------  --------  -----",
      "a-dev  up      succeeded  +2       1m05s",
      "b-dev  up      failed              3s        boom",
    ]);
  });
});

describe("confirm", () => {
  test("--yes skips the question; no terminal refuses; y/yes accepts; anything else refuses", async () => {
    const asked = fakePrompt(true, "y");
    expect(await confirm("Go?", true, asked)).toEqual({ ok: true });
    expect(asked.questions).toEqual([]);
    expect(await confirm("Go?", false, fakePrompt(false, "y"))).toMatchObject({
      ok: false,
      reason: /not a terminal/,
    });
    expect(await confirm("Go?", false, fakePrompt(true, " YES "))).toEqual({ ok: true });
    expect(await confirm("Go?", false, fakePrompt(true, ""))).toMatchObject({ ok: false });
    expect(await confirm("Go?", false, fakePrompt(true, "no"))).toMatchObject({ ok: false });
  });
});

describe("fleet CLI: preview, up, destroy", () => {
  test("up --env dev runs the dev stacks, prints progress and the summary, keeps each stack's output", async () => {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-logs-"));
    // A shared folder as a careless setup leaves it; the run must not inherit it.
    fs.chmodSync(logDir, 0o755);
    const umask = process.umask(0o022);
    try {
      const h = harness(fleetProject(), {
        runner: new FakeRunner({ output: ["Updating (x)", "  + 3 to create"] }),
        logDir,
      });
      expect(await main(["up", "--env", "dev", "--yes"], h.deps)).toBe(0);
      expect(h.runner.calls).toEqual([
        { action: "preview", stack: "healthcare-dev" },
        { action: "preview", stack: "legal-ai-dev" },
        { action: "up", stack: "healthcare-dev" },
        { action: "up", stack: "legal-ai-dev" },
      ]);
      const text = h.text();
      expect(text).toContain("fleet up: 2 stacks (healthcare-dev, legal-ai-dev), 2 at a time");
      expect(text).toMatch(/\d\d:\d\d:\d\d ▶ healthcare-dev: up started/);
      expect(text).toMatch(/✔ legal-ai-dev: up succeeded in \d+s \(\+3 =1\)/);
      expect(text).toMatch(/stack +action +result +changes +duration +error/);
      expect(text).toMatch(/legal-ai-dev +up +succeeded +\+3 =1/);
      expect(text).toContain("2 succeeded, 0 failed.");
      expect(text).not.toContain("+ 3 to create"); // not streamed without --verbose
      const [run] = fs.readdirSync(logDir);
      expect(fs.readFileSync(path.join(logDir, run!, "legal-ai-dev.log"), "utf8")).toBe(
        "Updating (x)\n  + 3 to create\n",
      );
      // The preview that ran first keeps its own log beside up's.
      expect(fs.readFileSync(path.join(logDir, run!, "legal-ai-dev.preview.log"), "utf8")).toBe(
        "Updating (x)\n  + 3 to create\n",
      );
      // Issue 14 finding 11: only the operator reads the logs, whatever the umask.
      expect(fs.statSync(path.join(logDir, run!)).mode & 0o777).toBe(0o700);
      expect(fs.statSync(logDir).mode & 0o777).toBe(0o700);
      for (const log of fs.readdirSync(path.join(logDir, run!))) {
        expect([log, fs.statSync(path.join(logDir, run!, log)).mode & 0o777]).toEqual([log, 0o600]);
      }
    } finally {
      process.umask(umask);
      fs.rmSync(logDir, { recursive: true, force: true });
    }
  });

  test("one failed stack: the others run, the summary shows the error, the exit is 1", async () => {
    const h = harness(fleetProject(), {
      runner: new FakeRunner({ failing: { "healthcare-dev": "error: XO said no" } }),
    });
    expect(await main(["preview", "--env", "dev", "--concurrency", "1"], h.deps)).toBe(1);
    expect(h.runner.calls.map((c) => c.stack)).toEqual(["healthcare-dev", "legal-ai-dev"]);
    expect(h.text()).toMatch(/healthcare-dev +preview +failed +\S+ +XO said no/);
    expect(h.text()).toContain("1 succeeded, 1 failed.");
  });

  test("preview without a selection covers every stack; up and destroy need one", async () => {
    const h = harness(fleetProject());
    expect(await main(["preview"], h.deps)).toBe(0);
    expect(h.runner.calls).toHaveLength(6);
    for (const action of ["up", "destroy"]) {
      const again = harness(fleetProject());
      expect(await main([action], again.deps)).toBe(2);
      expect(again.text()).toContain(`${action} needs a stack name, --stack, --env, --use-case or --all`);
      expect(again.text()).toContain(`Usage: fleet ${action} [options] [stacks...]`);
      expect(again.runner.calls).toEqual([]);
    }
  });

  test("an unknown stack is an error before anything runs", async () => {
    const h = harness(fleetProject());
    expect(await main(["up", "--stack", "legal-ai-dev", "--stack", "nope-dev"], h.deps)).toBe(1);
    expect(h.text()).toContain("unknown stack nope-dev");
    expect(h.runner.calls).toEqual([]);
  });

  test.each([
    [["up", "--all", "--concurrency", "0"], "must be a whole number from 1 to 32", "up"],
    [["up", "--all", "--concurrency", "two"], "must be a whole number from 1 to 32", "up"],
    [["up", "--all", "--colour"], "unknown option '--colour'", "up"],
    [["launch"], "unknown command 'launch'", null],
    [[], "Usage: fleet [options] [command]", null],
    // Issue 12: an option of another command is refused with this command's usage.
    [["doctor", "legal-ai-dev", "--concurrency", "5"], "unknown option '--concurrency'", "doctor"],
    [["doctor", "legal-ai-dev", "--al"], "unknown option '--al'", "doctor"],
    [["snapshot", "legal-ai-dev", "--deployed"], "unknown option '--deployed'", "snapshot"],
    [["preview", "--confirm-critical", "legal-ai-prod"], "unknown option '--confirm-critical'", "preview"],
    [["destroy", "--all", "--skip-preview"], "unknown option '--skip-preview'", "destroy"],
    [["up", "--all", "--stack", "legal-ai-dev"], "--all cannot be combined with a selection", "up"],
    [["up", "legal-ai-dev", "--skip-preview"], "--skip-preview needs --yes", "up"],
    [["doctor"], "missing required argument 'stack'", "doctor"],
    [["up", "legal-ai-dev", "--yes", "--confirm-critical", "legal-ai-dev"], "not a critical stack", "up"],
  ])("usage error %j", async (argv, message, command) => {
    const h = harness(fleetProject());
    expect(await main(argv, h.deps)).toBe(2);
    expect(h.err.join("\n")).toContain(message);
    expect(h.err.join("\n")).toContain(
      command === null ? "Usage: fleet [options] [command]" : `Usage: fleet ${command} [options]`,
    );
    expect(h.runner.calls).toEqual([]);
  });

  test("repeatable selectors and positional stack names select together", async () => {
    const h = harness(fleetProject());
    expect(await main(["preview", "legal-ai-dev", "--stack", "healthcare-dev", "--env", "dev"], h.deps)).toBe(
      0,
    );
    expect(h.runner.calls.map((c) => c.stack)).toEqual(["healthcare-dev", "legal-ai-dev"]);
    const uc = harness(fleetProject());
    expect(await main(["preview", "--env", "dev", "--env", "prod", "--use-case", "legal-ai"], uc.deps)).toBe(
      0,
    );
    expect(uc.runner.calls.map((c) => c.stack)).toEqual(["legal-ai-dev", "legal-ai-prod"]);
  });

  test("--help and --version answer with exit 0 and run nothing", async () => {
    const help = harness(fleetProject());
    expect(await main(["up", "--help"], help.deps)).toBe(0);
    expect(help.out.join("\n")).toContain("Usage: fleet up [options] [stacks...]");
    expect(help.out.join("\n")).toContain("--confirm-critical <stack>");
    expect(help.out.join("\n")).not.toContain("--deployed");
    const version = harness(fleetProject());
    version.deps.version = "9.8.7";
    expect(await main(["--version"], version.deps)).toBe(0);
    expect(version.out).toEqual(["9.8.7"]);
    expect(version.runner.calls).toEqual([]);
  });

  test("destroy refuses a selection with a critical stack: nothing is destroyed, not even the others", async () => {
    const h = harness(fleetProject(), { prompt: fakePrompt(true, "y") });
    expect(await main(["destroy", "--use-case", "legal-ai", "--yes"], h.deps)).toBe(1);
    expect(h.runner.calls).toEqual([]);
    expect(h.prompt.questions).toEqual([]);
    const text = h.text();
    expect(text).toContain("refusing to destroy critical stack; nothing was destroyed");
    expect(text).toContain("legal-ai-prod: cluster-orchestrator:protect: true (environment layer)");
    expect(text).not.toContain("legal-ai-staging:"); // critical: false in its stack file
  });

  test("destroy asks on a terminal and runs in reverse order after y", async () => {
    const h = harness(fleetProject(), { prompt: fakePrompt(true, "y") });
    expect(
      await main(
        ["destroy", "--stack", "legal-ai-dev", "--stack", "legal-ai-staging", "--stack", "healthcare-prod"],
        h.deps,
      ),
    ).toBe(0);
    expect(h.prompt.questions).toEqual(["Destroy these stacks? [y/N] "]);
    expect(h.runner.calls).toEqual([
      { action: "destroy", stack: "healthcare-prod" },
      { action: "destroy", stack: "legal-ai-staging" },
      { action: "destroy", stack: "legal-ai-dev" },
    ]);
    expect(h.err.join("\n")).toContain("About to destroy 3 stacks");
  });

  test("destroy: an answer other than y, or no terminal without --yes, changes nothing", async () => {
    const no = harness(fleetProject(), { prompt: fakePrompt(true, "n") });
    expect(await main(["destroy", "--stack", "legal-ai-dev"], no.deps)).toBe(1);
    expect(no.prompt.questions).toEqual(["Destroy legal-ai-dev? [y/N] "]);
    expect(no.text()).toContain("destroy refused: not confirmed");
    expect(no.runner.calls).toEqual([]);

    const ci = harness(fleetProject(), { prompt: fakePrompt(false, "y") });
    expect(await main(["destroy", "--stack", "legal-ai-dev"], ci.deps)).toBe(1);
    expect(ci.prompt.questions).toEqual([]);
    expect(ci.text()).toContain("stdin is not a terminal and --yes was not given");
    expect(ci.runner.calls).toEqual([]);

    const yes = harness(fleetProject(), { prompt: fakePrompt(false) });
    expect(await main(["destroy", "--env", "dev", "--yes"], yes.deps)).toBe(0);
    expect(yes.runner.calls.map((c) => c.stack)).toEqual(["legal-ai-dev", "healthcare-dev"]);
  });

  test("a plain ws:// XOA_URL or http:// RANCHER_URL is refused unless explicitly allowed", async () => {
    for (const [env, named] of [
      [{ XOA_URL: "ws://xo.lab:80", XOA_TOKEN: "t0ken-value" }, "XOA_URL (use wss://)"],
      [{ XOA_URL: "http://xo.lab", XOA_TOKEN: "t0ken-value" }, "XOA_URL (use wss://)"],
      [{ XOA_URL: "wss://xo.lab", RANCHER_URL: "http://rancher.lab" }, "RANCHER_URL (use https://)"],
    ] as const) {
      const h = harness(fleetProject(), { env });
      expect(await main(["up", "--stack", "legal-ai-dev", "--yes"], h.deps)).toBe(1);
      expect(h.runner.calls).toEqual([]);
      expect(h.text()).toContain(`${named} would send credentials unencrypted`);
      expect(h.text()).toContain("FLEET_ALLOW_PLAINTEXT=true");
    }
    const allowed = harness(fleetProject(), {
      env: { XOA_URL: "ws://xo.lab:80", XOA_TOKEN: "t0ken-value", FLEET_ALLOW_PLAINTEXT: "true" },
    });
    expect(await main(["up", "--stack", "legal-ai-dev", "--yes"], allowed.deps)).toBe(0);
    const secure = harness(fleetProject(), {
      env: { XOA_URL: "wss://xo.lab", RANCHER_URL: "https://r.lab" },
    });
    expect(await main(["preview", "--stack", "legal-ai-dev"], secure.deps)).toBe(0);
  });

  test("redaction by value (AWS keys, the passphrase file's content) and by name (RKE2 token lines)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-pass-"));
    const passphraseFile = path.join(dir, "passphrase");
    fs.writeFileSync(passphraseFile, "correct horse battery\n");
    const token = `K10${"ab".repeat(32)}::server:0123456789abcdef`;
    try {
      const h = harness(fleetProject(), {
        runner: new FakeRunner({
          output: [
            "backend key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY session FwoGZXIvYXdzEXAMPLE",
            "passphrase was correct horse battery",
            "token: plain-short-token-1",
            "  agent-token: 'agent-secret-value'",
            `RKE2_TOKEN=${token}`,
            `joined with ${token} ok`,
            '{"rancherToken": "token-abcde:verylongsecret"}',
            "tokens: 3 created; nothing secret here",
            "rke2 server --token flag-secret-value --debug",
          ],
        }),
        env: {
          AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          AWS_SESSION_TOKEN: "FwoGZXIvYXdzEXAMPLE",
          PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
        },
      });
      expect(await main(["up", "--stack", "legal-ai-dev", "--verbose", "--yes"], h.deps)).toBe(0);
      const text = h.text();
      for (const secret of [
        "wJalrXUtnFEMI",
        "FwoGZXIvYXdz",
        "correct horse",
        "plain-short-token-1",
        "agent-secret-value",
        "0123456789abcdef",
        "verylongsecret",
        "flag-secret-value",
      ]) {
        expect([secret, text.includes(secret)]).toEqual([secret, false]);
      }
      expect(text).toContain("legal-ai-dev | backend key [secret] session [secret]");
      expect(text).toContain("legal-ai-dev | token: [secret]");
      expect(text).toContain("legal-ai-dev | joined with [secret] ok");
      expect(text).toContain("legal-ai-dev | tokens: 3 created; nothing secret here");
      expect(text).toContain("legal-ai-dev | rke2 server --token [secret] --debug");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("secrets from the environment never reach the output", async () => {
    const h = harness(fleetProject(), {
      runner: new FakeRunner({
        output: ["connecting with hunter2-password"],
        failing: { "legal-ai-dev": "auth hunter2-password rejected" },
      }),
      env: { XOA_PASSWORD: "hunter2-password" },
    });
    expect(
      await main(["up", "--stack", "legal-ai-dev", "--verbose", "--yes", "--skip-preview"], h.deps),
    ).toBe(1);
    expect(h.text()).toContain("legal-ai-dev | connecting with [secret]");
    expect(h.text()).toContain("auth [secret] rejected");
    expect(h.text()).not.toContain("hunter2");
  });
});
