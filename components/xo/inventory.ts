/**
 * Looks up the XO objects a cluster builds on, by the names the environment layer gives. The
 * template and SR lookups pass the pool id: names are only unique within a pool, and the
 * provider fails on an ambiguous name rather than pick one.
 */
import * as pulumi from "@pulumi/pulumi";
import * as xo from "@vates/pulumi-xenorchestra";
import type { ClusterSpec } from "../config/schema";

export interface XoRefs {
  poolId: pulumi.Output<string>;
  templateId: pulumi.Output<string>;
  srId: pulumi.Output<string>;
  /** Host ids by host name, for pools with an affinity host. */
  hostIds: Record<string, pulumi.Output<string>>;
}

export function lookupXo(spec: ClusterSpec["xo"], hostNames: string[], parent: pulumi.Resource): XoRefs {
  const opts = { parent };
  const poolId = xo.getXoaPoolOutput({ nameLabel: spec.pool }, opts).id;
  return {
    poolId,
    templateId: xo.getXoaTemplateOutput({ nameLabel: spec.template, poolId }, opts).id,
    srId: xo.getXoaStorageRepositoryOutput({ nameLabel: spec.sr, poolId }, opts).id,
    hostIds: Object.fromEntries(
      [...new Set(hostNames)].sort().map((name) => [name, xo.getXoaHostOutput({ nameLabel: name }, opts).id]),
    ),
  };
}
