/**
 * Issue 15: fleet's small helpers at their boundaries — durations at each unit change, change
 * counts (zero and unknown operations), the error line a summary shows, planned steps, the
 * colour switch, and the --concurrency bounds. The expected values are written out by hand.
 */
import { main } from "../fleet/cli";
import { colour, colourEnabled } from "../fleet/colour";
import { anyFailed, runFleet, type StackResult, type StackRunner } from "../fleet/run";
import { doneVerb, nameOfUrn, plannedSteps, runningVerb } from "../fleet/steps";
import { firstErrorLine, formatChanges, formatDuration } from "../fleet/text";
import { recordingDeps } from "./helpers/fleetDeps";

describe("formatDuration at each unit boundary", () => {
  test.each<[number, string]>([
    [-5, "0ms"],
    [0, "0ms"],
    [999.4, "999ms"],
    [1000, "1s"],
    [1499, "1s"],
    [1500, "2s"],
    [59_499, "59s"],
    [59_500, "1m00s"],
    [61_000, "1m01s"],
    [600_000, "10m00s"],
    [3_599_499, "59m59s"],
    [3_599_500, "1h00m"],
    [3_660_000, "1h01m"],
    [36_000_000, "10h00m"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatChanges", () => {
  test.each<[Partial<Record<string, number>> | null, string]>([
    [null, ""],
    [{}, "no changes"],
    [{ create: 0, same: 0 }, "no changes"],
    [{ same: 4, delete: 1, replace: 2, update: 3, create: 5 }, "+5 ~3 +-2 -1 =4"],
    [{ read: 2, import: 1, create: 1 }, "+1 import 1 read 2"],
    [{ read: 0, refresh: undefined }, "no changes"],
  ])("%j -> %j", (changes, text) => {
    expect(formatChanges(changes)).toBe(text);
  });
});

describe("firstErrorLine", () => {
  test.each<[unknown, string]>([
    [new Error("\n\n  first real line  \nsecond"), "first real line"],
    [new Error("x\nerror: the specific one\nerror: update failed"), "the specific one"],
    // Only generic errors: the first of them.
    [new Error("code: 255\nstderr: error: update failed\nerror: preview failed."), "update failed"],
    // The generic pattern is anchored: a specific message that merely contains it is specific.
    [new Error("error: preview failed.\nerror: the update failed for vm1"), "the update failed for vm1"],
    [new Error("error: Update Failed\nerror: XO 500"), "XO 500"],
    // `error:` must begin the line or follow a space.
    [new Error("noerror: not this\nreal"), "noerror: not this"],
    [new Error("Error:   \nsecond"), "Error:"],
    // Without an error line: the first line that is not one of CommandError's labels.
    [new Error("code: -2\nstdout:\nstderr: \nerr?:\nthe cause"), "the cause"],
    [new Error("code: 1 extra"), "code: 1 extra"],
    [new Error(""), "Error"],
    [Object.assign(new Error(""), { name: "XoError" }), "XoError"],
    ["a string\nthrown", "a string"],
    ["", "unknown error"],
  ])("%p -> %j", (error, line) => {
    expect(firstErrorLine(error)).toBe(line);
  });

  test("cut to the limit with an ellipsis, not before", () => {
    expect(firstErrorLine("y".repeat(160))).toBe("y".repeat(160));
    expect(firstErrorLine("y".repeat(161))).toBe(`${"y".repeat(159)}…`);
    expect(firstErrorLine("abcdef", 5)).toBe("abcd…");
    expect(firstErrorLine("abcde", 5)).toBe("abcde");
  });
});

describe("steps", () => {
  test("planned steps: the sum of the counts, null when nothing or unknown", () => {
    expect(plannedSteps(null)).toBeNull();
    expect(plannedSteps({})).toBeNull();
    expect(plannedSteps({ same: 0 })).toBeNull();
    expect(plannedSteps({ same: 3, create: 2, update: undefined })).toBe(5);
    expect(plannedSteps({ same: 1 })).toBe(1);
  });

  test("verbs for every operation Pulumi reports; an unknown one is shown as is", () => {
    const ops = ["same", "create", "update", "delete", "replace", "create-replacement", "delete-replaced"];
    expect(ops.map(doneVerb)).toEqual([
      "unchanged",
      "created",
      "updated",
      "deleted",
      "replaced",
      "created replacement",
      "deleted replaced",
    ]);
    expect(["read", "refresh", "import", "discard"].map(doneVerb)).toEqual([
      "read",
      "refreshed",
      "imported",
      "discard",
    ]);
    expect(ops.map(runningVerb)).toEqual([
      "checking",
      "creating",
      "updating",
      "deleting",
      "replacing",
      "creating replacement",
      "deleting replaced",
    ]);
    expect(["read", "refresh", "import", "discard"].map(runningVerb)).toEqual([
      "reading",
      "refreshing",
      "importing",
      "discard",
    ]);
  });

  test("a URN's resource name is its last :: segment", () => {
    expect(nameOfUrn("urn:pulumi:dev::cluster-orchestrator::xenorchestra:index/vm:Vm::c1-server1")).toBe(
      "c1-server1",
    );
    expect(nameOfUrn("plain")).toBe("plain");
  });
});

describe("colour", () => {
  test.each<[NodeJS.ProcessEnv, boolean, boolean]>([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true],
    [{ TERM: "dumb" }, true, false],
    [{ TERM: "xterm-256color" }, true, true],
  ])("%j, terminal %s -> %s", (env, tty, enabled) => {
    expect(colourEnabled(env, tty)).toBe(enabled);
  });

  test("SGR codes on, plain text off", () => {
    const on = colour(true);
    expect([on.ok("a"), on.fail("b"), on.warn("c"), on.dim("d"), on.bold("e")]).toEqual([
      "\x1b[32ma\x1b[39m",
      "\x1b[31mb\x1b[39m",
      "\x1b[33mc\x1b[39m",
      "\x1b[2md\x1b[22m",
      "\x1b[1me\x1b[22m",
    ]);
    const off = colour(false);
    expect([off.ok("a"), off.fail("b"), off.warn("c"), off.dim("d"), off.bold("e")]).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
    ]);
  });
});

