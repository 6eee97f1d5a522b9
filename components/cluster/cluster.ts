/**
 * One use-case cluster: its XO network, join token, Rancher entry, node pools and access, wired
 * from the plan. All decisions were taken by the config loader and the pure planners before
 * this component exists. Every VM is created in parallel: the boot scripts order the joins.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { nodeNetworkConfig, nodeUserData } from "../../cloud-init/nodeCloudInit";
import { kubeconfigSource } from "../plan/kubeconfig";
import { adminKeyPair, NodeKubeconfig } from "../access/nodeKubeconfig";
import type { LoadedStack } from "../stack/load";
import { ClusterNetwork } from "../network/clusterNetwork";
import { NodePool } from "../nodepool/nodePool";
import type { NodePlan } from "../plan/types";
import { ClusterAccess } from "../rancher/clusterAccess";
import { RancherDeregistration } from "../rancher/deregistration";
import { RancherRegistration } from "../rancher/registration";
import { ClusterCa, secureToken } from "../rke2/clusterCa";
import { nodeBoot } from "../rke2/nodeBoot";
import { nodePassword } from "../rke2/nodePassword";
import { customMachineGlobalConfig, rke2Settings } from "../rke2/settings";
import { Workloads } from "../workloads/workloads";
import { lookupXo } from "../xo/inventory";

export interface ClusterArgs {
  /** The validated, planned stack (from loadStack). */
  stack: LoadedStack;
  /** Forwarded to every VM; see NodePoolArgs.ignoreChanges. */
  vmIgnoreChanges?: string[];
  /** The management stack's Rancher (issue 11): the deregistration uses it at destroy. */
  rancherApi?: { url: string; token: pulumi.Output<string> };
}

export class Cluster extends pulumi.ComponentResource {
  readonly network: ClusterNetwork;
  readonly pools: Record<string, NodePool> = {};
  readonly rancher: RancherRegistration;
  /** The kubeconfig (secret) and its provider: from Rancher or from the bootstrap server (docs/rancher.md). */
  readonly access: ClusterAccess | NodeKubeconfig | undefined;
  readonly workloads: Workloads | undefined;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:cluster:Cluster", name, {}, opts);
    const { spec, plan, profile } = args.stack;
    const identity = { name: plan.cluster.name, environment: spec.environment, useCase: spec.useCase };
    const affinityHosts = plan.nodes.flatMap((n) => (n.affinityHost !== null ? [n.affinityHost] : []));
    const xoRefs = lookupXo(spec.xo, affinityHosts, this);
    const settings = rke2Settings(spec, profile);

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

    // Stable for the cluster's life: nothing in the config rotates it.
    const token = new random.RandomPassword(
      `${name}-join-token`,
      { length: 48, special: false },
      { parent: this },
    );
    // Agents join with this one: the server token above is cluster admin (RKE2 security/token).
    const agentToken = new random.RandomPassword(
      `${name}-agent-token`,
      { length: 48, special: false },
      { parent: this },
    );
    // Seed of the per-node passwords: a re-created VM presents its predecessor's (nodePassword.ts).
    const nodePasswordSeed = new random.RandomPassword(
      `${name}-node-password-seed`,
      { length: 48, special: false },
      { parent: this },
    );
    // The cluster CA: servers get it before RKE2 starts; nodes get tokens that pin it.
    const ca = new ClusterCa(`${name}-ca`, {}, { parent: this });
    // The version new nodes install, fixed when the cluster is created: a version bump in the
    // config goes to Rancher's upgrade (below), never into the VMs' cloud-init.
    const installPin = new random.RandomString(
      `${name}-rke2-install-version`,
      { length: 8, special: false, upper: false, keepers: { version: spec.rke2.version } },
      { parent: this, ignoreChanges: ["keepers"] },
    );
    const installVersion = installPin.keepers.apply((k) => k?.version ?? spec.rke2.version);

    this.rancher = new RancherRegistration(
      `${name}-rancher`,
      {
        mode: spec.rancher.mode,
        clusterName: plan.cluster.name,
        description:
          spec.cluster.description ??
          `${spec.useCase} (${spec.environment}), managed by cluster-orchestrator`,
        labels: {
          "cluster-orchestrator.io/use-case": spec.useCase,
          "cluster-orchestrator.io/env": spec.environment,
          ...spec.rancher.labels,
        },
        kubernetesVersion: spec.rke2.version,
        insecure: spec.rancher.insecure,
        machineGlobalConfig: customMachineGlobalConfig(settings),
      },
      { parent: this },
    );

