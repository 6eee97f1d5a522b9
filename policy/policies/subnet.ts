/**
 * Static VM addresses lie inside the cluster subnet. A stack policy, because the subnet belongs to
 * the cluster's XO network, not to the VM: each VM's `networks[].expectedIpCidr` (`<ip>/32` for a
 * static node, the subnet itself for a DHCP node) is compared with the subnet of the network it is
 * attached to. That subnet comes from, in order:
 *   1. the policy configuration `subnets: { "<stack>": "<cidr>" }` (a pin; needed for a cluster on
 *      an existing XO network, which the stack does not declare);
 *   2. the XoaNetwork the VM's `networks` input depends on (else the VM's dependencies, else the
 *      stack's only XoaNetwork), from the CIDR its description carries
 *      (`<cluster>: <cidr> (managed by cluster-orchestrator)`, written by ClusterNetwork).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { findCidr, formatCidr, formatIpv4, parseCidr, within, type Cidr } from "../lib/ipv4";
import {
  field,
  knownItems,
  NETWORK_TYPE,
  stackOfUrn,
  stringField,
  VM_TYPE,
  withDefaults,
} from "../lib/resources";

export interface SubnetConfig {
  /** Cluster subnet per stack name, overriding what the stack's XO network says. */
  subnets: Record<string, string>;
}

interface Subnet {
  cidr: Cidr;
  source: string;
}

function networkSubnet(network: PolicyResource): Subnet | undefined {
  const description = stringField(network.props as unknown, "nameDescription");
  const cidr = description === undefined ? undefined : findCidr(description);
  return (
    cidr && {
      cidr: { ...cidr, address: cidr.network },
      source: `the description of XO network '${network.name}'`,
    }
  );
}

function networkOf(vm: PolicyResource, networks: PolicyResource[]): PolicyResource | undefined {
  const byProperty = (vm.propertyDependencies.networks ?? []).filter((r) => r.type === NETWORK_TYPE);
  if (byProperty.length === 1) return byProperty[0];
  const byDependency = vm.dependencies.filter((r) => r.type === NETWORK_TYPE);
  if (byDependency.length === 1) return byDependency[0];
  return networks.length === 1 ? networks[0] : undefined;
}

export const vmAddressInClusterSubnet: StackValidationPolicy = {
  name: "vm-address-in-cluster-subnet",
  description:
    "VM addresses (networks[].expectedIpCidr) lie inside the cluster subnet, static ones are neither the network nor the broadcast address, and no two VMs share one.",
  remediationSteps:
    "Take node addresses from the IP plan (components/plan); for a cluster on an existing XO network, pin its subnet in this policy's `subnets` configuration.",
  configSchema: {
    properties: {
      subnets: {
        type: "object",
        additionalProperties: { type: "string", pattern: "^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$" },
        default: {},
        description: 'Cluster subnet per stack name, e.g. { "legal-ai-dev": "10.10.1.0/24" }.',
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { subnets } = withDefaults(args.getConfig<Partial<SubnetConfig>>(), { subnets: {} });
    const vms = args.resources.filter((r) => r.type === VM_TYPE);
    const networks = args.resources.filter((r) => r.type === NETWORK_TYPE);
    const owners = new Map<number, string>();

    for (const vm of vms) {
      const stack = stackOfUrn(vm.urn);
      const pinned = subnets[stack];
      let subnet: Subnet | undefined;
      if (pinned !== undefined) {
        const cidr = parseCidr(pinned);
        if (!cidr) {
          reportViolation(`policy configuration: subnets.${stack} '${pinned}' is not an IPv4 CIDR`);
          return;
        }
        subnet = { cidr, source: `the policy configuration subnets.${stack}` };
      } else {
        const network = networkOf(vm, networks);
        subnet = network && networkSubnet(network);
      }

      const entries = field(vm.props as unknown, "networks");
      if (!entries.known) continue;
      knownItems(entries.value).items.forEach((entry, i) => {
        const expected = stringField(entry, "expectedIpCidr");
        if (expected === undefined) return;
        const where = `VM '${vm.name}' networks[${i}].expectedIpCidr '${expected}'`;
        const cidr = parseCidr(expected);
        if (!cidr) {
          reportViolation(`${where} is not an IPv4 CIDR`, vm.urn);
          return;
        }
        if (!subnet) {
          reportViolation(
            `${where}: cannot tell the cluster subnet (no XO network with a CIDR in its description in this stack); pin it in this policy's configuration subnets.${stack || "<stack>"}`,
            vm.urn,
          );
          return;
        }
        const inSubnet = `inside the cluster subnet ${formatCidr(subnet.cidr)} (from ${subnet.source})`;
        if (!within(cidr, subnet.cidr)) {
          reportViolation(`${where} is not ${inSubnet}`, vm.urn);
          return;
        }
        if (cidr.prefixLength !== 32) return;
        const { network, size } = subnet.cidr;
        if (size > 2 && (cidr.address === network || cidr.address === network + size - 1)) {
          const what = cidr.address === network ? "network" : "broadcast";
          reportViolation(
            `${where} is the ${what} address of the cluster subnet ${formatCidr(subnet.cidr)}`,
            vm.urn,
          );
          return;
        }
        const owner = owners.get(cidr.address);
        if (owner !== undefined && owner !== vm.name) {
          reportViolation(
            `${where}: ${formatIpv4(cidr.address)} is already the address of VM '${owner}'`,
            vm.urn,
          );
        }
        owners.set(cidr.address, vm.name);
      });
    }
  },
};
