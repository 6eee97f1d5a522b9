/**
 * RKE2 config.yaml per role, as pure functions over the plan. Settings that must match on every
 * server (CNI, CIDRs, profile, snapshots, registry) come from `sharedServerSettings` only.
 */
import type { ClusterPlan, NodePlan } from "../plan/types";
import type { AgentKey, ServerKey } from "./keys";
import { POD_SECURITY_CONFIG_PATH } from "./podSecurity";

type Value = string | number | boolean | string[];
export type Rke2ServerConfig = { [K in ServerKey]?: Value };
export type Rke2AgentConfig = { [K in AgentKey]?: Value };

export interface Rke2Settings {
  cni: "canal" | "calico" | "cilium";
  clusterCidr: string;
  serviceCidr: string;
  cisProfile: boolean;
  etcdSnapshotSchedule: string;
  etcdSnapshotRetention: number;
  /** Registry host that replaces docker.io for RKE2's own images (locked-down egress). */
  systemDefaultRegistry: string | null;
  /** API audit log at Metadata level (policy file written by cloud-init on the servers). */
  auditLog: boolean;
}

export const SUPERVISOR_PORT = 9345;
export const KUBECONFIG_MODE = "0600";
export const AUDIT_POLICY_PATH = "/etc/rancher/rke2/audit-policy.yaml";

/**
 * The cluster's two join tokens. Servers hold both (the server token is cluster admin: it
 * decrypts the bootstrap data); agents get only the agent token, which RKE2 documents for
 * exactly this (docs.rke2.io, security/token: `agent-token`).
 */
export interface JoinTokens {
  server: string;
  agent: string;
}

export function registrationUrl(plan: ClusterPlan): string {
  return `https://${plan.network.registrationAddress}:${SUPERVISOR_PORT}`;
}

export function sharedServerSettings(settings: Rke2Settings): Rke2ServerConfig {
  return {
    cni: settings.cni,
    "cluster-cidr": settings.clusterCidr,
    "service-cidr": settings.serviceCidr,
    "write-kubeconfig-mode": KUBECONFIG_MODE,
    "etcd-snapshot-schedule-cron": settings.etcdSnapshotSchedule,
    "etcd-snapshot-retention": settings.etcdSnapshotRetention,
    // With the CIS profile, our Pod Security exemptions (Rancher's agents, storage) replace
    // RKE2's default rke2-pss.yaml; see podSecurity.ts.
    ...(settings.cisProfile
      ? { profile: "cis", "pod-security-admission-config-file": POD_SECURITY_CONFIG_PATH }
      : {}),
    ...(settings.systemDefaultRegistry !== null
      ? { "system-default-registry": settings.systemDefaultRegistry }
      : {}),
    ...(settings.auditLog
      ? {
          "audit-policy-file": AUDIT_POLICY_PATH,
          // RKE2 writes the log to /var/lib/rancher/rke2/server/logs/audit.log; keep 30 days.
          "kube-apiserver-arg": ["audit-log-maxage=30", "audit-log-maxbackup=10", "audit-log-maxsize=100"],
        }
      : {}),
  };
}

function nodeIdentity(node: NodePlan): { "node-name": string; "node-ip"?: string } {
  return { "node-name": node.hostname, ...(node.ip !== null ? { "node-ip": node.ip } : {}) };
}

/** Every node carries its pool as a label, then the pool's own labels (sorted) and taints. */
function scheduling(node: NodePlan): { "node-label": string[]; "node-taint"?: string[] } {
  const labels = Object.entries(node.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  return {
    "node-label": [`cluster-orchestrator.io/pool=${node.pool}`, ...labels],
    ...(node.taints.length > 0 ? { "node-taint": node.taints } : {}),
  };
}

/**
 * A server's config. The bootstrap server has no `server` key: its boot script adds one only
 * when it finds a cluster already answering (it was re-created), so it never starts a second one.
 */
export function serverConfig(
  plan: ClusterPlan,
  node: NodePlan,
  settings: Rke2Settings,
  tokens: JoinTokens,
): Rke2ServerConfig {
  if (node.role !== "server" || node.ip === null) throw new Error(`${node.hostname} is not a static server`);
  const tlsSan = [
    ...new Set([
      plan.network.registrationAddress,
      plan.network.vip,
      plan.network.apiFqdn,
      node.ip,
      node.fqdn,
    ]),
  ];
  return {
    ...(node.bootstrap ? {} : { server: registrationUrl(plan) }),
    token: tokens.server,
    "agent-token": tokens.agent,
    ...nodeIdentity(node),
    "tls-san": tlsSan,
    ...sharedServerSettings(settings),
    ...scheduling(node),
  };
}

export function agentConfig(
  plan: ClusterPlan,
  node: NodePlan,
  settings: Rke2Settings,
  agentToken: string,
): Rke2AgentConfig {
  if (node.role !== "agent") throw new Error(`${node.hostname} is not an agent`);
  return {
    server: registrationUrl(plan),
    token: agentToken,
    ...nodeIdentity(node),
    ...scheduling(node),
    ...(settings.cisProfile ? { profile: "cis" } : {}),
  };
}
