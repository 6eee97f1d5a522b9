/**
 * The bench's tables and docs/benchmarks.md, from the collected results. Markdown throughout: it
 * reads in a terminal and is the document; the document goes through Prettier before it is
 * written, so `prettier --check` stays clean whatever the numbers' widths.
 */
import * as prettier from "prettier";
import type { ChangeReport } from "./changes";
import { MODEL_ASSUMPTIONS, VM_CLONE_S, XO_CONCURRENT_CLONES, type ModelResult } from "./model";
import type { Measurement } from "./worker";

export interface EvaluationRow {
  label: string;
  /** VMs in the evaluated cluster(s). */
  nodes: number;
  /** One Measurement per repetition, each from a fresh process. */
  program: Measurement[];
  baseline: Measurement[];
}

export interface GraphRow {
  label: string;
  nodes: number;
  resources: number;
  providerResources: number;
  longestChain: string[];
}

export interface Target {
  name: string;
  detail: string;
  pass: boolean;
}

export interface BenchResults {
  date: string;
  node: string;
  cpus: string;
  repeats: number;
  evaluation: EvaluationRow[];
  graph: GraphRow[];
  /** Provider resources each added node brings, from the smallest to the largest synthetic size. */
  marginalPerNode: number;
  changes: ChangeReport[];
  model: ModelResult[];
  targets: Target[];
  durationS: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Program / baseline, as the median of the per-repetition ratios: the program and the baseline of
 * one repetition run back to back, so they share the machine's state of the moment (this 2-core VM
 * drifts by ±25 % over a minute of sustained load), which a ratio of the two medians would not.
 */
