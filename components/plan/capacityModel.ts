/**
 * The capacity model: what each XO pool has (hosts with cores and memory, SRs with their size)
 * and what is kept off-limits (each host's control domain, headroom, reservations such as the XO
 * VM and the management Rancher cluster), with the overcommit ratios. One file shared by every
 * environment, named by the environment layers (`cluster-orchestrator:capacity.model`), because
 * every stack on a pool shares its hosts whatever its environment. docs/capacity.md explains it.
 */
import { parseDocument } from "yaml";
import { z } from "zod";
import type { Problem } from "./problems";

const name = z
  .string()
  .regex(/^[\w][\w .-]*$/, "must be a name as XO shows it (letters, digits, ' ', '.', '-', '_')");
const positive = (max: number) => z.number().positive().max(max);

export const hostCapacitySchema = z.strictObject({
  name,
  /** Logical CPUs (threads) as XO reports them (the provider's `cpus.cores`, XAPI's cpu_count). */
  cores: z.number().int().min(1).max(4096),
  memoryGiB: positive(65536),
  /**
   * Memory the control domain (dom0) and Xen keep. XCP-ng's default dom0 memory is 1 GiB + 5 % of
   * the host's RAM, at most 8 GiB (Citrix Hypervisor "Memory usage",
   * https://docs.citrix.com/en-us/citrix-hypervisor/memory-usage.html; XCP-ng inherits it).
   */
  controlDomainGiB: positive(1024).default(8),
});

export const srCapacitySchema = z.strictObject({
  name,
  sizeGiB: positive(1_048_576),
  /** A local SR: only VMs on this host can use it. Unset: shared by every host of the pool. */
  host: name.optional(),
});

/** Capacity kept for VMs that no stack here creates, placed like a server pool (spread over hosts). */
export const reservationSchema = z.strictObject({
  name,
  count: z.number().int().min(1).max(16).default(1),
  vcpus: z.number().int().min(0).max(256),
  memoryGiB: z.number().min(0).max(4096),
  diskGiB: z.number().min(0).max(1_048_576).default(0),
  /** The SR its disks use (default: the pool's first SR). */
  sr: name.optional(),
  /** Pin it to a host (default: spread over the hosts from the first). */
  host: name.optional(),
});

export const poolCapacitySchema = z.strictObject({
  hosts: z.array(hostCapacitySchema).min(1),
  srs: z.array(srCapacitySchema).min(1),
  reserved: z.array(reservationSchema).default([]),
  /** Memory kept free on each host, in % of its RAM (Xen's per-VM overhead, live migration, spikes). */
  headroomPercent: z.number().min(0).max(50).default(5),
  /** vCPUs per logical CPU: vCPUs are time-shared, so some overcommit is normal. */
  vcpuRatio: z.number().min(1).max(16).default(4),
  /** Disk overcommit on thin-provisioned SRs (ext, NFS); keep 1 for thick (LVM) SRs. */
  srRatio: z.number().min(1).max(10).default(1),
});

export const capacityModelSchema = z.strictObject({
  pools: z.record(z.string().min(1), poolCapacitySchema),
});

export type HostCapacity = z.output<typeof hostCapacitySchema>;
export type SrCapacity = z.output<typeof srCapacitySchema>;
export type Reservation = z.output<typeof reservationSchema>;
export type PoolCapacity = z.output<typeof poolCapacitySchema>;
export type CapacityModel = z.output<typeof capacityModelSchema>;

/** Parses the model's text; every problem at once, each with its key path inside the file. */
export function parseCapacityModel(text: string): { model: CapacityModel | null; problems: Problem[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      model: null,
      problems: doc.errors.map((e) => ({
        path: [],
        message: `${e.linePos?.[0] ? `line ${e.linePos[0].line}: ` : ""}${e.message.split("\n")[0] ?? e.code}`,
      })),
    };
  }
  const parsed = capacityModelSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      model: null,
      problems: parsed.error.issues.map((issue) => ({
        path: [
          ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
          ...(issue.code === "unrecognized_keys" ? [issue.keys.join(", ")] : []),
        ],
        message: issue.code === "unrecognized_keys" ? "unknown key (misspelt?)" : issue.message,
      })),
    };
  }
  const problems = checkPool(parsed.data);
  return { model: problems.length > 0 ? null : parsed.data, problems };
}

/** Names must be unique, and every host or SR a pool's entries name must exist in it. */
function checkPool(model: CapacityModel): Problem[] {
  const problems: Problem[] = [];
  for (const [poolName, pool] of Object.entries(model.pools)) {
    const at = (...path: (string | number)[]) => ["pools", poolName, ...path];
    const hosts = pool.hosts.map((h) => h.name);
    const srs = pool.srs.map((s) => s.name);
    hosts.forEach((h, i) => {
      if (hosts.indexOf(h) !== i)
        problems.push({ path: at("hosts", i, "name"), message: `host '${h}' is listed twice` });
    });
    srs.forEach((s, i) => {
      if (srs.indexOf(s) !== i)
        problems.push({ path: at("srs", i, "name"), message: `SR '${s}' is listed twice` });
    });
    pool.srs.forEach((sr, i) => {
      if (sr.host !== undefined && !hosts.includes(sr.host))
        problems.push({
          path: at("srs", i, "host"),
          message: `no host '${sr.host}' in this pool (${hosts.join(", ")})`,
        });
    });
    pool.reserved.forEach((r, i) => {
      if (r.host !== undefined && !hosts.includes(r.host))
        problems.push({
          path: at("reserved", i, "host"),
          message: `no host '${r.host}' in this pool (${hosts.join(", ")})`,
        });
      if (r.sr !== undefined && !srs.includes(r.sr))
        problems.push({
          path: at("reserved", i, "sr"),
          message: `no SR '${r.sr}' in this pool (${srs.join(", ")})`,
        });
    });
  }
  return problems;
}
