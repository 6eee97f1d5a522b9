/**
 * The capacity of the stack's XO pool as the render shows it (a table: one column per host
 * resource and SR, one row per stack or reservation, then asked / capacity / free) and as
 * plan.json carries it. docs/capacity.md explains the figures.
 */
import { tableLines } from "../components/lib/table";
import type { LoadedStack } from "../components/stack/types";
import type { PoolReport } from "../components/plan/capacity";
import type { NodePlan } from "../components/plan/types";

/** The consumer column left, the figures right-aligned. */
function table(rows: string[][]): string[] {
  const [header = [], ...body] = rows;
  return tableLines(header, body, { rule: false, align: header.map((_, i) => (i === 0 ? "left" : "right")) });
}

const num = (n: number, unit: string) => (unit === "GiB" ? n.toFixed(1) : String(n));

export function capacityLines(loaded: LoadedStack): string[] {
  const report = loaded.capacity?.report;
  if (report === undefined) {
    return ["Capacity", "  not checked: the environment layer names no cluster-orchestrator:capacity.model"];
  }
  const header = [
    "CONSUMER",
    ...report.uses.map((u) => `${u.resource === "SR" ? "SR" : u.resource} ${u.where}`),
  ];
  const amount = (consumer: string) =>
    report.uses.map((u) => num(u.byConsumer.find((c) => c.consumer === consumer)?.amount ?? 0, u.unit));
  const rows = [
    header,
    ...report.consumers.map((c) => [c === loaded.stack ? `${c} *` : c, ...amount(c)]),
    ["asked", ...report.uses.map((u) => num(u.asked, u.unit))],
    ["capacity", ...report.uses.map((u) => num(u.capacity, u.unit))],
    ["free", ...report.uses.map((u) => num(u.free, u.unit))],
  ];
  return [
    `Capacity of XO pool ${report.pool} (${report.source}; * = this stack; memory and SR in GiB)`,
    ...table(rows).map((l) => `  ${l}`),
    ...report.uses.map((u) => `  capacity of ${u.resource} ${u.where}: ${u.basis}`),
  ];
}

/** The XO host a node runs on: its affinity host, or the pool's only host; null when unknown. */
export function nodeHost(loaded: LoadedStack, node: NodePlan): string | null {
  const hosts = loaded.capacity?.pool.hosts ?? [];
  return node.affinityHost ?? (hosts.length === 1 ? hosts[0]!.name : null);
}

/** plan.json's `capacity`: the pool report, or null without a model. */
export function capacityJson(loaded: LoadedStack): PoolReport | null {
  return loaded.capacity?.report ?? null;
}
