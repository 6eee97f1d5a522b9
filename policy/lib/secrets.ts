/**
 * Which inputs of a resource are Pulumi secrets, and what in the plain ones looks like a credential.
 *
 * The policy SDK (1.21) hands a resource validation its inputs with every secret already unwrapped
 * to a plain value: `validateResource` cannot see secretness. Only the remediation pass gets the
 * inputs with secrets still wrapped (as `Secret` objects), and the engine always runs the
 * remediation pass for a resource before its validation pass, in the same policy-pack process.
 * So the secrets policy observes secretness in its `remediateResource` (which changes nothing) and
 * judges in its `validateResource`, through the small per-URN record kept here.
 *
 * Values can also carry their secretness inline: a `Secret` object (remediation pass) or Pulumi's
 * wire format `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }`
 * (raw gRPC properties, and what the SDK's mock runtime records).
 */
import { Secret } from "@pulumi/policy";
import { isRecord, known } from "./resources";

export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True for a value marked secret inline (SDK `Secret` object or wire format). */
export function isSecretValue(value: unknown): boolean {
  return value instanceof Secret || (isRecord(value) && value[SECRET_SIG_KEY] === SECRET_SIG);
}

function secretContent(value: unknown): unknown {
  if (value instanceof Secret) return value.value as unknown;
  return isRecord(value) ? value.value : undefined;
}

export interface StringLeaf {
  /** e.g. `cloudConfig`, `networks[0].macAddress`. */
  path: string;
  value: string;
  secret: boolean;
}

function childPath(parent: string, key: string | number): string {
  return typeof key === "number" ? `${parent}[${key}]` : parent === "" ? key : `${parent}.${key}`;
}

/**
 * Every known string inside `value` with its path and whether it sits inside a secret: marked
 * inline, or at a path `isSecretPath` names (or below one). Unknown values are skipped.
 */
export function stringLeaves(
  value: unknown,
  isSecretPath: (path: string) => boolean = () => false,
  path = "",
  inSecret = false,
): StringLeaf[] {
  const secret = inSecret || isSecretValue(value) || (path !== "" && isSecretPath(path));
  const content = isSecretValue(value) ? secretContent(value) : value;
  if (typeof content === "string") return [{ path, value: content, secret }];
  const entries: [string | number, unknown][] = Array.isArray(content)
    ? content.map((_, i) => [i, known((): unknown => content[i])])
    : isRecord(content)
      ? Object.keys(content).map((k) => [k, known(() => content[k])])
      : [];
  return entries.flatMap(([key, child]) => stringLeaves(child, isSecretPath, childPath(path, key), secret));
}

/** The paths of every value marked secret inside `value` (not descending into a secret). */
export function secretPaths(value: unknown, path = ""): string[] {
  if (isSecretValue(value)) return path === "" ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => secretPaths(item, childPath(path, i)));
  if (isRecord(value)) return Object.keys(value).flatMap((k) => secretPaths(value[k], childPath(path, k)));
  return [];
}

// The SDK's proxies (unknown checking, secrets preserving) answer these two keys: the second
// returns the proxied object. Unwrapping them gives the remediation's inputs with `Secret`s intact.
const IS_PROXY = "__isSpecialProxy";
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The object under the SDK's property proxies (the value itself when it is not proxied). */
export function unproxied(value: unknown): unknown {
  let current = value;
  for (let depth = 0; depth < 4 && isRecord(current) && current[IS_PROXY] === true; depth++) {
    current = current[PROXY_TARGET];
  }
  return current;
}

const observed = new Map<string, ReadonlySet<string>>();

/** Records which inputs of `urn` arrived as secrets (called from the remediation pass). */
export function observeSecrets(urn: string, props: unknown): void {
  observed.set(urn, new Set(secretPaths(unproxied(props))));
}

/** The secret input paths seen for `urn` in the remediation pass; undefined when it did not run. */
export function observedSecrets(urn: string): ReadonlySet<string> | undefined {
  return observed.get(urn);
}

/** Forgets every observation (tests). */
export function forgetObservedSecrets(): void {
  observed.clear();
}

/** True when `path` is `root` or lies below it (`root.x`, `root[0]`). */
export function under(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`);
}

/** True when `path` is one of `roots` or lies below one of them. */
export function underAny(path: string, roots: Iterable<string>): boolean {
  for (const root of roots) if (under(path, root)) return true;
  return false;
}

export interface CredentialKind {
  what: string;
  pattern: RegExp;
}

/** Content that is a credential whatever field it sits in. Messages name the kind, never the value. */
export const CREDENTIAL_KINDS: readonly CredentialKind[] = [
  // RKE2 config.yaml: `token: …` / `agent-token: …` (also a kubeconfig user's `token:`).
  {
    what: "a token line (`token: …`)",
    pattern: /^[ \t-]*["']?(?:agent-)?token["']?[ \t]*:[ \t]*["']?[^\s"'#]/m,
  },
  // RKE2/K3s secure join token: K10<CA hash>::server:<password> (or ::node:).
  { what: "an RKE2 secure join token (`K10…::server:`)", pattern: /\bK10[0-9a-f]{16,}::(?:server|node):\S/ },
  { what: "a Rancher registration URL (`/v3/import/<token>`)", pattern: /\/v3\/import\/[a-z0-9]{16,}/ },
  { what: "a Rancher node command token (`--token …`)", pattern: /--token[ =]["']?[a-z0-9]{16,}/ },
  { what: "a private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  {
    what: "a password line (`password: …`)",
    pattern: /^[ \t-]*["']?(?:password|passwd)["']?[ \t]*:[ \t]*["']?[^\s"'#]/m,
  },
  { what: "a kubeconfig client key", pattern: /client-key-data[ \t]*:[ \t]*\S/ },
];

/** The kinds of credential found in `text` (empty when none). */
export function credentialsIn(text: string): string[] {
  return CREDENTIAL_KINDS.filter((k) => k.pattern.test(text)).map((k) => k.what);
}
