/**
 * What cloud-init delivers for RKE2 on one node: the role's config.yaml (0600, holds the join
 * token), the bootstrap script, kube-vip on servers when there is a VIP, CIS prerequisites and
 * the registry mirror; plus the variables the bootstrap script decides with (node.env, 0600).
 */
import { stringify } from "yaml";
import { readScript } from "../../cloud-init/scripts";
import type { WriteFile } from "../../cloud-init/types";
import type { ClusterSpec } from "../config/schema";
import type { ClusterPlan, NodePlan } from "../plan/types";
import { KUBE_VIP_MANIFEST_PATH, kubeVipManifest } from "./kubeVip";
import { NODE_PASSWORD_PATH } from "./nodePassword";
import { POD_SECURITY_CONFIG_PATH, podSecurityConfig } from "./podSecurity";
import { parseRancherNodeCommand, rancherAgentEnv } from "./rancherAgent";
import {
  agentConfig,
  AUDIT_POLICY_PATH,
  serverConfig,
  type JoinTokens,
  type Rke2Settings,
} from "./roleConfig";

export const RKE2_CONFIG_PATH = "/etc/rancher/rke2/config.yaml";
export const BOOTSTRAP_SCRIPT_PATH = "/usr/local/sbin/co-bootstrap.sh";
export const REGISTRIES_PATH = "/etc/rancher/rke2/registries.yaml";
export const CIS_SYSCTL_PATH = "/etc/sysctl.d/60-rke2-cis.conf";
/**
 * Secrets the boot script uses once and then deletes (0600, never in node.env, never on a command
 * line): the import manifest URL (bootstrap server, import mode) and the system agent's CATTLE_*
 * variables (custom mode).
 */
export const MANIFEST_URL_PATH = "/etc/cluster-orchestrator/rancher-manifest.url";
export const RANCHER_AGENT_ENV_PATH = "/etc/cluster-orchestrator/rancher-agent.env";

/** Values only known once Pulumi resolves them (all secret but the version). */
export interface BootValues {
  /** Servers get both, agents only the agent token (full K10<ca-hash>:: format when caFiles). */
  tokens: JoinTokens;
  /** This node's RKE2 node password (stable across re-creation of the VM). */
  nodePassword: string;
  /** The cluster CA files (servers only; empty: RKE2 generates its own). */
  caFiles: WriteFile[];
  /** The version new nodes install (pinned at cluster creation; see docs/rke2.md). */
  installVersion: string;
  /** Import mode: the cluster's registration manifest URL (bootstrap server only). */
  manifestUrl: string | null;
  /** Custom mode: Rancher's node command, without role flags. */
  nodeCommand: string | null;
}

export interface NodeBoot {
  files: WriteFile[];
  bootEnv: Record<string, string>;
}

const yamlOptions = { version: "1.1", lineWidth: 0 } as const;

export function nodeBoot(
  spec: ClusterSpec,
  plan: ClusterPlan,
  settings: Rke2Settings,
  node: NodePlan,
  values: BootValues,
): NodeBoot {
  const mode = spec.rancher.mode;
  const servers = plan.nodes.filter((n) => n.role === "server");
  const previous = node.role === "server" ? servers.find((s) => s.index === node.index - 1) : undefined;
  const bootEnv: Record<string, string> = {
    CO_BOOTSTRAP: String(node.bootstrap),
    CO_REGISTRATION_ADDRESS: plan.network.registrationAddress,
    CO_PREVIOUS_SERVER: previous?.ip ?? "",
    // The bootstrap server's evidence that a cluster exists: any other server answering.
    CO_OTHER_SERVERS: node.bootstrap
      ? servers
          .filter((s) => s.hostname !== node.hostname && s.ip !== null)
          .map((s) => s.ip)
          .join(" ")
      : "",
    CO_RKE2_VERSION: values.installVersion,
    CO_RKE2_INSTALL_URL: spec.rke2.installUrl,
    // The installer takes whatever release the artifact folder holds: one folder per version.
    ...(spec.rke2.artifactUrl !== undefined
      ? { CO_RKE2_ARTIFACT_URL: `${spec.rke2.artifactUrl.replace(/\/+$/, "")}/${values.installVersion}` }
      : {}),
    ...checksumEnv(spec, values.installVersion),
    ...(spec.rke2.allowInsecureHttp ? { CO_ALLOW_INSECURE_HTTP: "true" } : {}),
    CO_CIS_PROFILE: String(settings.cisProfile),
    CO_RANCHER_MODE: mode,
    ...rancherEnv(spec),
  };

  const files: WriteFile[] = [
    { path: BOOTSTRAP_SCRIPT_PATH, content: readScript("rke2-bootstrap.sh"), permissions: "0755" },
    ...rancherFiles(spec, node, values, bootEnv),
    { path: NODE_PASSWORD_PATH, content: `${values.nodePassword}\n`, permissions: "0600" },
  ];
  if (node.role === "server" && mode !== "custom") files.push(...values.caFiles);
  if (mode !== "custom") {
    const config =
      node.role === "server"
        ? serverConfig(plan, node, settings, values.tokens)
        : agentConfig(plan, node, settings, values.tokens.agent);
    files.push({ path: RKE2_CONFIG_PATH, content: stringify(config, yamlOptions), permissions: "0600" });
  }
  if (node.role === "server" && servers.length > 1) {
    files.push({
      path: KUBE_VIP_MANIFEST_PATH,
      content: kubeVipManifest(plan.network.vip, spec.rke2.kubeVipImage),
      permissions: "0600",
    });
  }
  if (spec.rke2.registryMirror !== undefined) {
    files.push({ path: REGISTRIES_PATH, content: registries(spec.rke2.registryMirror), permissions: "0600" });
  }
  // Custom mode too: the machine config Rancher hands the nodes names these files.
  if (node.role === "server" && settings.auditLog) {
    files.push({ path: AUDIT_POLICY_PATH, content: AUDIT_POLICY, permissions: "0600" });
  }
  if (node.role === "server" && settings.cisProfile) {
    files.push({ path: POD_SECURITY_CONFIG_PATH, content: podSecurityConfig(), permissions: "0600" });
  }
  if (settings.cisProfile) {
    files.push({ path: CIS_SYSCTL_PATH, content: CIS_SYSCTLS, permissions: "0644" });
  }
  return { files, bootEnv };
}

