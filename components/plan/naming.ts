/**
 * Hostnames (home-lab convention `clusterN-<pool><index>`, pattern configurable) and the
 * cluster-scoped DNS zone `<usecase>.<env>.<domain>`.
 */
import type { Problem } from "./problems";

export const HOSTNAME_TOKENS = ["cluster", "pool", "index", "usecase", "env"] as const;
type Token = (typeof HOSTNAME_TOKENS)[number];

const RFC1123_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isRfc1123Label(text: string): boolean {
  return RFC1123_LABEL.test(text);
}

/** Reports unknown `{tokens}` and a pattern that cannot tell nodes apart. */
export function checkHostnamePattern(pattern: string, problems: Problem[]): boolean {
  const tokens = [...pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? "");
  const unknown = tokens.filter((t) => !(HOSTNAME_TOKENS as readonly string[]).includes(t));
  const path = ["cluster", "hostnamePattern"];
  if (unknown.length > 0) {
    problems.push({
      path,
      message: `unknown token(s) ${unknown.map((t) => `{${t}}`).join(", ")}; use ${HOSTNAME_TOKENS.map((t) => `{${t}}`).join(", ")}`,
    });
    return false;
  }
  if (!tokens.includes("pool") || !tokens.includes("index")) {
    problems.push({ path, message: "must contain {pool} and {index} so every node gets its own name" });
    return false;
  }
  return true;
}

export function hostname(pattern: string, values: Record<Token, string | number>): string {
  return pattern.replace(/\{([a-z]+)\}/g, (_, token: Token) => String(values[token]));
}

export function clusterZone(useCase: string, environment: string, domain: string): string {
  return `${useCase}.${environment}.${domain}`;
}

/** The XO network of a cluster: fleet doctor looks for it by this name too. */
export function networkName(clusterName: string, vlan: number): string {
  return `${clusterName}-vlan${vlan}`;
}
