/**
 * fast-check's settings for every property test (jest.config.js `setupFiles` loads this file before
 * each test file). A failing property throws fast-check's own report (counterexample, seed, path)
 * followed by the command that replays exactly that case:
 *
 *   FC_SEED=<seed> FC_PATH=<path> npx jest <test file> -t '<test name>'
 *
 * FC_SEED alone re-runs a whole property with the generator of that run; FC_NUM_RUNS changes how
 * many cases every property tries (a longer hunt: FC_NUM_RUNS=5000). Tests take their run count
 * from `runs(n)`, never a literal `numRuns`: fast-check lets an explicit per-assert option win over
 * the global one, so a literal would ignore FC_NUM_RUNS.
 * fast-check documents the global settings and replay at https://fast-check.dev/docs/configuration/
 * (user-definable values) and https://fast-check.dev/docs/tutorials/quick-start/read-test-reports/.
 */
import fc from "fast-check";

export interface PropertyEnv {
  FC_SEED?: string;
  FC_PATH?: string;
  FC_NUM_RUNS?: string;
}

export interface Replay {
  seed?: number;
  path?: string;
  numRuns?: number;
}

/** The replay settings the environment asks for; every malformed variable reported at once. */
export function replaySettings(env: PropertyEnv): Replay {
  const problems: string[] = [];
  const replay: Replay = {};
  const seed = env.FC_SEED?.trim();
  if (seed !== undefined && seed !== "") {
    // fast-check seeds are 32-bit signed integers (the report prints them as such).
    const value = /^-?\d+$/.test(seed) ? Number(seed) : NaN;
    if (Number.isSafeInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) replay.seed = value;
    else problems.push(`FC_SEED=${seed} is not a 32-bit integer (copy the seed fast-check printed)`);
  }
  const path = env.FC_PATH?.trim();
  if (path !== undefined && path !== "") {
    if (seed === undefined || seed === "") {
      problems.push("FC_PATH needs FC_SEED: a path only means something within the run of its seed");
    }
    if (/^\d+(:\d+)*$/.test(path)) replay.path = path;
    else problems.push(`FC_PATH=${path} is not a fast-check path such as 12:0:3`);
  }
  const runs = env.FC_NUM_RUNS?.trim();
  if (runs !== undefined && runs !== "") {
    if (/^\d+$/.test(runs) && Number(runs) >= 1) replay.numRuns = Number(runs);
    else problems.push(`FC_NUM_RUNS=${runs} is not a positive whole number`);
  }
  if (problems.length > 0) throw new Error(`property-test settings:\n  ${problems.join("\n  ")}`);
  return replay;
}

/** The shell command that replays a failed run (values are quoted for a POSIX shell). */
export function replayCommand(seed: number, path: string, testPath?: string, testName?: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const file = testPath === undefined ? "<test file>" : quote(testPath);
  // jest's -t (--testNamePattern) is a regular expression (https://jestjs.io/docs/cli): a name's
  // parentheses, brackets or `+` would otherwise match some other text, or no test at all.
  const pattern = testName?.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
  const name = pattern === undefined ? "" : ` -t ${quote(pattern)}`;
  return `FC_SEED=${seed} FC_PATH=${quote(path)} npx jest ${file}${name}`;
}

/** The jest test running now, when there is one (a setup file runs before jest's globals exist). */
function currentTest(): { testPath?: string; testName?: string } {
  const expectGlobal = (
    globalThis as { expect?: { getState(): { testPath?: string; currentTestName?: string } } }
  ).expect;
  const state = expectGlobal?.getState();
  const testPath = state?.testPath === undefined ? undefined : relativeToCwd(state.testPath);
  return { testPath, testName: state?.currentTestName };
}

function relativeToCwd(file: string): string {
  const cwd = `${process.cwd()}/`;
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}

/** fast-check's own report, plus the replay command; the property's error stays the cause. */
function reportWithReplay(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const message = fc.defaultReportMessage(details) ?? "property failed";
  const replay =
    details.counterexamplePath === null
      ? ""
      : `\n\nReplay: ${replayCommand(details.seed, details.counterexamplePath, currentTest().testPath, currentTest().testName)}`;
  throw new Error(`${message}${replay}`, { cause: details.errorInstance });
}

const settings = replaySettings(process.env);
fc.configureGlobal({ ...settings, reporter: reportWithReplay });

/** A property's run count: `count`, unless FC_NUM_RUNS asks for another for every property. */
export function runs(count: number): { numRuns: number } {
  return { numRuns: settings.numRuns ?? count };
}
