/** Inputs of the cloud-init renderers: plain data, one node at a time. */

/** A file cloud-init writes before the boot scripts run. */
export interface WriteFile {
  path: string;
  content: string;
  /** Octal string, e.g. "0600" for anything holding a secret. */
  permissions: string;
  owner?: string;
}

export interface UserDataInput {
  hostname: string;
  fqdn: string;
  /** Login user created with SSH keys only (no password). */
  adminUser: string;
  /**
   * The admin user's sudo: "all" (any command without a password: the user is root's equal),
   * "none" (no sudo at all), or the absolute command lines it may run as root (docs/nodes.md).
   */
  adminSudo: "all" | "none" | string[];
  sshAuthorizedKeys: string[];
  packages: string[];
  timezone: string;
  /** Extra files (the RKE2 config and manifests arrive here in later stages). */
  files: WriteFile[];
  /**
   * Environment for the boot script, written to /etc/cluster-orchestrator/node.env (0600) and
   * sourced by it. Keys are shell variable names.
   */
  bootEnv: Record<string, string>;
}

export interface NetworkConfigInput {
  mac: string;
  /** null: DHCP (ephemeral pool). */
  address: { ip: string; prefixLength: number; gateway: string } | null;
  resolvers: string[];
  searchDomains: string[];
  mtu: number;
}
