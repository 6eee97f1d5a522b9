/**
 * Renders a node's cloud-init `network-config` (network config format version 2).
 *
 * Top level: the bare form (`version: 2` at the root), not `network: {version: 2}`. Both are read
 * by `cloud-init devel net-convert` and by cloud-init >= 22.2 at boot, but older releases (e.g.
 * Debian 11's 20.4) only accept the bare form on a NoCloud drive, and it is the form the NoCloud
 * docs show.
 */
import { stringify } from "yaml";
import { NetworkConfigInput } from "./types";

/**
 * The name the node's only NIC gets, whatever the kernel called it (enX0 or eth0 under Xen):
 * kube-vip (ARP mode) and RKE2's node-ip settings can rely on it.
 */
export const NODE_INTERFACE = "eth0";

/** PyYAML reads YAML 1.1: an unquoted MAC like 12:34:56:12:34:56 would be a base-60 integer. */
const yamlOptions = { version: "1.1", lineWidth: 0 } as const;

const macPattern = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export function renderNetworkConfig(input: NetworkConfigInput): string {
  // Lower case: the ENI renderer turns the match into a udev rule compared as a string with the
  // kernel's (lower-case) address.
  const mac = input.mac.toLowerCase();
  if (!macPattern.test(mac)) throw new Error(`invalid MAC address "${input.mac}"`);

  const nameservers = {
    ...(input.resolvers.length > 0 ? { addresses: input.resolvers } : {}),
    ...(input.searchDomains.length > 0 ? { search: input.searchDomains } : {}),
  };

  const addressing = input.address
    ? {
        dhcp4: false,
        addresses: [`${input.address.ip}/${input.address.prefixLength}`],
        // 0.0.0.0/0, not `to: default`: Debian 12's cloud-init (22.4) rejects "default" when it
        // renders ENI or networkd (upstream accepts it only since 2025). Not gateway4: netplan
        // deprecated it.
        routes: [{ to: "0.0.0.0/0", via: input.address.gateway }],
      }
    : { dhcp4: true };

  const config = {
    version: 2,
    ethernets: {
      [NODE_INTERFACE]: {
        match: { macaddress: mac },
        "set-name": NODE_INTERFACE,
        ...addressing,
        ...(Object.keys(nameservers).length > 0 ? { nameservers } : {}),
        mtu: input.mtu,
      },
    },
  };
  return stringify(config, yamlOptions);
}
