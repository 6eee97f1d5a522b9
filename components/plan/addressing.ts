/**
 * The cluster's VLAN, subnet and fixed address blocks. Everything derives from the cluster
 * number unless pinned; a node's address is its block's base plus its index, so adding or
 * removing a node never moves another one.
 */
import type { LayoutSpec } from "../config/schema";
import { contains, formatCidr, ipToNumber, numberToIp, parseCidr, type Cidr } from "../lib/ipv4";
import type { Problem } from "./problems";
import type { AddressBlock } from "./types";

export interface SubnetInput {
  number: number;
  vlan?: number;
  cidr?: string;
  gateway?: string;
  supernet: string;
  clusterPrefix: number;
  vlanBase: number;
  layout: LayoutSpec;
}

/** Offsets (from the network address) of every fixed block; see docs/ip-plan.md. */
export interface Layout {
  subnet: Cidr;
  vlan: number;
  gateway: number;
  vip: number;
  reserved: Block | null;
  servers: Block;
  workerSlots: Block[];
  dhcp: Block | null;
}

export interface Block {
  name: string;
  first: number;
  size: number;
}

export const MAX_VLAN = 4094;

export function blockToPlan(block: Block): AddressBlock {
  return {
    name: block.name,
    first: numberToIp(block.first),
    last: numberToIp(block.first + block.size - 1),
    size: block.size,
  };
}

export function describeBlock(block: Block): string {
  return `${numberToIp(block.first)}–${numberToIp(block.first + block.size - 1)}`;
}

/** Derives (or checks the pinned) VLAN, subnet and gateway, then lays out the blocks. */
export function planLayout(input: SubnetInput, problems: Problem[]): Layout | null {
  const vlan = input.vlan ?? input.vlanBase + input.number;
  if (vlan < 1 || vlan > MAX_VLAN) {
    problems.push({
      path: input.vlan === undefined ? ["network", "vlanBase"] : ["cluster", "vlan"],
      message:
        input.vlan === undefined
          ? `VLAN ${vlan} (network.vlanBase ${input.vlanBase} + cluster.number ${input.number}) is out of range 1–${MAX_VLAN}`
          : `VLAN ${vlan} is out of range 1–${MAX_VLAN}`,
    });
  }
  const subnet =
    input.cidr === undefined ? deriveSubnet(input, problems) : pinnedSubnet(input.cidr, problems);
  if (!subnet) return null;

  const gateway = input.gateway === undefined ? subnet.network + 1 : ipToNumber(input.gateway);
  if (
    !contains(subnet, gateway) ||
    gateway === subnet.network ||
    gateway === subnet.network + subnet.size - 1
  ) {
    problems.push({
      path: ["cluster", "gateway"],
      message: `${numberToIp(gateway)} is not a host address of ${formatCidr(subnet)}`,
    });
  }

  const { reserved, serverBlock, workerSlotSize, workerSlots } = input.layout;
  let next = subnet.network + 2;
  const take = (name: string, size: number): Block => {
    const block = { name, first: next, size };
    next += size;
    return block;
  };
  const reservedBlock = reserved > 0 ? take("reserved", reserved) : null;
  const vip = next;
  next += 1;
  const servers = take("servers", serverBlock);
  const slots = Array.from({ length: workerSlots }, (_, k) => take(`workers-slot${k}`, workerSlotSize));
  const broadcast = subnet.network + subnet.size - 1;
  if (next > broadcast) {
    problems.push({
      path: ["network", "layout"],
      message: `the address layout needs ${next - subnet.network + 1} addresses but ${formatCidr(subnet)} has ${subnet.size}; shrink network.layout or use a larger network.clusterPrefix`,
    });
    return null;
  }
  const dhcp = broadcast - next > 0 ? { name: "dhcp", first: next, size: broadcast - next } : null;

  // Only a pinned gateway can land here: the derived one is network + 1, before every block.
  const inBlock = [servers, ...slots, ...(dhcp ? [dhcp] : [])].find(
    (b) => gateway >= b.first && gateway < b.first + b.size,
  );
  if (gateway === vip || inBlock) {
    problems.push({
      path: ["cluster", "gateway"],
      message: `${numberToIp(gateway)} falls inside the ${inBlock?.name ?? "vip"} block; pin a gateway in the first addresses of the subnet`,
    });
  }
  return { subnet, vlan, gateway, vip, reserved: reservedBlock, servers, workerSlots: slots, dhcp };
}

function deriveSubnet(input: SubnetInput, problems: Problem[]): Cidr | null {
  const supernet = parseCidr(input.supernet);
  if (!supernet.aligned) {
    problems.push({
      path: ["network", "supernet"],
      message: `${input.supernet} has host bits set; write ${formatCidr(supernet)}`,
    });
  }
  if (input.clusterPrefix < supernet.prefixLength) {
    problems.push({
      path: ["network", "clusterPrefix"],
      message: `/${input.clusterPrefix} is larger than the supernet ${formatCidr(supernet)}`,
    });
    return null;
  }
  const size = 2 ** (32 - input.clusterPrefix);
  const count = supernet.size / size;
  if (input.number >= count) {
    problems.push({
      path: ["cluster", "number"],
      message:
        count > 1
          ? `cluster ${input.number} has no /${input.clusterPrefix} in ${formatCidr(supernet)} (numbers 1–${count - 1} fit)`
          : `cluster ${input.number} has no /${input.clusterPrefix} in ${formatCidr(supernet)}: it holds only one, and cluster numbers start at 1; use a longer network.clusterPrefix`,
    });
    return null;
  }
  return { network: supernet.network + input.number * size, prefixLength: input.clusterPrefix, size };
}

function pinnedSubnet(text: string, problems: Problem[]): Cidr | null {
  const cidr = parseCidr(text);
  if (!cidr.aligned) {
    problems.push({
      path: ["cluster", "cidr"],
      message: `${text} has host bits set; write ${formatCidr(cidr)}`,
    });
  }
  if (cidr.prefixLength > 28 || cidr.prefixLength < 16) {
    problems.push({
      path: ["cluster", "cidr"],
      message: `prefix /${cidr.prefixLength} must be between /16 and /28`,
    });
    return null;
  }
  return { network: cidr.network, prefixLength: cidr.prefixLength, size: cidr.size };
}
