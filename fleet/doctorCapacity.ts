/**
 * `fleet doctor`'s capacity checks: the stack's planned VMs against what XO reports free right
 * now, per host (memory) and on the stack's SR (space), through XO's REST API.
 *
 * XO objects as XO's own types describe them (vatesfr/xen-orchestra, the `XoHost` and `XoSr`
 * types of @vates/types): a host has `memory: { usage, size }` in bytes (usage includes the
 * control domain and every running VM) and `cpus: { cores, sockets }`; an SR has `size`,
 * `usage` and `physical_usage` in bytes, which xo-server maps from XAPI's physical_size,
 * virtual_allocation and physical_utilisation. The REST API lists them in the `hosts` and `srs`
 * collections.
 */
import type { LoadedStack } from "../components/stack/types";
import { stackDemand } from "../components/plan/capacityDemand";
import { shapeOf } from "../components/plan/capacityEstate";
import type { CapacityFacts, Check, ClusterFacts, DoctorOptions } from "./doctorTypes";

export type { CapacityFacts };
import { anyOf, XoError, type XoClient } from "./xoClient";

export function capacityFacts(loaded: LoadedStack): CapacityFacts | null {
  const capacity = loaded.capacity;
  if (capacity === undefined) return null;
  return {
    modelFile: capacity.modelFile,
    headroomPercent: capacity.pool.headroomPercent,
    srRatio: capacity.pool.srRatio,
    vms: stackDemand(shapeOf(loaded), capacity.pool).map(({ vm, host, memoryGiB, diskGiB }) => ({
      vm,
      host,
      memoryGiB,
      diskGiB,
    })),
  };
}

interface XoHost {
  id: string;
  name_label: string;
  $pool?: string;
  memory?: { size?: number; usage?: number };
}

interface XoSr {
  id: string;
  name_label: string;
  $pool?: string;
  size?: number;
  usage?: number;
  physical_usage?: number;
}

const GiB = 1024 ** 3;
const gib = (n: number) => `${n.toFixed(1)} GiB`;

export async function capacityChecks(cluster: ClusterFacts, options: DoctorOptions): Promise<Check[]> {
  const names = ["memory", "SR space"];
  const skip = (detail: string) => names.map((name) => ({ name, status: "skip" as const, detail }));
  const capacity = cluster.capacity;
  if (capacity === null) return skip("no capacity model (cluster-orchestrator:capacity.model)");
  if (options.xo instanceof XoError) return skip("needs the XO API");
  if (options.deployed) return skip("the stack is deployed: its VMs are already in XO's usage");
  const xo = options.xo;
  try {
    const pool = (await xo.list<{ name_label: string }>("pools", ["name_label"])).find(
      (p) => p.name_label === cluster.xo.pool,
    );
    if (pool === undefined) return skip("needs the pool");
    return [await hostCheck(xo, pool.id, capacity), await srCheck(xo, pool.id, cluster.xo.sr, capacity)];
  } catch (error) {
    // The XO API check above already reports an unreachable XO or refused credentials.
    return skip(error instanceof XoError ? "needs the XO API" : String(error));
  }
}

async function hostCheck(xo: XoClient, poolId: string, capacity: CapacityFacts): Promise<Check> {
  const name = "memory";
  const hosts = (
    await xo.list<XoHost>("hosts", ["name_label", "$pool", "memory"], anyOf("$pool", [poolId]))
  ).filter((h) => h.$pool === poolId);
  const byHost = new Map<string, number>();
  for (const vm of capacity.vms) byHost.set(vm.host, (byHost.get(vm.host) ?? 0) + vm.memoryGiB);
  const short: string[] = [];
  const tight: string[] = [];
  const seen: string[] = [];
  for (const [hostName, asked] of [...byHost].sort()) {
    const host = hosts.find((h) => h.name_label === hostName);
    if (host === undefined) {
      short.push(`host '${hostName}' (planned for ${asked.toFixed(1)} GiB) is not in the pool`);
      continue;
    }
    const size = (host.memory?.size ?? 0) / GiB;
    const free = size - (host.memory?.usage ?? 0) / GiB;
    const headroom = (size * capacity.headroomPercent) / 100;
    seen.push(`${hostName} ${gib(asked)} of ${gib(free)} free`);
    if (asked > free) short.push(`${hostName}: the stack asks ${gib(asked)}, XO has ${gib(free)} free`);
    else if (asked > free - headroom)
      tight.push(
        `${hostName}: ${gib(asked)} leaves less than the ${capacity.headroomPercent} % headroom of ${gib(free)} free`,
      );
  }
  if (short.length > 0) {
    return {
      name,
      status: "fail",
      detail: short.join("; "),
      fix: `XO would refuse to start the VMs for lack of memory: free memory (stop or shrink VMs), or shrink the stack's pools; check ${capacity.modelFile} against the real host`,
    };
  }
  if (tight.length > 0) {
    return {
      name,
      status: "warn",
      detail: tight.join("; "),
      fix: "it fits, but with no room for migration or growth",
    };
  }
  return { name, status: "ok", detail: seen.join("; ") || "no VM planned" };
}

async function srCheck(
  xo: XoClient,
  poolId: string,
  srName: string,
  capacity: CapacityFacts,
): Promise<Check> {
  const name = "SR space";
  const sr = (
    await xo.list<XoSr>(
      "srs",
      ["name_label", "$pool", "size", "usage", "physical_usage"],
      anyOf("name_label", [srName]),
    )
  ).find((s) => s.name_label === srName && s.$pool === poolId);
  if (sr === undefined) return { name, status: "skip", detail: `needs the SR '${srName}'` };
  const asked = capacity.vms.reduce((sum, vm) => sum + vm.diskGiB, 0);
  const size = (sr.size ?? 0) / GiB;
  const allocatable = size * capacity.srRatio - (sr.usage ?? 0) / GiB;
  const written = size - (sr.physical_usage ?? 0) / GiB;
  const detail = `the stack's disks ask ${gib(asked)}; '${srName}' has ${gib(allocatable)} left to allocate (size ${gib(size)} × ${capacity.srRatio}) and ${gib(written)} physically free`;
  if (asked > allocatable) {
    return {
      name,
      status: "fail",
      detail,
      fix: `free space on the SR (old snapshots, unused disks) or shrink the stack's disks; check ${capacity.modelFile}`,
    };
  }
  if (asked > written)
    return {
      name,
      status: "warn",
      detail,
      fix: "thin provisioning: the disks fit only while they stay partly empty",
    };
  return { name, status: "ok", detail };
}
