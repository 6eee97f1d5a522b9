/**
 * `npm run mutation -- <area> [--files <glob>] [--incremental] [--concurrency N]`: a StrykerJS run over one area
 * (tools/mutation/areas.ts), with the test files that load its code, per-test coverage and the
 * error-message ignorer. Reports go to reports/mutation/<area>/ (index.html, mutation.json).
 * Not part of `.ci/run`: a weekly workflow runs every area (docs/testing.md).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../components/config/root";
import { AREAS, areaFiles, matchesGlob } from "./areas";

function usage(problem: string): never {
  console.error(
    `${problem}\nusage: npm run mutation -- <area> [--files <glob>] [--incremental] [--concurrency N]`,
  );
  console.error(`areas: ${Object.keys(AREAS).join(", ")}`);
  process.exit(2);
}

function main(argv: string[]): number {
  const [areaName, ...rest] = argv;
  if (areaName === undefined) usage("no area given");
  const area = AREAS[areaName];
  if (area === undefined) usage(`unknown area "${areaName}"`);
  let files: string | undefined;
  let incremental = false;
  let concurrency = 2;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--files" && rest[i + 1] !== undefined) files = rest[++i];
    else if (rest[i] === "--incremental") incremental = true;
    else if (rest[i] === "--concurrency" && /^[1-9]$/.test(rest[i + 1] ?? ""))
      concurrency = Number(rest[++i]);
    else usage(`unknown option "${rest[i]}"`);
  }
  const found = areaFiles(PROJECT_ROOT, area);
  const mutate = files === undefined ? found.mutate : found.mutate.filter((f) => matchesGlob(f, files));
  if (mutate.length === 0) usage(`no file of area ${areaName} matches ${files ?? "its globs"}`);
  const out = path.join("reports", "mutation", areaName);
  fs.mkdirSync(path.join(PROJECT_ROOT, out), { recursive: true });
  const config = {
    testRunner: "jest",
    plugins: ["@stryker-mutator/jest-runner", path.join(PROJECT_ROOT, "tools/mutation/ignoreMessages.mjs")],
    ignorers: ["error-messages"],
    coverageAnalysis: "perTest",
    mutate,
    jest: {
      configFile: "jest.config.js",
      // The area's own tests (areas.ts); each mutant then runs only the tests that cover it.
      config: { testMatch: found.tests.map((t) => `<rootDir>/${t}`) },
      enableFindRelatedTests: false,
    },
    // One jest process per core of the 2-core CI machine unless told otherwise.
    concurrency,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `${out}/index.html` },
    jsonReporter: { fileName: `${out}/mutation.json` },
    incremental,
    incrementalFile: `${out}/incremental.json`,
    thresholds: { high: 90, low: 85, break: null },
    ignorePatterns: ["reports", ".engine", "out", "coverage"],
    cleanTempDir: "always",
  };
  const configFile = path.join(out, "stryker.config.json");
  fs.writeFileSync(path.join(PROJECT_ROOT, configFile), `${JSON.stringify(config, null, 2)}\n`);
  console.log(`mutation ${areaName}: ${mutate.length} files, ${found.tests.length} test files -> ${out}/`);
  const stryker = path.join(PROJECT_ROOT, "node_modules", ".bin", "stryker");
  const result = spawnSync(stryker, ["run", configFile], { cwd: PROJECT_ROOT, stdio: "inherit" });
  return result.status ?? 1;
}

process.exit(main(process.argv.slice(2)));
