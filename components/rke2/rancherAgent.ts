/**
 * Custom mode: Rancher's node command, taken apart in TypeScript so that nothing of it (or of a
 * pool's labels and taints) is ever handed to a shell as code on the node.
 *
 * Rancher renders the command as `curl -fL <rancher>/system-agent-install.sh | sh -s - --server
 * <rancher> --label 'cattle.io/os=linux' --token <token> [--ca-checksum <sha256>]` (with
 * `--insecure` on curl for the insecure variant). The install script reads the same settings from
 * CATTLE_* environment variables (rancher/system-agent, install.sh header: CATTLE_SERVER,
 * CATTLE_TOKEN, CATTLE_CA_CHECKSUM, CATTLE_ROLE_*, CATTLE_LABELS, CATTLE_TAINTS; Rancher's own
 * plan for a join sets CATTLE_NODE_NAME, CATTLE_ADDRESS, CATTLE_INTERNAL_ADDRESS the same way), so
 * the boot script downloads the install script itself and runs it with those variables exported
 * from a 0600 file it reads line by line: no eval, no argv holding the token, no second shell
 * parse of a label.
 */
import type { NodePlan } from "../plan/types";

export interface RancherAgentCommand {
  /** https URL of Rancher's system-agent-install.sh. */
  installUrl: string;
  /** Rancher's command downloads the script with curl --insecure. */
  insecure: boolean;
  server: string;
  token: string;
  caChecksum: string | null;
  labels: string[];
}

const COMMAND =
  /^\s*(?:sudo\s+)?curl\s+(--insecure\s+)?-fL\s+(https:\/\/[^\s|'"`$\\;&]+)\s*\|\s*(?:sudo\s+)?sh\s+-s\s+-\s+(.*?)\s*$/;
const SAFE_ARG = /^[A-Za-z0-9._~:/=@+,-]+$/;

/** Parses Rancher's node command; anything it does not recognise is refused, never passed on. */
export function parseRancherNodeCommand(command: string): RancherAgentCommand {
  const match = COMMAND.exec(command);
  if (!match)
    throw new Error("Rancher's node command has an unexpected shape; refusing to run it on the nodes");
  const words = (match[3] ?? "").split(/\s+/).filter((w) => w.length > 0);
  const parsed: Partial<RancherAgentCommand> & { labels: string[] } = { labels: [] };
  for (let i = 0; i < words.length; i += 2) {
    const flag = words[i];
    const raw = words[i + 1];
    if (raw === undefined) throw new Error(`Rancher's node command: ${flag} has no value`);
    // Rancher single-quotes the label; nothing else it emits is quoted.
    const value = /^'[^']*'$/.test(raw) ? raw.slice(1, -1) : raw;
    if (!SAFE_ARG.test(value)) throw new Error(`Rancher's node command: unexpected characters after ${flag}`);
    if (flag === "--server") parsed.server = value;
    else if (flag === "--token") parsed.token = value;
    else if (flag === "--ca-checksum") parsed.caChecksum = value;
    else if (flag === "--label") parsed.labels.push(value);
    else throw new Error(`Rancher's node command: unknown option ${flag}`);
  }
  if (parsed.server === undefined || parsed.token === undefined) {
    throw new Error("Rancher's node command has no --server or no --token");
  }
  return {
    installUrl: match[2]!,
    insecure: match[1] !== undefined,
    server: parsed.server,
    token: parsed.token,
    caChecksum: parsed.caChecksum ?? null,
    labels: parsed.labels,
  };
}

/**
 * The CATTLE_* variables for one node, as `KEY=value` lines (value raw, unquoted: the boot script
 * splits each line at its first `=` and exports it without evaluating anything). A value with a
 * newline could forge a second variable, so it is refused.
 */
export function rancherAgentEnv(command: RancherAgentCommand, node: NodePlan): string {
  const labels = [
    ...command.labels,
    `cluster-orchestrator.io/pool=${node.pool}`,
    ...Object.entries(node.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`),
  ];
  const server = node.role === "server";
  const vars: [string, string][] = [
    ["CATTLE_SERVER", command.server],
    ["CATTLE_TOKEN", command.token],
    ...(command.caChecksum !== null ? [["CATTLE_CA_CHECKSUM", command.caChecksum] as [string, string]] : []),
    ["CATTLE_ROLE_ETCD", String(server)],
    ["CATTLE_ROLE_CONTROLPLANE", String(server)],
    ["CATTLE_ROLE_WORKER", "true"],
    ["CATTLE_NODE_NAME", node.hostname],
    ...(node.ip !== null
      ? [
          ["CATTLE_ADDRESS", node.ip] as [string, string],
          ["CATTLE_INTERNAL_ADDRESS", node.ip] as [string, string],
        ]
      : []),
    ["CATTLE_LABELS", labels.join(",")],
    ...(node.taints.length > 0 ? [["CATTLE_TAINTS", node.taints.join(",")] as [string, string]] : []),
  ];
  for (const [key, value] of vars) {
    if (/[\n\r\0]/.test(value)) throw new Error(`${node.hostname}: ${key} holds a line break`);
  }
  return vars.map(([k, v]) => `${k}=${v}\n`).join("");
}
