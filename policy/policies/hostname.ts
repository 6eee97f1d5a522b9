/**
 * VMs are named by host name: an RFC 1123 label that follows the home-lab convention
 * `cluster<N>-<pool><index>` (the same `{token}` syntax as the stack's `cluster.hostnamePattern`).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { field, parseTags, VM_TYPE, withDefaults } from "../lib/resources";

export const DEFAULT_HOSTNAME_PATTERN = "cluster{cluster}-{pool}{index}";
/** The tokens a pattern may use (components/plan/naming.ts HOSTNAME_TOKENS). */
export const PATTERN_TOKENS = ["cluster", "pool", "index", "usecase", "env"] as const;

const RFC1123_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_PART = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";

export function isRfc1123Label(text: string): boolean {
  return RFC1123_LABEL.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The pattern as a regular expression. {cluster} and {index} are numbers, {pool} any label part;
 * {env} and {usecase} must equal the VM's `env=` / `use-case=` tags when it has them.
 * Throws on an unknown token.
 */
export function hostnameRegExp(pattern: string, tags: ReadonlyMap<string, string[]> = new Map()): RegExp {
  const tagged = (key: string) => {
    const values = tags.get(key) ?? [];
    return values.length === 1 && values[0] !== "" ? escapeRegExp(values[0] ?? "") : LABEL_PART;
  };
  const parts = pattern.split(/(\{[^}]*\})/).map((part) => {
    const token = /^\{([^}]*)\}$/.exec(part)?.[1];
    if (token === undefined) return escapeRegExp(part);
    switch (token) {
      case "cluster":
      case "index":
        return "[0-9]+";
      case "pool":
        return LABEL_PART;
      case "env":
        return tagged("env");
      case "usecase":
        return tagged("use-case");
      default:
        throw new Error(`unknown token {${token}}; use ${PATTERN_TOKENS.map((t) => `{${t}}`).join(", ")}`);
    }
  });
  return new RegExp(`^${parts.join("")}$`);
}

export interface HostnameConfig {
  pattern: string;
}

export const vmHostnameConvention: ResourceValidationPolicy = {
  name: "vm-hostname-convention",
  description: `VM names (nameLabel, the host name) are RFC 1123 labels following the pattern (default ${DEFAULT_HOSTNAME_PATTERN}).`,
  remediationSteps:
    "Name VMs by their planned host name; if the stack sets cluster.hostnamePattern, set this policy's `pattern` to the same value.",
  configSchema: {
    properties: {
      pattern: {
        type: "string",
        minLength: 1,
        default: DEFAULT_HOSTNAME_PATTERN,
        description: "Host name pattern with {cluster}, {pool}, {index}, {usecase}, {env} tokens.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== VM_TYPE) return;
    const { pattern } = withDefaults(args.getConfig<Partial<HostnameConfig>>(), {
      pattern: DEFAULT_HOSTNAME_PATTERN,
    });
    const name = field(args.props as unknown, "nameLabel");
    if (!name.known) return;
    if (typeof name.value !== "string" || name.value === "") {
      reportViolation("VM has no nameLabel: VMs are named by their host name");
      return;
    }
    const hostname = name.value;
    if (!isRfc1123Label(hostname)) {
      reportViolation(
        `VM name '${hostname}' is not an RFC 1123 host name (lower-case a-z, 0-9 and '-', at most 63 characters, no leading or trailing '-')`,
      );
    }
    const tagsField = field(args.props as unknown, "tags");
    let regExp: RegExp;
    try {
      regExp = hostnameRegExp(pattern, tagsField.known ? parseTags(tagsField.value) : new Map());
    } catch (error) {
      reportViolation(`policy configuration: pattern '${pattern}': ${(error as Error).message}`);
      return;
    }
    if (!regExp.test(hostname)) {
      reportViolation(`VM name '${hostname}' does not follow the host name pattern '${pattern}'`);
    }
  },
};
