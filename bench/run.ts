/**
 * `npm run bench`: measures and holds the program's cost as clusters grow (never run by jest).
 * Every measurement runs in a fresh child process (bench/worker.ts) so that its time and peak
 * memory are its own; this parent only schedules them one at a time (two cores: anything in
 * parallel would disturb the timings), collects their JSON, checks the targets, prints the tables
 * and writes docs/benchmarks.md. Exits 1 when a target fails.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listStacks } from "../components/config/sources";
import type { RecordedResource } from "../render/mocks";
import type { Recording, Source } from "./evaluate";
import { countByType, isComponent, longestChain, shortName } from "./graph";
import { modelUp, type ModelResult } from "./model";
import {
  document,
  median,
  ratio,
  summary,
  type BenchResults,
  type EvaluationRow,
  type GraphRow,
  type Target,
} from "./report";
import { BASE_STACK } from "./synthetic";
import type { ChangeReport } from "./changes";
import type { Job, Measurement, WorkerResult } from "./worker";

const ROOT = path.resolve(__dirname, "..");
const WORKER = path.join(__dirname, "worker.ts");
const DOC = path.join(ROOT, "docs", "benchmarks.md");

/** Cluster sizes (nodes) of the synthetic cases. */
const SIZES = [4, 50, 200, 500];
/** Each timing is the median of this many fresh processes. */
const REPEATS = 3;
/** Change costs on a real stack and on a large synthetic cluster: the cost must not grow with it. */
const CHANGE_BASES: Source[] = [{ stack: BASE_STACK }, { nodes: 50 }];
const MAX_RATIO = 1.5;
/** The largest size must evaluate within this (median, this machine). */
const MAX_EVAL_MS = 10_000;

const VM = "xenorchestra:index/vm:Vm";

/**
 * Forks one measurement. tsx's `--import` hook (what `node_modules/.bin/tsx` registers) runs the
 * TypeScript directly, without the extra process tsx's CLI would put in between.
 */
function runJob(job: Job): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [JSON.stringify(job)], {
      cwd: ROOT,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: WorkerResult | undefined;
    child.on("message", (message) => (result = message as WorkerResult));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 && result
        ? resolve(result)
        : reject(new Error(`bench worker failed (exit ${code}) for ${JSON.stringify(job).slice(0, 200)}`)),
    );
  });
}

