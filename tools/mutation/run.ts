/**
 * `npm run mutation -- <area> [--group <name>] [--files <glob>] [--incremental] [--concurrency N]`:
 * StrykerJS over one area (tools/mutation/areas.ts), one run per group of the area, each with its
 * own test files, per-test coverage and the error-message ignorer. Reports go to
 * reports/mutation/<area>/<group>/ (index.html, mutation.json); `npm run mutation:report -- <area>`
 * sums them. Not part of `.ci/run`: a weekly workflow runs every area (docs/testing.md).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../../components/config/root";
import { AREAS, areaFiles, matchesGlob, type GroupFiles } from "./areas";

const USAGE =
  "usage: npm run mutation -- <area> [--group <name>] [--files <glob>] [--incremental] [--concurrency N]";

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}\nareas: ${Object.keys(AREAS).join(", ")}`);
  process.exit(2);
}

interface Options {
  group?: string;
  files?: string;
  incremental: boolean;
  concurrency: number;
}

function options(args: string[]): Options {
  // One jest process per core: two on this project's CI machine, four on a GitHub-hosted runner.
  const found: Options = { incremental: false, concurrency: os.availableParallelism() };
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === "--group" && value !== undefined) [found.group, i] = [value, i + 1];
    else if (args[i] === "--files" && value !== undefined) [found.files, i] = [value, i + 1];
    else if (args[i] === "--incremental") found.incremental = true;
    else if (args[i] === "--concurrency" && /^[1-9]$/.test(value ?? ""))
      [found.concurrency, i] = [Number(value), i + 1];
    else usage(`unknown or incomplete option "${args[i]}"`);
  }
  return found;
}

/** Stryker's configuration for one group (https://stryker-mutator.io/docs/stryker-js/configuration/). */
function strykerConfig(out: string, group: GroupFiles, mutate: string[], opts: Options) {
  return {
    testRunner: "jest",
    plugins: ["@stryker-mutator/jest-runner", path.join(PROJECT_ROOT, "tools/mutation/ignoreMessages.mjs")],
    ignorers: ["error-messages"],
    coverageAnalysis: "perTest",
    mutate,
    jest: {
      configFile: "jest.config.js",
      config: { testMatch: group.tests.map((t) => `<rootDir>/${t}`) },
      enableFindRelatedTests: false,
    },
    concurrency: opts.concurrency,
    // Beyond Stryker's 5 s: on a busy 2-core machine a slow test file would otherwise count as a
    // "timed out" (detected) mutant that no test caught. A real endless loop still times out.
    timeoutMS: 20000,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `${out}/index.html` },
    jsonReporter: { fileName: `${out}/mutation.json` },
    incremental: opts.incremental,
    incrementalFile: `${out}/incremental.json`,
    thresholds: { high: 90, low: 85, break: null },
    ignorePatterns: ["reports", ".engine", "out", "coverage"],
    cleanTempDir: "always",
  };
}

function main(argv: string[]): number {
  const [areaName, ...rest] = argv;
  if (areaName === undefined) usage("no area given");
  const area = AREAS[areaName];
  if (area === undefined) usage(`unknown area "${areaName}"`);
  const opts = options(rest);
  const groups = areaFiles(PROJECT_ROOT, area).filter(
    (g) => opts.group === undefined || g.name === opts.group,
  );
  if (groups.length === 0) usage(`area ${areaName} has no group "${opts.group}"`);
  const stryker = path.join(PROJECT_ROOT, "node_modules", ".bin", "stryker");
  let status = 0;
  for (const group of groups) {
    const mutate =
      opts.files === undefined ? group.mutate : group.mutate.filter((f) => matchesGlob(f, opts.files!));
    if (mutate.length === 0) continue;
    const out = path.join("reports", "mutation", areaName, group.name);
    fs.mkdirSync(path.join(PROJECT_ROOT, out), { recursive: true });
    const configFile = path.join(out, "stryker.config.json");
    const config = strykerConfig(out, group, mutate, opts);
    fs.writeFileSync(path.join(PROJECT_ROOT, configFile), `${JSON.stringify(config, null, 2)}\n`);
    console.log(`mutation ${areaName}/${group.name}: ${mutate.length} files, ${group.tests.join(" ")}`);
    const result = spawnSync(stryker, ["run", configFile], { cwd: PROJECT_ROOT, stdio: "inherit" });
    status = status || (result.status ?? 1);
  }
  if (opts.files !== undefined && status === 0) console.log(`(only files matching ${opts.files})`);
  return status;
}

process.exit(main(process.argv.slice(2)));
