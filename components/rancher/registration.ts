/**
 * The cluster's entry in an existing Rancher server.
 * - import: a `rancher2.Cluster`; the bootstrap server applies its registration manifest.
 * - custom: a `rancher2.ClusterV2`; every node runs Rancher's system-agent command.
 * - none: nothing here.
 * Registration URLs and commands carry a token: they are secrets from the start.
 */
import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";
import type { RancherSpec } from "../config/schema";

export interface RancherRegistrationArgs {
  mode: RancherSpec["mode"];
  clusterName: string;
  description: string;
  labels: Record<string, string>;
  /** Import mode: Rancher upgrades the imported cluster to this version (docs/rke2.md). */
  kubernetesVersion: string;
  insecure: boolean;
  /** Custom mode: the RKE2 settings every node gets (components/rke2/settings.ts). */
  machineGlobalConfig?: string;
}

export class RancherRegistration extends pulumi.ComponentResource {
  /** The Rancher cluster id (`c-xxxxx`), or undefined in mode none. */
  readonly clusterId: pulumi.Output<string | undefined>;
  readonly manifestUrl: pulumi.Output<string | null>;
  readonly nodeCommand: pulumi.Output<string | null>;
  /** The resource the nodes wait for (and outlive at destroy), if any. */
  readonly resource: pulumi.Resource | undefined;

  constructor(name: string, args: RancherRegistrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:rancher:RancherRegistration", name, {}, opts);
    const common = { name: args.clusterName, description: args.description, labels: args.labels };
    if (args.mode === "import") {
      const cluster = new rancher2.Cluster(
        `${name}-cluster`,
        {
          ...common,
          rke2Config: {
            version: args.kubernetesVersion,
            upgradeStrategy: { serverConcurrency: 1, workerConcurrency: 1 },
          },
        },
        // The SDK marks only caCert and kubeConfig secret; the token's URL and commands are too.
        {
          parent: this,
          additionalSecretOutputs: ["clusterRegistrationToken"],
          customTimeouts: { delete: "10m" },
        },
      );
      this.clusterId = cluster.id;
      this.manifestUrl = pulumi.secret(cluster.clusterRegistrationToken.manifestUrl);
      this.nodeCommand = pulumi.output(null);
      this.resource = cluster;
    } else if (args.mode === "custom") {
      // ClusterV2 has no description argument; Rancher reads a provisioning cluster's from this
      // annotation (rancher/terraform-provider-rancher2#965).
      const cluster = new rancher2.ClusterV2(
        `${name}-cluster`,
        {
          name: args.clusterName,
          labels: args.labels,
          annotations: { "field.cattle.io/description": args.description },
          kubernetesVersion: args.kubernetesVersion,
          ...(args.machineGlobalConfig !== undefined
            ? { rkeConfig: { machineGlobalConfig: args.machineGlobalConfig } }
            : {}),
        },
        { parent: this, customTimeouts: { delete: "10m" } },
      );
      this.clusterId = cluster.clusterV1Id;
      this.manifestUrl = pulumi.output(null);
      this.nodeCommand = pulumi.secret(
        cluster.clusterRegistrationToken.apply((t) =>
          args.insecure ? t.insecureNodeCommand : t.nodeCommand,
        ),
      );
      this.resource = cluster;
    } else {
      this.clusterId = pulumi.output(undefined);
      this.manifestUrl = pulumi.output(null);
      this.nodeCommand = pulumi.output(null);
      this.resource = undefined;
    }
    this.registerOutputs({ clusterId: this.clusterId });
  }
}