async function measurement(job: Job): Promise<Measurement> {
  const result = await runJob(job);
  if (result.kind === "changes") throw new Error("expected a measurement");
  return result.measurement;
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

interface EvaluationCase {
  label: string;
  sources: Source[];
}

/**
 * Program and baseline alternate, so that a slow spell of the machine hits both alike (the ratio is
 * taken per repetition, see report.ts). The first program run records the graph.
 */
async function evaluateCase(c: EvaluationCase, dir: string): Promise<[EvaluationRow, Recording[]]> {
  const file = path.join(dir, `${c.label.replace(/\W+/g, "-")}.json`);
  const program: Measurement[] = [];
  const baseline: Measurement[] = [];
  for (let i = 0; i < REPEATS; i++) {
    progress(`${c.label}: program ${i + 1}/${REPEATS}`);
    program.push(
      await measurement({ kind: "program", sources: c.sources, recordTo: i === 0 ? file : undefined }),
    );
    progress(`${c.label}: baseline ${i + 1}/${REPEATS}`);
    baseline.push(await measurement({ kind: "baseline", recordings: file }));
  }
  const recordings = JSON.parse(fs.readFileSync(file, "utf8")) as Recording[];
  const nodes = recordings.reduce((sum, r) => sum + vms(r.resources), 0);
  return [{ label: c.label, nodes, program, baseline }, recordings];
}

function vms(resources: RecordedResource[]): number {
  return countByType(resources)[VM] ?? 0;
}

function graphRow(label: string, { resources, providers }: Recording): GraphRow {
  return {
    label,
    nodes: vms(resources),
    resources: resources.length,
    providerResources: resources.filter((r) => !isComponent(r.type)).length,
    longestChain: longestChain(resources, providers).map(shortName),
  };
}

function targets(
  evaluation: EvaluationRow[],
  synthetic: GraphRow[],
  changes: ChangeReport[],
  largest: EvaluationRow,
): Target[] {
  const chains = [...new Set(synthetic.map((g) => g.longestChain.length))];
  const measured = changes.filter((c) => c.pass !== null);
  const failed = measured.filter((c) => !c.pass);
  const largestMs = median(largest.program.map((m) => m.evalMs));
  return [
    ...evaluation.map((row) => ({
      name: `ratio to the raw baseline ≤ ${MAX_RATIO}: ${row.label}`,
      detail: ratio(row).toFixed(2),
      pass: ratio(row) <= MAX_RATIO,
    })),
    {
      name: `${largest.label} evaluate in under ${MAX_EVAL_MS / 1000} s`,
      detail: `${(largestMs / 1000).toFixed(2)} s`,
      pass: largestMs < MAX_EVAL_MS,
    },
    {
      name: `longest chain constant in node count (${synthetic.map((g) => g.nodes).join(", ")})`,
      detail: synthetic.map((g) => g.longestChain.length).join(", "),
      pass: chains.length === 1,
    },
    {
      name: "change costs as expected",
      detail:
        failed.length === 0
          ? `${measured.length} cases as expected`
          : `unexpected: ${failed.map((c) => `${c.name} on ${c.base}`).join(", ")}`,
      pass: failed.length === 0,
    },
  ];
}

async function main(): Promise<number> {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-bench-"));
  try {
    const stacks = listStacks(ROOT);
    const cases: EvaluationCase[] = [
      ...SIZES.map((nodes) => ({ label: `${nodes} nodes`, sources: [{ nodes }] })),
      { label: `all ${stacks.length} stacks`, sources: stacks.map((stack) => ({ stack })) },
    ];
    const evaluation: EvaluationRow[] = [];
    const recorded: Recording[][] = [];
    for (const c of cases) {
      const [row, recordings] = await evaluateCase(c, dir);
      evaluation.push(row);
      recorded.push(recordings);
    }

    const syntheticRecordings = recorded.slice(0, SIZES.length).map((r) => r[0]!);
    const syntheticGraph = syntheticRecordings.map((r) => graphRow(`${vms(r.resources)} nodes`, r));
    const stackGraph = recorded[SIZES.length]!.map((r) => graphRow(r.stack, r));
    const first = syntheticGraph[0]!;
    const last = syntheticGraph[syntheticGraph.length - 1]!;
    const marginalPerNode = (last.providerResources - first.providerResources) / (last.nodes - first.nodes);

    const changes: ChangeReport[] = [];
    for (const base of CHANGE_BASES) {
      progress(`change cost on ${"stack" in base ? base.stack : `${base.nodes} nodes`}`);
      const result = await runJob({ kind: "changes", source: base });
      if (result.kind !== "changes") throw new Error("expected change reports");
      changes.push(...result.reports);
    }

    const model: ModelResult[] = syntheticRecordings.map((r) => modelUp(r.resources, r.providers));
    const results: BenchResults = {
      date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      node: process.version,
      cpus: String(os.availableParallelism()),
      repeats: REPEATS,
      evaluation,
      graph: [...syntheticGraph, ...stackGraph],
      marginalPerNode,
      changes,
      model,
      targets: targets(evaluation, syntheticGraph, changes, evaluation[SIZES.length - 1]!),
      durationS: (performance.now() - started) / 1000,
    };
    process.stdout.write(await summary(results));
    fs.writeFileSync(DOC, await document(results, DOC));
    progress(`wrote ${path.relative(ROOT, DOC)}`);
    const failed = results.targets.filter((t) => !t.pass);
    for (const t of failed) progress(`FAIL ${t.name}: ${t.detail}`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
