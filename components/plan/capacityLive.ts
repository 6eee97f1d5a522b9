/**
 * XO's own figures against the capacity model: for each host and SR the model names, the smaller
 * of the two counts (a model written for more RAM than the host has must not let a stack through).
 * A host of the model that XO does not list is a problem: the model describes another pool. Pure.
 */
import type { PoolCapacity } from "./capacityModel";

/** What the provider's getXoaHosts / getXoaStorageRepository report (bytes, logical CPUs). */
export interface XoFigures {
  hosts: { name: string; memoryBytes: number; cores: number }[];
  /** Only the SRs that were looked up (the stack's own). */
  srs: { name: string; sizeBytes: number }[];
}

const GiB = 1024 ** 3;

export function withXoFigures(
  poolName: string,
  pool: PoolCapacity,
  xo: XoFigures,
): { pool: PoolCapacity; problems: string[]; smaller: string[] } {
  const problems: string[] = [];
  const smaller: string[] = [];
  const hosts = pool.hosts.map((host) => {
    const live = xo.hosts.find((h) => h.name === host.name);
    if (live === undefined) {
      problems.push(
        `host '${host.name}' of the capacity model is not in XO pool '${poolName}' (XO lists: ${xo.hosts.map((h) => h.name).join(", ") || "no host"})`,
      );
      return { ...host, memoryGiB: 0, cores: 0 };
    }
    // A figure XO does not report (0 or missing) leaves the model's: no check fails on a blank.
    const memoryGiB =
      live.memoryBytes > 0
        ? Math.min(host.memoryGiB, Math.floor((live.memoryBytes / GiB) * 10) / 10)
        : host.memoryGiB;
    const cores = live.cores > 0 ? Math.min(host.cores, live.cores) : host.cores;
    if (memoryGiB < host.memoryGiB) smaller.push(`${host.name} has ${memoryGiB} GiB of RAM in XO`);
    if (cores < host.cores) smaller.push(`${host.name} has ${cores} logical CPUs in XO`);
    return { ...host, memoryGiB, cores };
  });
  const srs = pool.srs.map((sr) => {
    const live = xo.srs.find((s) => s.name === sr.name);
    if (live === undefined || !(live.sizeBytes > 0)) return sr;
    const sizeGiB = Math.min(sr.sizeGiB, Math.floor(live.sizeBytes / GiB));
    if (sizeGiB < sr.sizeGiB) smaller.push(`SR ${sr.name} has ${sizeGiB} GiB in XO`);
    return { ...sr, sizeGiB };
  });
  return { pool: { ...pool, hosts, srs }, problems, smaller };
}
