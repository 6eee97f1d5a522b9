/**
 * One measurement in a fresh process, so that its time and peak memory are its own: the parent
 * (bench/run.ts) forks this script once per measurement and reads one JSON message back.
 * Only Node built-ins are imported statically; everything else is imported inside `run()`, so the
 * module-load time is measured, and reported apart from the evaluation.
 */
import * as fs from "fs";
import type { ChangeReport } from "./changes";
import type { Recording, Source } from "./evaluate";

export type Job =
  /**
   * The program for each source in turn (several: one after another, as a fleet run would);
   * `recordTo`: write the recordings there, after timing, for the baseline and the graph.
   */
  | { kind: "program"; sources: Source[]; recordTo?: string }
  /** The raw-provider replay of the recordings the program wrote, in the same order. */
  | { kind: "baseline"; recordings: string }
  /** Change cost: the program before and after each change case (not timed). */
  | { kind: "changes"; source: Source };

export interface Measurement {
  /** Importing the modules the evaluation needs (tsx compiles our TypeScript here). */
  loadMs: number;
  /** From just before the program runs until every registration has finished. */
  evalMs: number;
  /** Resident set size once the modules are loaded. */
  rssAfterLoadMiB: number;
  /** Peak resident set size of the process (getrusage maxrss). */
  peakRssMiB: number;
  /** Resources registered (components included for the program). */
  resources: number;
}

export type WorkerResult =
  { kind: "program" | "baseline"; measurement: Measurement } | { kind: "changes"; reports: ChangeReport[] };

const MiB = 1024 * 1024;

async function run(job: Job): Promise<WorkerResult> {
  const loadStart = performance.now();
  if (job.kind === "changes") {
    const { measureChanges } = await import("./changes");
    return { kind: "changes", reports: await measureChanges(job.source) };
  }
  if (job.kind === "program") {
    const { evaluate, loadSource } = await import("./evaluate");
    // The same lazily loaded SDK modules as the baseline, so neither pays for them in its timing.
    const { sdkClasses, sdkFunctions } = await import("./baseline");
    sdkClasses();
    sdkFunctions();
    const loaded = loadedAt(loadStart);
    const start = performance.now();
    const recordings: Recording[] = [];
    for (const source of job.sources) recordings.push(await evaluate(() => loadSource(source)));
    const evalMs = performance.now() - start;
    const count = recordings.reduce((sum, r) => sum + r.resources.length, 0);
    const measurement = measure(loaded, evalMs, count);
    if (job.recordTo) fs.writeFileSync(job.recordTo, JSON.stringify(recordings));
    return { kind: "program", measurement };
  }
  const { replay, sdkClasses, sdkFunctions } = await import("./baseline");
  const classes = sdkClasses();
  sdkFunctions();
  const loaded = loadedAt(loadStart);
  // Read after the load timing and before the evaluation: input data, part of neither.
  const recordings = JSON.parse(fs.readFileSync(job.recordings, "utf8")) as Recording[];
  const start = performance.now();
  let count = 0;
  for (const recording of recordings) count += await replay(recording, classes);
  const evalMs = performance.now() - start;
  return { kind: "baseline", measurement: measure(loaded, evalMs, count) };
}

function loadedAt(start: number): { loadMs: number; rss: number } {
  return { loadMs: performance.now() - start, rss: process.memoryUsage().rss };
}

function measure(loaded: { loadMs: number; rss: number }, evalMs: number, resources: number): Measurement {
  return {
    loadMs: loaded.loadMs,
    evalMs,
    rssAfterLoadMiB: loaded.rss / MiB,
    // maxRSS is in KiB on Linux and macOS.
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
    resources,
  };
}

const job = JSON.parse(process.argv[2] ?? "null") as Job | null;
if (!job || !process.send) {
  console.error("bench/worker.ts is forked by bench/run.ts (npm run bench), with a job as its argument");
  process.exit(2);
}
run(job).then(
  (result) => process.send!(result, () => process.exit(0)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
