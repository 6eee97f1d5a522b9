/**
 * The capacity check at `pulumi preview` (and `up`): before any resource is registered, read the
 * pool's hosts and the stack's SR from XO with the provider's own lookups, take the smaller of
 * XO's figures and the capacity model, and fail the run when the stack no longer fits.
 * Provider fields (terraform-provider-xenorchestra v0.37.3, xoa/data_source_hosts.go and
 * xoa/data_source_xenorchestra_sr.go): a host's `memory` is XO's memory.size in bytes, `cpus.cores`
 * its CPU count; an SR's `size` is its physical size in bytes.
 */
import * as pulumi from "@pulumi/pulumi";
import * as xo from "@vates/pulumi-xenorchestra";
import { formatProblems } from "../config/errors";
import type { LoadedStack } from "../stack/types";
import { configKey } from "../config/errors";
import { stackFile } from "../config/sources";
import { fitProblems, poolReport } from "../plan/capacity";
import { withXoFigures, type XoFigures } from "../plan/capacityLive";

export async function readXoFigures(spec: LoadedStack["spec"]): Promise<XoFigures> {
  const pool = await xo.getXoaPool({ nameLabel: spec.xo.pool });
  const [hosts, sr] = await Promise.all([
    xo.getXoaHosts({ poolId: pool.id }),
    xo.getXoaStorageRepository({ nameLabel: spec.xo.sr, poolId: pool.id }),
  ]);
  return {
    hosts: hosts.hosts.map((h) => ({ name: h.nameLabel, memoryBytes: h.memory, cores: h.cpus.cores ?? 0 })),
    srs: [{ name: sr.nameLabel, sizeBytes: sr.size }],
  };
}

/** Throws a RunError (no stack trace) naming every problem when the stack does not fit XO's figures. */
export async function checkLiveCapacity(
  loaded: LoadedStack,
  read: (spec: LoadedStack["spec"]) => Promise<XoFigures> = readXoFigures,
): Promise<void> {
  const capacity = loaded.capacity;
  if (capacity?.vms === undefined) return;
  const poolName = loaded.spec.xo.pool;
  const live = withXoFigures(poolName, capacity.pool, await read(loaded.spec));
  const source =
    live.smaller.length > 0
      ? `${capacity.modelFile}, smaller in XO: ${live.smaller.join(", ")}`
      : capacity.modelFile;
  const report = poolReport(poolName, source, live.pool, capacity.vms);
  const problems = [...live.problems, ...fitProblems(report, live.pool, loaded.stack, capacity.vms)];
  capacity.report = report;
  if (problems.length > 0) {
    throw new pulumi.RunError(
      formatProblems(
        loaded.stack,
        problems.map((message) => ({ key: configKey(["pools"]), file: stackFile(loaded.stack), message })),
      ),
    );
  }
}
