/**
 * Waits for the cluster to be active in Rancher, then exposes its kubeconfig (secret) and a
 * Kubernetes provider for the workloads. The provider drops resources of an unreachable cluster
 * from state instead of hanging a destroy whose VMs are already gone.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";

export interface ClusterAccessArgs {
  clusterId: pulumi.Input<string>;
  /** The VMs: the sync starts once they exist, and is removed before them at destroy. */
  nodes: pulumi.Resource[];
  syncTimeout: string;
}

export class ClusterAccess extends pulumi.ComponentResource {
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;

  constructor(name: string, args: ClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:rancher:ClusterAccess", name, {}, opts);
    const sync = new rancher2.ClusterSync(
      `${name}-sync`,
      { clusterId: args.clusterId, stateConfirm: 2 },
      {
        parent: this,
        dependsOn: args.nodes,
        customTimeouts: { create: args.syncTimeout, update: args.syncTimeout },
      },
    );
    this.kubeconfig = pulumi.secret(sync.kubeConfig);
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, deleteUnreachable: true },
      { parent: this },
    );
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
