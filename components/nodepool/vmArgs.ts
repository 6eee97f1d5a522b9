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
    // Static memory (dynamic minimum = maximum): ballooning must never shrink a Kubernetes node
    // below what the scheduler counted on. The provider sets dynamic [min, max] and static max
    // (xoa/resource_xenorchestra_vm.go, v0.37.3); a memoryMin change alone does not halt the VM.
    memoryMin: node.memoryMiB * MiB,
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
    // XO deletes the config drive (tokens, keys) once the VM has booted, so root on the node or a
    // snapshot of its disks cannot read it later. The provider passes it to XO's vm.create with
    // bootAfterCreate (xenorchestra-go-sdk v1.10.0 client/vm.go); the field is ForceNew and needs
    // powerState Running (its default). The guest keeps what cloud-init wrote on first boot.
    // XO removes it on a timer, 5 minutes after the start since XO 5.103.0; older XO removed it
    // before cloud-init could read it (vatesfr/xen-orchestra#8219): XO >= 5.103.0 (README).
    destroyCloudConfigVdiAfterBoot: true,
    tags: vmTags(cluster, node),
    autoPoweron: true,
    ...(refs.affinityHostId !== undefined ? { affinityHost: refs.affinityHostId } : {}),
  };
}
