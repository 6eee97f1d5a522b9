/**
 * Change cost: what one routine edit makes `pulumi up` touch. Each case edits a copy of the base
 * stack's validated spec; the program runs before and after under the mocks and the recorded
 * inputs are compared by URN (bench/graph.ts diffRuns). Adding a case is one entry in CHANGE_CASES.
 *
 * The engine keeps the old value of an input named in `ignoreChanges`. The "after" run therefore
 * gets, as state the engine kept, the ignored inputs of the "before" run — for the RKE2
 * install-version pin that is its old `keepers`, exactly as tests/rancher.test.ts replays it — and
 * the comparison skips ignored inputs.
 */
import type { LoadedStack } from "../components/stack/load";
import type { ClusterSpec } from "../components/config/schema";
import { ConfigError } from "../components/config/errors";
import { PlanProblems } from "../components/plan/problems";
import type { RecordedResource } from "../render/mocks";
import { describeSource, evaluate, loadSource, type Source } from "./evaluate";
import { diffRuns, type RunDiff } from "./graph";
import { withSpec } from "./synthetic";

const VM = "Vm";
const RANCHER_CLUSTER = "Cluster";

/** Resource names as `Type::name` (graph.ts shortName), in the base stack's naming. */
export interface ExpectedDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface ChangeCase {
  name: string;
  /** Edits the spec in place (it is a copy). Absent: not measurable yet; `expected` says why. */
  mutate?: (spec: ClusterSpec) => void;
  /** What must change, given the base stack; or the reason the change must be refused. */
  expected: ((base: LoadedStack) => ExpectedDiff) | { rejected: string } | { notYet: string };
}

/** The agent pool that grows: the last static one, which has room left in its address block. */
function growingPool(spec: ClusterSpec): [string, ClusterSpec["pools"][string]] {
  const pools = Object.entries(spec.pools)
    .filter(([, p]) => p.role === "agent" && p.addressing === "static")
    .sort(([a], [b]) => a.localeCompare(b));
  const last = pools[pools.length - 1];
  if (!last) throw new Error("the base stack has no static agent pool to grow");
  return last;
}

function serverPool(spec: ClusterSpec): [string, ClusterSpec["pools"][string]] {
  const found = Object.entries(spec.pools).find(([, p]) => p.role === "server");
  if (!found) throw new Error("the base stack has no server pool");
  return found;
}

const vm = (base: LoadedStack, pool: string, index: number) =>
  `${VM}::${base.plan.cluster.name}-${pool}-${index}`;

const NEXT_RKE2 = "v1.34.6+rke2r3";
const RELEASE = "Release";

export const CHANGE_CASES: ChangeCase[] = [
  {
    name: "+1 worker",
    mutate: (spec) => {
      growingPool(spec)[1].count += 1;
    },
    expected: (base) => {
      const [name, pool] = growingPool(base.spec);
      return { added: [vm(base, name, pool.count + 1)], removed: [], changed: [] };
    },
  },
  {
    // etcd needs an odd number of members: the planner refuses an even server count.
    name: "+1 server",
    mutate: (spec) => {
      serverPool(spec)[1].count += 1;
    },
    expected: { rejected: "odd number of servers" },
  },
  {
    name: "+2 servers",
    mutate: (spec) => {
      serverPool(spec)[1].count += 2;
    },
    expected: (base) => {
      const [name, pool] = serverPool(base.spec);
      return {
        added: [vm(base, name, pool.count + 1), vm(base, name, pool.count + 2)],
        removed: [],
        changed: [],
      };
    },
  },
  {
    // The install version is pinned (docs/rke2.md): only Rancher's upgrade target moves.
    name: "RKE2 version change",
    mutate: (spec) => {
      spec.rke2.version = NEXT_RKE2;
    },
    expected: (base) => ({
      added: [],
      removed: [],
      changed: [`${RANCHER_CLUSTER}::${base.plan.cluster.name}-rancher-cluster`],
    }),
  },
  {
    // A Helm value of one component (docs/workloads.md): only that release changes.
    name: "workload change",
    mutate: (spec) => {
      if (spec.workloads === "none") throw new Error("the base stack has no workloads");
      spec.workloads.components.cache = { values: { resources: { limits: { memory: "2Gi" } } } };
    },
    expected: (base) => ({
      added: [],
      removed: [],
      changed: [`${RELEASE}::${base.plan.cluster.name}-workloads-cache-valkey`],
    }),
  },
];

