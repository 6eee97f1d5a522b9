/**
 * The cluster's layer-2 boundary: a new XO network on the cluster VLAN over the PIF the
 * environment names, or an existing network looked up by name. Protected in prod: deleting it
 * would cut every VM of the cluster off.
 */
import * as pulumi from "@pulumi/pulumi";
import * as xo from "@vates/pulumi-xenorchestra";
import { networkName } from "../plan/naming";
import type { NetworkPlan } from "../plan/types";

export interface ClusterNetworkArgs {
  clusterName: string;
  plan: NetworkPlan;
  poolId: pulumi.Input<string>;
  pifDevice: string;
  /** Attach to this existing XO network instead of creating the VLAN network. */
  existingNetwork?: string;
  protect: boolean;
}

export class ClusterNetwork extends pulumi.ComponentResource {
  readonly networkId: pulumi.Output<string>;
  readonly nameLabel: string;

  constructor(name: string, args: ClusterNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:network:ClusterNetwork", name, {}, opts);
    const { plan } = args;
    if (args.existingNetwork !== undefined) {
      this.nameLabel = args.existingNetwork;
      this.networkId = xo.getXoaNetworkOutput(
        { nameLabel: args.existingNetwork, poolId: args.poolId },
        { parent: this },
      ).id;
    } else {
      this.nameLabel = networkName(args.clusterName, plan.vlan);
      const network = new xo.XoaNetwork(
        `${name}-vlan`,
        {
          nameLabel: this.nameLabel,
          nameDescription: `${args.clusterName}: ${plan.cidr} (managed by cluster-orchestrator)`,
          poolId: args.poolId,
          vlan: plan.vlan,
          sourcePifDevice: args.pifDevice,
          mtu: plan.mtu,
          // Only VMs we attach explicitly belong on a cluster network.
          automatic: false,
        },
        // A different VLAN or PIF is a different network: replace, never mutate in place.
        { parent: this, protect: args.protect, replaceOnChanges: ["vlan", "sourcePifDevice"] },
      );
      this.networkId = network.id;
    }
    this.registerOutputs({ networkId: this.networkId });
  }
}