describe("run bounds", () => {
  const result = (status: StackResult["status"]): StackResult => ({
    stack: "s",
    action: "up",
    status,
    changes: null,
    durationMs: 0,
    error: null,
  });

  test("anyFailed: one failure is enough; none or no results is not", () => {
    expect(anyFailed([result("succeeded"), result("failed")])).toBe(true);
    expect(anyFailed([result("succeeded")])).toBe(false);
    expect(anyFailed([])).toBe(false);
  });

  test("runFleet: concurrency must be a whole number of at least 1; 1 is accepted", async () => {
    const runner: StackRunner = {
      preview: () => Promise.resolve({ changes: {} }),
      up: () => Promise.resolve({ changes: {} }),
      destroy: () => Promise.resolve({ changes: {} }),
    };
    const stacks = [{ name: "a", environment: "dev", useCase: "a", critical: false, criticalReason: "" }];
    for (const concurrency of [0, -1, 1.5, Number.NaN]) {
      await expect(runFleet({ action: "up", stacks, runner, concurrency })).rejects.toThrow(RangeError);
    }
    expect(await runFleet({ action: "up", stacks, runner, concurrency: 1 })).toHaveLength(1);
    // No stacks: nothing to do, not an error.
    expect(await runFleet({ action: "up", stacks: [], runner, concurrency: 1 })).toEqual([]);
  });

  test.each<[string, number]>([
    ["1", 0],
    ["32", 0],
    ["33", 2],
    ["0", 2],
    ["2.5", 2],
    ["-1", 2],
    ["1e1", 2],
    [" 2", 2],
  ])("--concurrency %j -> exit %i", async (value, code) => {
    const { d: deps } = recordingDeps(`${__dirname}/..`);
    expect(await main(["preview", "legal-ai-dev", "--concurrency", value], deps)).toBe(code);
  });
});
