/**
 * One use-case cluster: its XO network and its node pools, wired from the plan. All decisions
 * were taken by the config loader and the pure planners before this component exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { nodeCloudInit } from "../../cloud-init/nodeCloudInit";
import type { LoadedStack } from "../config/load";
import { ClusterNetwork } from "../network/clusterNetwork";
import { NodePool } from "../nodepool/nodePool";
import { lookupXo } from "../xo/inventory";

export interface ClusterArgs {
  /** The validated, planned stack (from loadStack). */
  stack: LoadedStack;
  /** Forwarded to every VM; see NodePoolArgs.ignoreChanges. */
  vmIgnoreChanges?: string[];
}

export class Cluster extends pulumi.ComponentResource {
  readonly network: ClusterNetwork;
  readonly pools: Record<string, NodePool> = {};

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:cluster:Cluster", name, {}, opts);
    const { spec, plan } = args.stack;
    const identity = { name: plan.cluster.name, environment: spec.environment, useCase: spec.useCase };
    const affinityHosts = plan.nodes.flatMap((n) => (n.affinityHost !== null ? [n.affinityHost] : []));
    const xoRefs = lookupXo(spec.xo, affinityHosts, this);

    this.network = new ClusterNetwork(
      `${name}-network`,
      {
        clusterName: plan.cluster.name,
        plan: plan.network,
        poolId: xoRefs.poolId,
        pifDevice: spec.xo.pifDevice,
        existingNetwork: spec.network.existingNetwork,
        protect: spec.protect ?? spec.environment === "prod",
      },
      { parent: this },
    );

    for (const poolName of [...new Set(plan.nodes.map((n) => n.pool))]) {
      const nodes = plan.nodes
        .filter((n) => n.pool === poolName)
        .map((n) => ({ plan: n, ...nodeCloudInit(spec, plan, n) }));
      this.pools[poolName] = new NodePool(
        `${name}-${poolName}`,
        {
          cluster: identity,
          nodes,
          refs: { templateId: xoRefs.templateId, srId: xoRefs.srId, networkId: this.network.networkId },
          hostIds: xoRefs.hostIds,
          subnetCidr: plan.network.cidr,
          timeouts: {
            create: spec.xo.createTimeout,
            update: spec.xo.updateTimeout,
            delete: spec.xo.deleteTimeout,
          },
          ignoreChanges: args.vmIgnoreChanges,
        },
        { parent: this },
      );
    }
    this.registerOutputs({ networkId: this.network.networkId });
  }
}
