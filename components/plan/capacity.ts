/**
 * The estate-wide fit check of one XO pool: every VM of every stack placed on it, plus the
 * model's reservations, against what each host and SR can give. Memory is static (no
 * overcommit); vCPUs and thin-provisioned SRs have the model's ratios. Pure: the config loader
 * runs it with the model, the program again at preview with XO's own figures (the smaller win).
 */
import type { PoolCapacity } from "./capacityModel";
import type { VmDemand } from "./capacityDemand";

export type Resource = "memory" | "vCPU" | "SR";

/** One resource of one host or SR: what can be given, what is asked, by whom. */
export interface ResourceUse {
  resource: Resource;
  /** Host or SR name. */
  where: string;
  unit: "GiB" | "vCPU";
  capacity: number;
  /** How the capacity is made up, for people. */
  basis: string;
  asked: number;
  free: number;
  /** Consumers by amount asked, largest first (name order on ties). */
  byConsumer: { consumer: string; amount: number }[];
}

export interface PoolReport {
  pool: string;
  /** The file the model came from; `(XO)` is appended when XO's figures were smaller. */
  source: string;
  consumers: string[];
  uses: ResourceUse[];
}

const round = (n: number) => Math.round(n * 10) / 10;

function use(
  resource: Resource,
  where: string,
  unit: ResourceUse["unit"],
  capacity: number,
  basis: string,
  vms: VmDemand[],
  amount: (vm: VmDemand) => number,
): ResourceUse {
  const totals = new Map<string, number>();
  for (const vm of vms) totals.set(vm.consumer, (totals.get(vm.consumer) ?? 0) + amount(vm));
  const byConsumer = [...totals]
    .map(([consumer, total]) => ({ consumer, amount: round(total) }))
    .sort((a, b) => b.amount - a.amount || a.consumer.localeCompare(b.consumer));
  const asked = round(vms.reduce((sum, vm) => sum + amount(vm), 0));
  return {
    resource,
    where,
    unit,
    capacity: round(capacity),
    basis,
    asked,
    free: round(capacity - asked),
    byConsumer,
  };
}

export function poolReport(
  poolName: string,
  source: string,
  pool: PoolCapacity,
  vms: VmDemand[],
): PoolReport {
  const uses: ResourceUse[] = [];
  for (const host of pool.hosts) {
    const on = vms.filter((vm) => vm.host === host.name);
    const headroom = (host.memoryGiB * pool.headroomPercent) / 100;
    uses.push(
      use(
        "memory",
        host.name,
        "GiB",
        host.memoryGiB - host.controlDomainGiB - headroom,
        `${host.memoryGiB} GiB − ${host.controlDomainGiB} GiB control domain − ${pool.headroomPercent} % headroom`,
        on,
        (vm) => vm.memoryGiB,
      ),
      use(
        "vCPU",
        host.name,
        "vCPU",
        host.cores * pool.vcpuRatio,
        `${host.cores} logical CPUs × ${pool.vcpuRatio}`,
        on,
        (vm) => vm.vcpus,
      ),
    );
  }
  for (const sr of pool.srs) {
    uses.push(
      use(
        "SR",
        sr.name,
        "GiB",
        sr.sizeGiB * pool.srRatio,
        `${sr.sizeGiB} GiB × ${pool.srRatio}`,
        vms.filter((vm) => vm.sr === sr.name),
        (vm) => vm.diskGiB,
      ),
    );
  }
  return { pool: poolName, source, consumers: [...new Set(vms.map((vm) => vm.consumer))].sort(), uses };
}

const fmt = (n: number, unit: ResourceUse["unit"]) => (unit === "GiB" ? `${n.toFixed(1)} GiB` : `${n} vCPUs`);

/**
 * Why `stack` does not fit: one message per host or SR resource that is over capacity and that
 * the stack asks for, naming the pool, the resource, what the stack asks, what is free for it and
 * the largest consumers. Also a stack VM on an SR the model lacks or on another host's local SR.
 */
export function fitProblems(
  report: PoolReport,
  pool: PoolCapacity,
  stack: string,
  vms: VmDemand[],
): string[] {
  const problems: string[] = [];
  const where = `XO pool '${report.pool}' (${report.source})`;
  for (const u of report.uses) {
    const mine = u.byConsumer.find((c) => c.consumer === stack)?.amount ?? 0;
    if (u.asked <= u.capacity || mine === 0) continue;
    const others = round(u.asked - mine);
    const freeForMe = Math.max(0, round(u.capacity - others));
    const label = u.resource === "SR" ? `SR '${u.where}'` : `${u.resource} of host '${u.where}'`;
    const largest = u.byConsumer.slice(0, 4).map((c) => `${c.consumer} ${fmt(c.amount, u.unit)}`);
    problems.push(
      `does not fit on ${where}: ${label}: this stack asks ${fmt(mine, u.unit)}, ${fmt(freeForMe, u.unit)} free ` +
        `(capacity ${fmt(u.capacity, u.unit)} = ${u.basis}; the others take ${fmt(others, u.unit)}); ` +
        `short by ${fmt(round(u.asked - u.capacity), u.unit)}. Largest consumers: ${largest.join(", ")}`,
    );
  }
  const srs = new Map(pool.srs.map((s) => [s.name, s]));
  for (const vm of vms.filter((v) => v.consumer === stack)) {
    const sr = srs.get(vm.sr);
    if (sr === undefined) {
      problems.push(
        `SR '${vm.sr}' is not in the capacity model of ${where} (SRs: ${[...srs.keys()].join(", ")})`,
      );
      break;
    }
    if (sr.host !== undefined && sr.host !== vm.host) {
      problems.push(
        `${vm.vm} is placed on host '${vm.host}' but its disks are on '${sr.name}', local to host '${sr.host}' (${where})`,
      );
    }
  }
  return problems;
}
