/**
 * The config loader's side of capacity: read the model the environment layer names, place the
 * stack's nodes on the pool's hosts, and (with the other stacks loaded) run the estate-wide fit
 * check. Reading the model file is the only I/O; the decisions are the pure planners'.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, configKey, type ConfigProblem } from "../config/errors";
import type { ClusterSpec } from "../config/schema";
import { stackFile } from "../config/sources";
import { fitProblems, poolReport, type PoolReport } from "./capacity";
import { reservedDemand, stackDemand, type StackShape, type VmDemand } from "./capacityDemand";
import { parseCapacityModel, type CapacityModel, type PoolCapacity } from "./capacityModel";
import { placeNodes } from "./placement";
import { PlanProblems, type Problem } from "./problems";
import type { ClusterPlan } from "./types";

/** What a loaded stack knows about its pool's capacity. */
export interface StackCapacity {
  /** The model file, relative to the project root. */
  modelFile: string;
  pool: PoolCapacity;
  /** Set by the estate check (loadStack with crossCheck): every VM on the pool, and the report. */
  vms?: VmDemand[];
  report?: PoolReport;
}

/**
 * What the capacity check reads of a loaded stack (components/stack/types.ts's LoadedStack has
 * more): a structural type, so the planner does not depend on the loader above it.
 */
export interface PlannedStack {
  stack: string;
  spec: ClusterSpec;
  plan: ClusterPlan;
  capacity?: StackCapacity;
}

const cache = new Map<string, ReturnType<typeof parseCapacityModel>>();

function readModel(
  rootDir: string,
  file: string,
): { model: CapacityModel | null; problems: Problem[] } | null {
  const full = path.join(rootDir, file);
  if (!fs.existsSync(full)) return null;
  const text = fs.readFileSync(full, "utf8");
  let parsed = cache.get(text);
  if (parsed === undefined) {
    parsed = parseCapacityModel(text);
    cache.set(text, parsed);
  }
  return parsed;
}

function keyIn(file: string, p: (string | number)[]): string {
  return `${file}: ${p
    .map((x) => (typeof x === "number" ? `[${x}]` : x))
    .join(".")
    .replace(/\.\[/g, "[")}`;
}

/**
 * The stack with its nodes placed and its pool's model attached (unchanged without a model).
 * Throws ConfigError for a broken model file, PlanProblems for the stack's own keys.
 */
export function placeOnPool<T extends PlannedStack>(loaded: T, rootDir: string): T {
  const file = loaded.spec.capacity.model;
  if (file === undefined) return loaded;
  const read = readModel(rootDir, file);
  if (read === null) {
    throw new PlanProblems([{ path: ["capacity", "model"], message: `no file ${file} in the project root` }]);
  }
  if (read.model === null) {
    throw new ConfigError(
      loaded.stack,
      read.problems.map((p) => ({ key: keyIn("capacity model", p.path), file, message: p.message })),
    );
  }
  const pool = read.model.pools[loaded.spec.xo.pool];
  if (pool === undefined) {
    throw new PlanProblems([
      {
        path: ["xo", "pool"],
        message: `XO pool '${loaded.spec.xo.pool}' has no entry in the capacity model ${file} (pools: ${Object.keys(read.model.pools).join(", ") || "none"})`,
      },
    ]);
  }
  const problems: Problem[] = [];
  const hosts = pool.hosts.map((h) => h.name);
  const nodes = placeNodes(loaded.spec.cluster.number, loaded.spec.pools, loaded.plan.nodes, hosts, problems);
  if (problems.length > 0) throw new PlanProblems(problems);
  return { ...loaded, plan: { ...loaded.plan, nodes }, capacity: { modelFile: file, pool } };
}

export function shapeOf(loaded: PlannedStack): StackShape {
  return {
    stack: loaded.stack,
    clusterNumber: loaded.spec.cluster.number,
    pools: loaded.spec.pools,
    nodes: loaded.plan.nodes,
    sr: loaded.spec.xo.sr,
  };
}

/** Every VM on the stack's pool: reservations, this stack, and the other stacks on the same XO pool. */
export function estateDemand(self: PlannedStack, others: PlannedStack[], pool: PoolCapacity): VmDemand[] {
  const samePool = others.filter((o) => o.spec.xo.pool === self.spec.xo.pool && o.stack !== self.stack);
  return [
    ...reservedDemand(pool),
    ...[self, ...samePool]
      .sort((a, b) => a.stack.localeCompare(b.stack))
      .flatMap((s) => stackDemand(shapeOf(s), pool)),
  ];
}

/** The estate-wide check; records the report on `self.capacity`. No model: nothing to check. */
export function checkCapacity(self: PlannedStack, others: PlannedStack[]): ConfigProblem[] {
  if (self.capacity === undefined) return [];
  const { pool, modelFile } = self.capacity;
  const vms = estateDemand(self, others, pool);
  const report = poolReport(self.spec.xo.pool, modelFile, pool, vms);
  self.capacity.vms = vms;
  self.capacity.report = report;
  return fitProblems(report, pool, self.stack, vms).map((message) => ({
    key: configKey(["pools"]),
    file: stackFile(self.stack),
    message,
  }));
}
