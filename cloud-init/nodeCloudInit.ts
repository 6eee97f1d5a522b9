/**
 * Maps a planned node to its cloud-init inputs and renders both files. Everything is rendered
 * per node here, in TypeScript: XO's {name}/{index} substitutions exist only in its web UI.
 */
import type { ClusterSpec } from "../components/config/schema";
import type { ClusterPlan, NodePlan } from "../components/plan/types";
import { renderNetworkConfig } from "./networkConfig";
import type { WriteFile } from "./types";
import { renderUserData } from "./userData";

/**
 * Installed on every node whatever nodes.packages says. Only packages Debian ships: cloud-init
 * installs the list with one `apt-get install`, which fails whole on one unknown name. The Xen
 * guest tools (xe-guest-utilities, xen-guest-agent) are not in Debian 12 or 13 main, so they are
 * not here: they come with the golden template, which VM creation needs anyway (it waits for the
 * address they report, expectedIpCidr) — README, "golden template".
 * - open-iscsi, nfs-common: Longhorn's node prerequisites (iSCSI block devices, NFS for RWX).
 * - unattended-upgrades: security updates (prepare-node.sh enables them).
 * - openssl, curl: the boot scripts (a replacement server's one-time admin certificate, downloads).
 */
export const BASE_PACKAGES = ["open-iscsi", "nfs-common", "unattended-upgrades", "openssl", "curl"];

/** The second disk XO attaches (xvdb) when a pool has a data disk. */
export const DATA_DISK_DEVICE = "/dev/xvdb";

export interface NodeExtras {
  files?: WriteFile[];
  bootEnv?: Record<string, string>;
}

export function nodeUserData(
  spec: ClusterSpec,
  plan: ClusterPlan,
  node: NodePlan,
  extra: NodeExtras = {},
): string {
  const bootEnv: Record<string, string> = {
    CO_CLUSTER: plan.cluster.name,
    CO_NODE_NAME: node.hostname,
    CO_NODE_ROLE: node.role,
    CO_NODE_POOL: node.pool,
    ...(node.dataDiskGiB !== null
      ? { CO_DATA_DISK_DEVICE: DATA_DISK_DEVICE, CO_DATA_DISK_MOUNT: "/var/lib/rancher" }
      : {}),
    ...extra.bootEnv,
  };
  return renderUserData({
    hostname: node.hostname,
    fqdn: node.fqdn,
    adminUser: spec.nodes.adminUser,
    adminSudo: spec.nodes.adminSudo,
    sshAuthorizedKeys: spec.nodes.sshAuthorizedKeys,
    packages: [...BASE_PACKAGES, ...spec.nodes.packages],
    timezone: spec.nodes.timezone,
    files: extra.files ?? [],
    bootEnv,
  });
}

export function nodeNetworkConfig(plan: ClusterPlan, node: NodePlan): string {
  return renderNetworkConfig({
    mac: node.mac,
    address:
      node.ip !== null
        ? { ip: node.ip, prefixLength: plan.network.prefixLength, gateway: plan.network.gateway }
        : null,
    resolvers: plan.network.resolvers,
    searchDomains: [plan.network.zone],
    mtu: plan.network.mtu,
  });
}
