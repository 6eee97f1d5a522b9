/**
 * Kubernetes' syntax for label keys and values and for taints, as the API server validates them
 * (k8s.io/apimachinery pkg/util/validation: IsQualifiedName, IsValidLabelValue,
 * IsDNS1123Subdomain; taint effects from k8s.io/api core/v1 TaintEffect). A value that passes can
 * hold no shell metacharacter, so a pool label can never become a command on a node.
 */

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** Why `key` is not a qualified label (or taint) key, or null. */
export function labelKeyProblem(key: string): string | null {
  const parts = key.split("/");
  if (parts.length > 2) return `label key '${key}' has more than one '/'`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return `label key prefix '${prefix}' must be a lower-case DNS subdomain`;
  }
  if (name === undefined || name.length > 63 || !NAME.test(name)) {
    return `label key '${key}' must be at most 63 letters, digits, '-', '_' or '.' (alphanumeric at both ends), optionally after a DNS prefix and '/'`;
  }
  return null;
}

/** Why `value` is not a label value, or null. */
export function labelValueProblem(value: string): string | null {
  if (value === "") return null;
  if (value.length > 63 || !NAME.test(value)) {
    return `label value '${value}' must be empty or at most 63 letters, digits, '-', '_' or '.' (alphanumeric at both ends)`;
  }
  return null;
}

/** Why `taint` (`key[=value]:Effect`, RKE2's node-taint syntax) is not a valid taint, or null. */
export function taintProblem(taint: string): string | null {
  const colon = taint.lastIndexOf(":");
  if (colon < 0) return `taint '${taint}' must be key[=value]:Effect`;
  const effect = taint.slice(colon + 1);
  if (!(EFFECTS as readonly string[]).includes(effect)) {
    return `taint '${taint}' has effect '${effect}'; expected one of ${EFFECTS.join(", ")}`;
  }
  const keyValue = taint.slice(0, colon);
  const eq = keyValue.indexOf("=");
  const key = eq < 0 ? keyValue : keyValue.slice(0, eq);
  return labelKeyProblem(key) ?? (eq < 0 ? null : labelValueProblem(keyValue.slice(eq + 1)));
}