export function ratio(row: EvaluationRow): number {
  return median(row.program.map((m, i) => m.evalMs / row.baseline[i]!.evalMs));
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const mib = (v: number) => v.toFixed(0);
/** Median, and the range of the repetitions: how much to trust the median. */
const spread = (ms: number[]) => `${s(median(ms))} (${s(Math.min(...ms))}–${s(Math.max(...ms))})`;
const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function evaluationTable(rows: EvaluationRow[]): string {
  return table(
    [
      "case",
      "nodes",
      "resources (program / baseline)",
      "program eval s (min–max)",
      "baseline eval s (min–max)",
      "ratio",
      "program peak RSS MiB",
      "baseline peak RSS MiB",
      "program RSS after load MiB",
      "module load s (program / baseline)",
    ],
    rows.map((r) => {
      const m = (xs: Measurement[], f: (x: Measurement) => number) => median(xs.map(f));
      return [
        r.label,
        r.nodes,
        `${r.program[0]!.resources} / ${r.baseline[0]!.resources}`,
        spread(r.program.map((x) => x.evalMs)),
        spread(r.baseline.map((x) => x.evalMs)),
        ratio(r).toFixed(2),
        mib(m(r.program, (x) => x.peakRssMiB)),
        mib(m(r.baseline, (x) => x.peakRssMiB)),
        mib(m(r.program, (x) => x.rssAfterLoadMiB)),
        `${s(m(r.program, (x) => x.loadMs))} / ${s(m(r.baseline, (x) => x.loadMs))}`,
      ];
    }),
  );
}

export function graphTable(rows: GraphRow[]): string {
  return table(
    ["case", "nodes", "resources", "provider resources", "resources per node", "longest chain", "the chain"],
    rows.map((r) => [
      r.label,
      r.nodes,
      r.resources,
      r.providerResources,
      (r.resources / r.nodes).toFixed(2),
      r.longestChain.length,
      r.longestChain.join(" → "),
    ]),
  );
}

export function changeTable(reports: ChangeReport[]): string {
  return table(
    [
      "base",
      "change",
      "resources touched",
      "added",
      "removed",
      "inputs changed",
      "dependencies only",
      "expected",
      "result",
    ],
    reports.map((c) => [
      c.base,
      c.name,
      c.count ?? "n/a",
      c.diff?.added.join(", ") || "—",
      c.diff?.removed.join(", ") || "—",
      c.diff?.changed.map((x) => `${x.resource} (${x.keys.join(", ")})`).join("; ") || "—",
      c.diff?.dependenciesOnly.join(", ") || "—",
      c.expected,
      c.pass === null ? "n/a" : `${c.pass ? "PASS" : "FAIL"}${c.note ? `: ${c.note}` : ""}`,
    ]),
  );
}

export function modelTable(rows: ModelResult[]): string {
  return table(
    [
      "nodes",
      "all VMs created",
      "registration address answers",
      "servers joined",
      "agents joined",
      "Rancher synced",
      "Pulumi done",
      "ready",
      "critical path",
    ],
    rows.map((r) => [
      r.nodes,
      minutes(r.vmsCreated),
      minutes(r.registrationAnswers),
      minutes(r.serversJoined),
      minutes(r.agentsJoined),
      r.rancherSynced === null ? "—" : minutes(r.rancherSynced),
      minutes(r.pulumiDone),
      minutes(r.ready),
      r.criticalPath,
    ]),
  );
}

export function targetTable(targets: Target[]): string {
  return table(
    ["target", "measured", "result"],
    targets.map((t) => [t.name, t.detail, t.pass ? "PASS" : "FAIL"]),
  );
}

function assumptionTable(): string {
  return table(
    ["constant", "value", "what it stands for"],
    MODEL_ASSUMPTIONS.map(([name, value, what]) => [`\`${name}\``, value, what]),
  );
}

/** What the terminal shows: the tables, aligned. */
export async function summary(r: BenchResults): Promise<string> {
  const text = [
    `Run ${r.date}, Node ${r.node}, nproc ${r.cpus}, median of ${r.repeats} fresh processes, ${r.durationS.toFixed(0)} s in all`,
    "",
    "",
    "## Targets",
    "",
    targetTable(r.targets),
    "",
    "## 1. Evaluation under the mock runtime",
    "",
    evaluationTable(r.evaluation),
    "",
    "## 2. Graph shape",
    "",
    graphTable(r.graph),
    "",
    `Provider resources per added node: ${r.marginalPerNode.toFixed(2)}`,
    "",
    "## 3. Change cost",
    "",
    changeTable(r.changes),
    "",
    "## 4. Model of a real `pulumi up` (assumed step times, see docs/benchmarks.md)",
    "",
    modelTable(r.model),
  ].join("\n");
  return prettier.format(text, { parser: "markdown", printWidth: 110 });
}

/** docs/benchmarks.md; `file` is where it goes (Prettier reads the project's settings from there). */
export async function document(r: BenchResults, file: string): Promise<string> {
  const markdown = `# Benchmarks

<!-- Generated by \`npm run bench\` (bench/run.ts). Edit bench/report.ts, not this file. -->

How much the program costs as clusters grow, and whether that cost stays where it should: the
evaluation of the program against the same resources registered without it, the shape of the
resource graph, what a routine change touches, and a model of a real \`pulumi up\`.

Last run: ${r.date}, Node ${r.node}, \`nproc\` ${r.cpus}; every timing is the median of ${r.repeats}
runs, each in a fresh process; the whole bench took ${r.durationS.toFixed(0)} s.

## Run it

\`\`\`sh
npm run bench
\`\`\`

It prints the tables below, rewrites this file and exits non-zero when a target fails. It takes
about three minutes on two cores and is never part of \`npm test\`. Nothing in it needs XO,
Rancher or the Pulumi CLI: the program runs under the SDK's mock runtime with the simulated XO of
the offline render (\`render/mocks.ts\`).

## Targets

${targetTable(r.targets)}

## 1. Evaluation time and memory

Each case runs in its own child process (\`bench/worker.ts\`, loaded through tsx), so its time and
memory are its own.

- **program eval s**: from just before the program runs to the moment every registration is
  done (\`pulumi.runtime.disconnect()\`): configuration loading and validation (with the
  cross-stack checks), planning, cloud-init rendering, the components and every registration,
  outputs awaited. Module loading is not in it.
- **baseline eval s**: the same resources registered directly with the providers' own classes
  (\`xenorchestra.Vm\`, \`rancher2.Cluster\`, \`kubernetes.core.v1.Namespace\`, …) —
  \`bench/baseline.ts\` replays the program's recorded run: same types and counts, names,
  input values (secrets still secret), resource options and dependency edges; no components, no
  configuration, no planning, no rendering, no Output plumbing. It is the cost floor of Pulumi
  itself for these resources.
- **ratio**: program / baseline, the cost of our code on top of Pulumi. Each repetition runs the
  program and then the baseline, back to back; the ratio is the median of the repetitions' ratios,
  which cancels the machine's drift over the run better than a ratio of the two medians.
- **peak RSS**: the process's maximum resident set size (\`getrusage\`), module loading included;
  **RSS after load** is the part that is only the loaded modules.
- **module load s**: importing the program (tsx compiles our TypeScript) or the SDKs.
- **resources**: registrations, our components included for the program; the baseline has only
  provider resources.

The synthetic clusters are the real \`legal-ai-prod\` configuration (every layer, cross-stack
checks included) with 3 servers and the rest in worker pools of at most 125, on a /21 with eight
128-address worker slots (the default /24 holds about 170 nodes), re-validated by the schema and
re-planned by the planners (\`bench/synthetic.ts\`). "All 6 stacks" evaluates the six stacks of
\`stacks/\` one after another in one process, as a render of every stack does.

${evaluationTable(r.evaluation)}

Reading the numbers: most of an evaluation, program and baseline alike, is the SDK's own work per
resource. It creates four promises for every output property of every resource and captures a
stack trace for each (\`@pulumi/pulumi\` \`runtime/rpc.js\` \`transferProperties\`,
\`runtime/debuggable.js\`), plus a full stack per resource (\`resource.js\` \`callsites\`); tsx
turns on source maps, so every captured frame is mapped. That cost is the same per resource on both
sides. What remains in the ratio is ours: configuration loading with the cross-stack checks (a
fixed cost, visible at small sizes), cloud-init rendering per node, the components, and the Output
plumbing between resources.

## 2. Graph shape

The longest dependency chain counts the provider operations that must run one after another,
whatever the parallelism. Its edges are what the engine orders by: dependencies (implicit through
inputs, and dependsOn) and each resource's explicit provider (the Kubernetes objects wait for the
Kubernetes provider, which waits for the ClusterSync); parent edges do not order creation. It must not grow with the node count: every VM is created in parallel and the
join ordering lives in the boot script, not in the graph (docs/rke2.md).

${graphTable(r.graph)}

Provider resources each added node brings (from ${r.graph[0]?.nodes ?? "?"} to the largest
synthetic size): **${r.marginalPerNode.toFixed(2)}**.

## 3. Change cost

What \`pulumi up\` would touch after one routine change: the program runs before and after, and
the recorded inputs are compared by URN. Added and removed resources count, and so do resources
whose inputs differ (the input keys are listed). Inputs named in a resource's \`ignoreChanges\` keep
their old value, as the engine does: the "after" run gets the engine's kept state for them — for
the RKE2 install-version pin its old \`keepers\`, exactly as \`tests/rancher.test.ts\` replays it.
"Dependencies only" lists resources whose inputs are the same but whose dependency set grew (the
ClusterSync waits for every VM): the engine records that, it plans no update for it. A change case
is one entry in \`CHANGE_CASES\` (\`bench/changes.ts\`).

${changeTable(r.changes)}

## 4. Model of a real \`pulumi up\`

**A model, not a measurement.** \`bench/model.ts\` replays each synthetic cluster's recorded graph
through the engine's scheduling — a step starts when its dependencies are done, at most
\`PULUMI_PARALLEL\` at once, in registration order — with the assumed step times below, and adds
what happens inside the VMs after boot, where the ordering lives in the boot script
(docs/rke2.md): server 1 initialises, servers join one at a time, agents join in parallel once the
registration address answers. Rancher reports the cluster Active some time after server 1 applies
the import manifest; the ClusterSync waits for that and for every VM; the workloads' Kubernetes
objects and charts follow the Kubernetes provider. "Ready" is every node joined and every Pulumi
step done.

${modelTable(r.model)}

### Assumptions

Every step time is an assumption, not a measured value; replace them in \`bench/model.ts\` with
times measured on the real XO host and the model follows.

${assumptionTable()}

What grows with the node count is the VM creation: XO clones ${XO_CONCURRENT_CLONES} VMs at a time,
so N VMs take at least N / ${XO_CONCURRENT_CLONES} × ${VM_CLONE_S} s. The server joins, one at a time,
do not grow: the server count stays 3. Agents join in parallel.

## 5. The real engine's preview

Not measured yet. The ratio of the real engine's \`pulumi preview\` of a stack to the same preview
of the baseline program needs the resource plugins, which the Go module proxy reachable here does
not serve (docs/engine.md); without them both previews stop at the first provider and the ratio
would measure nothing. The engine lane (\`npm run test:engine\`) records which modules are missing.
`;
  return prettier.format(markdown, { ...(await prettier.resolveConfig(file)), parser: "markdown" });
}