/**
 * Pinned checksums for the node: the installer's, and the version's sha256sum-amd64.txt. With a
 * release checksum and no mirror, the release files come from RKE2's GitHub release (the
 * installer's own default source), so the chain pinned hash → sha256sum file → tarball holds.
 */
export const RKE2_RELEASES_URL = "https://github.com/rancher/rke2/releases/download";
function checksumEnv(spec: ClusterSpec, version: string): Record<string, string> {
  const release = spec.rke2.checksums.releases[version];
  return {
    ...(spec.rke2.checksums.installer !== undefined
      ? { CO_RKE2_INSTALLER_SHA256: spec.rke2.checksums.installer }
      : {}),
    ...(release !== undefined ? { CO_RKE2_RELEASE_SHA256: release } : {}),
    ...(release !== undefined && spec.rke2.artifactUrl === undefined
      ? { CO_RKE2_ARTIFACT_URL: `${RKE2_RELEASES_URL}/${encodeURIComponent(version)}` }
      : {}),
  };
}

function rancherEnv(spec: ClusterSpec): Record<string, string> {
  return {
    ...(spec.rancher.caChecksum !== undefined ? { CO_RANCHER_CA_CHECKSUM: spec.rancher.caChecksum } : {}),
    ...(spec.rancher.insecure ? { CO_RANCHER_INSECURE: "true" } : {}),
  };
}

/** The Rancher secrets as 0600 files; bootEnv only learns the (non-secret) install script URL. */
function rancherFiles(
  spec: ClusterSpec,
  node: NodePlan,
  values: BootValues,
  bootEnv: Record<string, string>,
): WriteFile[] {
  if (spec.rancher.mode === "import" && node.bootstrap && values.manifestUrl !== null) {
    if (!/^https:\/\/[^\s"\\]+$/.test(values.manifestUrl)) {
      throw new Error("Rancher's registration manifest URL is not a plain https URL");
    }
    return [{ path: MANIFEST_URL_PATH, content: `${values.manifestUrl}\n`, permissions: "0600" }];
  }
  if (spec.rancher.mode === "custom" && values.nodeCommand !== null) {
    const command = parseRancherNodeCommand(values.nodeCommand);
    bootEnv.CO_RANCHER_AGENT_INSTALL_URL = command.installUrl;
    if (command.insecure) bootEnv.CO_RANCHER_INSECURE = "true";
    return [{ path: RANCHER_AGENT_ENV_PATH, content: rancherAgentEnv(command, node), permissions: "0600" }];
  }
  return [];
}

/** containerd pulls the public registries through the mirror (locked-down egress). */
function registries(mirror: string): string {
  const endpoint = { endpoint: [mirror] };
  return stringify(
    {
      mirrors: {
        "docker.io": endpoint,
        "quay.io": endpoint,
        "ghcr.io": endpoint,
        "registry.k8s.io": endpoint,
      },
    },
    yamlOptions,
  );
}

/** Kernel settings RKE2's CIS profile checks for (RKE2 hardening guide). */
const CIS_SYSCTLS = [
  "vm.panic_on_oom=0",
  "vm.overcommit_memory=1",
  "kernel.panic=10",
  "kernel.panic_on_oops=1",
  "",
].join("\n");

/**
 * Who did what, when, without request bodies: Metadata for everything, except the high-volume
 * read-only noise (health checks, events) which is dropped; secrets never logged beyond metadata.
 */
const AUDIT_POLICY = stringify(
  {
    apiVersion: "audit.k8s.io/v1",
    kind: "Policy",
    omitStages: ["RequestReceived"],
    rules: [
      { level: "None", nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"] },
      { level: "None", resources: [{ group: "", resources: ["events"] }] },
      { level: "Metadata" },
    ],
  },
  yamlOptions,
);
