/**
 * Issue 15: the progress view with a fake terminal — what a line of the live block shows (failed
 * count only when there are failures, the operation in flight), cutting a line to the width
 * without breaking colour codes, plain lines off a terminal (failed steps too, unknown stacks
 * ignored), and the block erased exactly as many rows as were drawn.
 */
import { colour } from "../fleet/colour";
import { progressLine, ProgressView, type StackProgress } from "../fleet/progress";

const base: StackProgress = {
  stack: "s1",
  action: "up",
  startedAt: 1_000,
  planned: 4,
  done: 1,
  failed: 0,
  current: null,
};

describe("progressLine", () => {
  test("counter, elapsed time; failures and the current operation only when there are some", () => {
    const plain = colour(false);
    expect(progressLine(base, 3_000, plain)).toBe("  s1  up  [1/4]  2s");
    expect(progressLine({ ...base, failed: 2, current: "creating vm1" }, 3_000, plain)).toBe(
      "  s1  up  [1/4] 2 failed  2s  creating vm1",
    );
    expect(progressLine({ ...base, planned: null }, 1_500, colour(true))).toBe("  s1  up  [1]  500ms");
    expect(progressLine({ ...base, failed: 1, current: "x" }, 1_000, colour(true))).toBe(
      "  s1  up  [1/4]\x1b[31m 1 failed\x1b[39m  0ms  \x1b[2mx\x1b[22m",
    );
  });
});

function view(tty: boolean, columns?: number) {
  const lines: string[] = [];
  const raw: string[] = [];
  let now = 0;
  const v = new ProgressView({
    line: (t) => lines.push(t),
    raw: (t) => raw.push(t),
    tty,
    colour: colour(tty),
    now: () => now,
    clock: () => "12:00:00",
    ...(columns !== undefined ? { columns } : {}),
  });
  return { v, lines, raw, tick: (ms: number) => (now += ms) };
}

describe("ProgressView off a terminal", () => {
  test("a line per finished or failed step, none for a started one or an unknown stack; nothing raw", () => {
    const { v, lines, raw, tick } = view(false);
    v.start("s1", "up", 3);
    v.step("s1", { kind: "start", op: "create", type: "t:V", name: "vm1" });
    tick(2_000);
    v.step("s1", { kind: "done", op: "create", type: "t:V", name: "vm1" });
    v.step("s1", { kind: "failed", type: "t:V", name: "vm2" });
    v.step("other", { kind: "done", op: "create", type: "t:V", name: "vm9" });
    v.log("status");
    v.finish("s1");
    v.close();
    expect(lines).toEqual([
      "12:00:00   s1: [1/3] created vm1 (t:V), 2s",
      "12:00:00   s1: [1/3] failed vm2 (t:V), 2s",
      "status",
    ]);
    expect(raw).toEqual([]);
  });
});

describe("ProgressView on a terminal", () => {
  test("the block is drawn, erased by its own height before a status line, and cleared on close", () => {
    const { v, raw, lines } = view(true, 200);
    v.start("s1", "up", null);
    v.start("s2", "up", null);
    raw.length = 0;
    v.log("s1 finished");
    // Two rows up and clear, the status line, the block again.
    expect(raw[0]).toBe("\x1b[2F\x1b[J");
    expect(raw[1]).toBe("s1 finished\n");
    expect(raw[2]).toBe("  s1  up  [0]  0ms\n  s2  up  [0]  0ms\n");
    v.finish("s1");
    raw.length = 0;
    v.close();
    expect(raw).toEqual(["\x1b[1F\x1b[J"]);
    raw.length = 0;
    v.close();
    expect(raw).toEqual([]);
    expect(lines).toEqual([]);
  });

  test("nothing running: no block and nothing to erase", () => {
    const { v, raw } = view(true, 200);
    v.log("alone");
    expect(raw).toEqual(["alone\n"]);
  });

  test("a line is cut to the width minus one; colour codes do not count and are closed", () => {
    const { v, raw } = view(true, 22);
    v.start("a-long-stack-name", "up", null);
    expect(raw[raw.length - 1]).toBe("  a-long-stack-name  \n");
    const { v: v2, raw: raw2 } = view(true, 21);
    v2.start("s", "up", 2);
    v2.step("s", { kind: "failed", type: "t", name: "vm" });
    // "  s  up  [0/2]" is 14 visible characters; the red " 1 failed" is cut at 20.
    expect(raw2[raw2.length - 1]).toBe("  s  up  [0/2]\x1b[31m 1 fai\x1b[0m\n");
    // A minimum width of 20 on very narrow terminals.
    const { v: v3, raw: raw3 } = view(true, 5);
    v3.start("abcdefghijklmnopqrstuvwxyz", "up", null);
    expect(raw3[raw3.length - 1]).toBe("  abcdefghijklmnopqr\n");
  });
});