    // kubeconfig.source node: a key pair of this stack may log in to the bootstrap server only.
    const fromNode = kubeconfigSource(spec) === "node";
    const adminKey = fromNode ? adminKeyPair(name, this) : undefined;
    const userData = (node: NodePlan) =>
      pulumi.secret(
        pulumi
          .all([
            token.result,
            agentToken.result,
            nodePasswordSeed.result,
            ca.material,
            installVersion,
            this.rancher.manifestUrl,
            this.rancher.nodeCommand,
            adminKey && node.bootstrap ? adminKey.publicKeyOpenssh : null,
          ])
          .apply(([server, agent, seed, caMaterial, version, manifestUrl, nodeCommand, stackKey]) =>
            nodeUserData(
              stackKey === null
                ? spec
                : {
                    ...spec,
                    nodes: {
                      ...spec.nodes,
                      sshAuthorizedKeys: [...spec.nodes.sshAuthorizedKeys, stackKey.trim()],
                    },
                  },
              plan,
              node,
              nodeBoot(spec, plan, settings, node, {
                tokens: {
                  server: secureToken(caMaterial.serverCaHash, "server", server),
                  agent: secureToken(caMaterial.serverCaHash, "node", agent),
                },
                nodePassword: nodePassword(seed, node.hostname),
                caFiles: caMaterial.files,
                installVersion: version,
                manifestUrl,
                nodeCommand,
              }),
            ),
          ),
      );

    for (const poolName of [...new Set(plan.nodes.map((n) => n.pool))]) {
      const nodes = plan.nodes
        .filter((n) => n.pool === poolName)
        .map((n) => ({ plan: n, userData: userData(n), networkConfig: nodeNetworkConfig(plan, n) }));
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
          // Created after, and destroyed before, the Rancher entry: teardown order is fixed.
          dependsOn: this.rancher.resource ? [this.rancher.resource] : [],
        },
        { parent: this },
      );
    }

    const vms = Object.values(this.pools).flatMap((p) => Object.values(p.vms));
    // Destroy order (components/rancher/deregistration.ts): workloads, access, then Rancher removes
    // the imported cluster while its nodes still run, then the VMs, then the (already gone) entry.
    const deregistration =
      spec.rancher.mode === "import"
        ? new RancherDeregistration(
            `${name}-rancher-deregistration`,
            {
              clusterId: this.rancher.clusterId.apply((id) => id ?? ""),
              timeoutSeconds: 600,
              ...(args.rancherApi
                ? { rancherUrl: args.rancherApi.url, rancherToken: pulumi.secret(args.rancherApi.token) }
                : {}),
            },
            { parent: this, dependsOn: vms },
          )
        : undefined;
    const bootstrap = plan.nodes.find((n) => n.bootstrap);
    const bootstrapVm = bootstrap ? this.pools[bootstrap.pool]?.vms[bootstrap.key] : undefined;
    this.access =
      adminKey && bootstrap?.ip && bootstrapVm
        ? new NodeKubeconfig(
            `${name}-node-access`,
            {
              key: adminKey,
              host: bootstrap.ip,
              user: spec.nodes.adminUser,
              apiAddress: plan.network.registrationAddress,
              nodes: deregistration ? [...vms, deregistration] : vms,
              trigger: bootstrapVm.id,
              timeout: spec.rancher.syncTimeout,
            },
            { parent: this },
          )
        : spec.rancher.mode === "none"
          ? undefined
          : new ClusterAccess(
              `${name}-access`,
              {
                clusterId: this.rancher.clusterId.apply((id) => id ?? ""),
                nodes: deregistration ? [...vms, deregistration] : vms,
                syncTimeout: spec.rancher.syncTimeout,
              },
              { parent: this },
            );
    this.workloads =
      this.access && args.stack.workloads.length > 0
        ? new Workloads(
            `${name}-workloads`,
            {
              components: args.stack.workloads,
              provider: this.access.provider,
              egressAllowlist: spec.workloads === "none" ? [] : spec.workloads.egressAllowlist,
            },
            { parent: this },
          )
        : undefined;
    this.registerOutputs({ networkId: this.network.networkId, rancherClusterId: this.rancher.clusterId });
  }
}
