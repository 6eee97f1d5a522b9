/** The parts of a plan shown to people: in the stack outputs and in the offline render. */
import type { NetworkPlan, NodePlan } from "./types";

export function networkSummary(network: NetworkPlan) {
  return {
    vlan: network.vlan,
    cidr: network.cidr,
    gateway: network.gateway,
    vip: network.vip,
    registrationAddress: network.registrationAddress,
    apiFqdn: network.apiFqdn,
    dhcpRange: network.dhcpRange,
  };
}

export function nodeSummary(node: NodePlan) {
  return {
    hostname: node.hostname,
    fqdn: node.fqdn,
    pool: node.pool,
    role: node.role,
    ip: node.ip,
    mac: node.mac,
  };
}