export interface ChangeReport {
  base: string;
  name: string;
  status: "measured" | "rejected" | "n/a";
  /** Added + removed + changed resources. */
  count: number | null;
  diff: RunDiff | null;
  expected: string;
  pass: boolean | null;
  note: string;
}

/** Runs every change case against one base stack (in one process: this is not a timing). */
export async function measureChanges(source: Source): Promise<ChangeReport[]> {
  const base = loadSource(source);
  const before = await evaluate(() => base);
  const kept = keptState(before.resources);
  const reports: ChangeReport[] = [];
  for (const c of CHANGE_CASES) {
    const report = { base: describeSource(source), name: c.name };
    if (!c.mutate || "notYet" in c.expected) {
      const why = "notYet" in c.expected ? c.expected.notYet : "no mutation";
      reports.push({
        ...report,
        status: "n/a",
        count: null,
        diff: null,
        expected: why,
        pass: null,
        note: "",
      });
      continue;
    }
    const spec = structuredClone(base.spec);
    c.mutate(spec);
    let changed: LoadedStack;
    try {
      changed = withSpec(base, spec);
    } catch (error) {
      const message = refusal(error);
      const rejected = "rejected" in c.expected ? c.expected.rejected : null;
      reports.push({
        ...report,
        status: "rejected",
        count: 0,
        diff: null,
        expected: rejected !== null ? `rejected (${rejected})` : "accepted",
        pass: rejected !== null && message.includes(rejected),
        note: message,
      });
      continue;
    }
    const after = await evaluate(() => changed, kept);
    const diff = diffRuns(before.resources, after.resources);
    const count = diff.added.length + diff.removed.length + diff.changed.length;
    if ("rejected" in c.expected) {
      reports.push({
        ...report,
        status: "measured",
        count,
        diff,
        expected: `rejected (${c.expected.rejected})`,
        pass: false,
        note: "accepted, but should have been refused",
      });
      continue;
    }
    const want = c.expected(base);
    const same = (a: string[], b: string[]) => [...a].sort().join() === [...b].sort().join();
    const pass =
      same(diff.added, want.added) &&
      same(diff.removed, want.removed) &&
      same(
        diff.changed.map((x) => x.resource),
        want.changed,
      );
    reports.push({
      ...report,
      status: "measured",
      count,
      diff,
      expected: describeExpected(want),
      pass,
      note: "",
    });
  }
  return reports;
}

/** What the engine keeps for resources with ignored inputs, keyed by name (XoMocks.priorState). */
function keptState(resources: RecordedResource[]): Map<string, Record<string, unknown>> {
  return new Map(
    resources
      .filter((r) => r.options.ignoreChanges.length > 0)
      .map((r) => [r.name, Object.fromEntries(r.options.ignoreChanges.map((k) => [k, r.inputs[k]]))]),
  );
}

function refusal(error: unknown): string {
  if (error instanceof PlanProblems) return error.problems.map((p) => p.message).join("; ");
  if (error instanceof ConfigError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function describeExpected(want: ExpectedDiff): string {
  const parts = [
    ...want.added.map((r) => `+${r}`),
    ...want.removed.map((r) => `-${r}`),
    ...want.changed.map((r) => `~${r}`),
  ];
  return parts.length > 0 ? parts.join(", ") : "nothing";
}
