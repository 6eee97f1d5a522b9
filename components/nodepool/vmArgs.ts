/** The XO VM arguments of one node: plain mapping from the node plan, unit-testable. */
import type * as pulumi from "@pulumi/pulumi";
import type * as xo from "@vates/pulumi-xenorchestra";
import type { NodePlan } from "../plan/types";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface ClusterIdentity {
  name: string;
  environment: string;
  useCase: string;
}

export interface VmRefs {
  templateId: pulumi.Input<string>;
  srId: pulumi.Input<string>;
  networkId: pulumi.Input<string>;
  /** XO host id for the node's affinity host, when it has one. */
  affinityHostId?: pulumi.Input<string>;
}

/** XO tags as key=value strings: what a human filters on in XO, and what the policy pack checks. */
export function vmTags(cluster: ClusterIdentity, node: NodePlan): string[] {
  return [
    "managed-by=cluster-orchestrator",
    `env=${cluster.environment}`,
    `use-case=${cluster.useCase}`,
    `cluster=${cluster.name}`,
    `pool=${node.pool}`,
    `role=${node.role}`,
  ];
}

export function vmArgs(
  cluster: ClusterIdentity,
  node: NodePlan,
  refs: VmRefs,
  cloudInit: { userData: pulumi.Input<string>; networkConfig: pulumi.Input<string> },
  subnetCidr: string,
): xo.VmArgs {
  const disks: xo.types.input.VmDisk[] = [
    { nameLabel: `${node.hostname}-root`, size: node.diskGiB * GiB, srId: refs.srId },
  ];
  if (node.dataDiskGiB !== null) {
    disks.push({ nameLabel: `${node.hostname}-data`, size: node.dataDiskGiB * GiB, srId: refs.srId });
  }
  return {
    nameLabel: node.hostname,
    nameDescription: `${cluster.name} ${node.role} (${node.pool} #${node.index}), managed by cluster-orchestrator`,
    template: refs.templateId,
    cpus: node.cpus,
    memoryMax: node.memoryMiB * MiB,
    disks,
    networks: [
      {
        networkId: refs.networkId,
        macAddress: node.mac,
        // Creation waits until the guest reports this address (needs guest tools in the template).
        expectedIpCidr: node.ip !== null ? `${node.ip}/32` : subnetCidr,
      },
    ],
    cloudConfig: cloudInit.userData,
    cloudNetworkConfig: cloudInit.networkConfig,
    tags: vmTags(cluster, node),
    autoPoweron: true,
    ...(refs.affinityHostId !== undefined ? { affinityHost: refs.affinityHostId } : {}),
  };
}
