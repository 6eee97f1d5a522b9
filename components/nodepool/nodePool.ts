/**
 * One pool of cluster nodes: one XO VM per planned node. VMs are named by hostname and keyed by
 * pool + index, so scaling adds or removes only the nodes at the end of the pool. Static MACs
 * and addresses mean a replacement must delete the old VM first (XO refuses a duplicate MAC).
 */
import * as pulumi from "@pulumi/pulumi";
import * as xo from "@vates/pulumi-xenorchestra";
import type { NodePlan } from "../plan/types";
import { vmArgs, type ClusterIdentity, type VmRefs } from "./vmArgs";

export interface PoolNode {
  plan: NodePlan;
  userData: pulumi.Input<string>;
  networkConfig: pulumi.Input<string>;
}

export interface NodePoolArgs {
  cluster: ClusterIdentity;
  nodes: PoolNode[];
  refs: Omit<VmRefs, "affinityHostId">;
  hostIds: Record<string, pulumi.Input<string>>;
  subnetCidr: string;
  timeouts: { create: string; update: string; delete: string };
  /**
   * Passed to every VM. Component options do not reach children, so this is an argument.
   * Default DEFAULT_IGNORE_CHANGES. `[]` replaces whole pools deliberately.
   */
  ignoreChanges?: string[];
  /**
   * VM input paths whose change replaces the VM instead of updating it. Default
   * NODE_IDENTITY_PATHS: the provider would swap the VIF in place with the new MAC and cloud-init
   * never re-runs, so the node's netplan (matched by MAC) would strand it.
   */
  replaceOnChanges?: string[];
  /** Resources every VM waits for (component options do not reach children). */
  dependsOn?: pulumi.Resource[];
}

/**
 * A node's network identity: its MAC (derived from its address) and the address creation waits
 * for. On a change the provider deletes and re-creates the VIF in place (`d.HasChange("network")`
 * in xoa/resource_xenorchestra_vm.go, terraform-provider-xenorchestra v0.37.3); the guest's
 * netplan, written once by cloud-init, still matches the old MAC. Replacing the VM re-runs
 * cloud-init with the new identity. No perpetual replacement: the provider keeps
 * expected_ip_cidr from state on read and suppresses equivalent MAC spellings
 * (vifsToMapList, suppressEquivalentMAC), so these paths differ only on a real change.
 */
export const NODE_IDENTITY_PATHS = ["networks[*].macAddress", "networks[*].expectedIpCidr"];

/**
 * Inputs whose change would replace every VM at once, so they apply to new nodes and existing
 * ones are rolled deliberately, one at a time (docs/nodes.md): a new golden template, and
 * destroyCloudConfigVdiAfterBoot, which is ForceNew in the provider (v0.37.3) and so would
 * otherwise replace every VM created before it was set, all servers together.
 */
export const DEFAULT_IGNORE_CHANGES = ["template", "destroyCloudConfigVdiAfterBoot"];

export class NodePool extends pulumi.ComponentResource {
  readonly vms: Record<string, xo.Vm> = {};

  constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:nodepool:NodePool", name, {}, opts);
    for (const node of args.nodes) {
      const host = node.plan.affinityHost;
      const refs: VmRefs = { ...args.refs, ...(host !== null ? { affinityHostId: args.hostIds[host] } : {}) };
      this.vms[node.plan.key] = new xo.Vm(
        `${name}-${node.plan.index}`,
        vmArgs(args.cluster, node.plan, refs, node, args.subnetCidr),
        {
          parent: this,
          deleteBeforeReplace: true,
          customTimeouts: args.timeouts,
          ignoreChanges: args.ignoreChanges ?? DEFAULT_IGNORE_CHANGES,
          replaceOnChanges: args.replaceOnChanges ?? NODE_IDENTITY_PATHS,
          dependsOn: args.dependsOn ?? [],
          // The engine already keeps outputs of secret inputs secret; this states it for the state file.
          additionalSecretOutputs: ["cloudConfig"],
        },
      );
    }
    this.registerOutputs({
      vmIds: Object.fromEntries(Object.entries(this.vms).map(([k, vm]) => [k, vm.id])),
    });
  }
}
