/**
 * The property-test plumbing (tests/helpers/properties.ts, loaded for every test file): a failed
 * property names the command that replays it, and that seed and path replay the same case.
 */
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { replayCommand, replaySettings, type PropertyEnv } from "./helpers/properties";

/** The error fc.assert throws for `property` (fails the test when it does not throw). */
function failureOf(property: fc.IProperty<[number, number]>, params: fc.Parameters<[number, number]>): Error {
  try {
    fc.assert(property, params);
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the property to fail");
}

const failing = () => fc.property(fc.integer(), fc.integer(), (a, b) => !(a > 1000 && b < -5));

test("a failed property prints fast-check's report and the command replaying this test's case", () => {
  const error = failureOf(failing(), { numRuns: 1000 });
  const report = /\{ seed: (-?\d+), path: "([\d:]+)"/.exec(error.message);
  expect(report).not.toBeNull();
  const [, seed, path] = report!;
  expect(error.message).toContain("Counterexample: [1001,-6]");
  expect(error.message).toContain(
    `Replay: FC_SEED=${seed} FC_PATH='${path}' npx jest 'tests/plan.seedReplay.test.ts' -t ` +
      `'a failed property prints fast-check'\\''s report and the command replaying this test'\\''s case'`,
  );
  // The printed seed and path replay the shrunk counterexample at once.
  const replayed = failureOf(failing(), { seed: Number(seed), path });
  expect(replayed.message).toContain("Property failed after 1 tests");
  expect(replayed.message).toContain("Counterexample: [1001,-6]");
});

test("a passing property reports nothing", () => {
  expect(() =>
    fc.assert(
      fc.property(fc.integer(), (a) => a === a),
      { numRuns: 10 },
    ),
  ).not.toThrow();
});

test("replay settings come from FC_SEED, FC_PATH and FC_NUM_RUNS; unset or blank mean none", () => {
  expect(replaySettings({})).toEqual({});
  expect(replaySettings({ FC_SEED: " ", FC_PATH: "", FC_NUM_RUNS: "" })).toEqual({});
  expect(replaySettings({ FC_SEED: "-2147483648", FC_PATH: "3:1:0", FC_NUM_RUNS: "5000" })).toEqual({
    seed: -(2 ** 31),
    path: "3:1:0",
    numRuns: 5000,
  });
  expect(replaySettings({ FC_SEED: "2147483647" })).toEqual({ seed: 2 ** 31 - 1 });
  expect(replaySettings({ FC_SEED: "0", FC_PATH: "7" })).toEqual({ seed: 0, path: "7" });
  expect(replaySettings({ FC_NUM_RUNS: "1" })).toEqual({ numRuns: 1 });
});

test.each<[string, PropertyEnv, string]>([
  ["seed not a number", { FC_SEED: "abc" }, "FC_SEED=abc is not a 32-bit integer"],
  ["seed with a fraction", { FC_SEED: "1.5" }, "FC_SEED=1.5 is not a 32-bit integer"],
  ["seed above 32 bits", { FC_SEED: "2147483648" }, "FC_SEED=2147483648 is not a 32-bit integer"],
  ["seed below 32 bits", { FC_SEED: "-2147483649" }, "FC_SEED=-2147483649 is not a 32-bit integer"],
  ["path without a seed", { FC_PATH: "1:2" }, "FC_PATH needs FC_SEED"],
  ["path not a path", { FC_SEED: "1", FC_PATH: "1:a" }, "FC_PATH=1:a is not a fast-check path"],
  ["path with an empty step", { FC_SEED: "1", FC_PATH: "1::2" }, "FC_PATH=1::2 is not a fast-check path"],
  ["zero runs", { FC_NUM_RUNS: "0" }, "FC_NUM_RUNS=0 is not a positive whole number"],
  ["negative runs", { FC_NUM_RUNS: "-3" }, "FC_NUM_RUNS=-3 is not a positive whole number"],
  ["runs not a number", { FC_NUM_RUNS: "many" }, "FC_NUM_RUNS=many is not a positive whole number"],
])("bad replay settings are refused: %s", (_, env, message) => {
  expect(() => replaySettings(env)).toThrow(message);
});

test("every bad replay setting is reported at once", () => {
  expect(() => replaySettings({ FC_SEED: "x", FC_PATH: "y", FC_NUM_RUNS: "z" })).toThrow(
    "property-test settings:\n  FC_SEED=x is not a 32-bit integer (copy the seed fast-check printed)\n" +
      "  FC_PATH=y is not a fast-check path such as 12:0:3\n  FC_NUM_RUNS=z is not a positive whole number",
  );
});

test("the replay command's -t matches the failed test's name literally (jest reads it as a regex)", () => {
  // A name with regex syntax, like capacity.test.ts's "… balanced (±1 per host)": unescaped, the
  // parentheses became a group, the pattern matched no test and the replay ran nothing.
  const name = "the estate fit (any host count) [x] + a.b? $1 ^c|d {2} \\ *";
  const command = replayCommand(3, "0", "tests/x.test.ts", name);
  const quoted = /-t '((?:[^']|'\\'')*)'$/.exec(command)![1]!.replace(/'\\''/g, "'");
  expect(new RegExp(quoted).test(name)).toBe(true);
  expect(new RegExp(quoted).test(name.replace("(", ""))).toBe(false);
});

test("the replay command quotes what a shell would otherwise split or expand", () => {
  expect(replayCommand(-5, "1:0", "tests/a b.test.ts", "it's $HOME")).toBe(
    `FC_SEED=-5 FC_PATH='1:0' npx jest 'tests/a b.test.ts' -t 'it'\\''s \\$HOME'`,
  );
  expect(replayCommand(9, "2")).toBe("FC_SEED=9 FC_PATH='2' npx jest <test file>");
});

test("every other test file takes its run counts from runs(n), so FC_NUM_RUNS reaches every property", () => {
  // fast-check lets a per-assert numRuns win over the global one (docs/development.md).
  const literal = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return literal(file);
      // This file asserts fast-check's own behaviour; the helper is where runs(n) is defined.
      const own = [__filename, path.join(__dirname, "helpers", "properties.ts")];
      if (!file.endsWith(".ts") || own.includes(file)) return [];
      return /\bnumRuns\s*:/.test(fs.readFileSync(file, "utf8")) ? [path.relative(__dirname, file)] : [];
    });
  expect(literal(__dirname)).toEqual([]);
});
