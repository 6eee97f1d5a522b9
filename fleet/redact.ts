/**
 * Redaction of everything fleet prints or logs, by value and by name:
 * - by value: the values of the secret environment variables (XO, Rancher, Pulumi, the state
 *   backend's AWS-style keys) and the content of PULUMI_CONFIG_PASSPHRASE_FILE;
 * - by name: `NAME=value` / `name: value` where the name says secret (a password, token, secret
 *   key, passphrase), and RKE2 join tokens in either format (`K10<ca-hash>::<user>:<password>`).
 * A safety net: the program keeps secrets out of its output; this catches what a provider or a
 * tool prints anyway.
 */
import * as fs from "fs";

/** Environment variables whose values must never be printed. */
export const SECRET_ENV_VARS = [
  "XOA_PASSWORD",
  "XOA_TOKEN",
  "RANCHER_TOKEN_KEY",
  "RANCHER_SECRET_KEY",
  "RANCHER_ACCESS_KEY",
  "PULUMI_CONFIG_PASSPHRASE",
  "PULUMI_ACCESS_TOKEN",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
];

/** Variables naming a file whose content is a secret. */
export const SECRET_FILE_ENV_VARS = ["PULUMI_CONFIG_PASSPHRASE_FILE"];

const SECRET = "[secret]";
/** Shorter values would blank out ordinary words. */
const MIN_VALUE_LENGTH = 4;
const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:password|passwd|passphrase|token|secret|secret[_-]?key|access[_-]?key[_-]?id|api[_-]?key)`;
/**
 * `NAME=value`, `name: value`, `"name": "value"`, `name: 'two words'`, `--name value`: a quoted
 * value up to its closing quote (a passphrase may hold spaces), otherwise up to whitespace, a
 * quote or a comma (an unclosed quote is kept and the rest redacted the same way). Inside double
 * quotes a backslash escapes the next character, as in JSON (RFC 8259 §7) and YAML's
 * double-quoted style, so `"ab\"cd"` is one value, not `"ab\"` followed by `cd"`. Inside single
 * quotes `''` (YAML's escape) and `'\''` (a POSIX shell's, as this program quotes values for the
 * nodes' scripts) stay inside the value.
 */
const NAMED = new RegExp(
  String.raw`(\b${SECRET_NAME}["']?\s*[:=]\s*|--${SECRET_NAME}\s+)("(?:\\.|[^"\\\n])*"|'(?:[^'\n]|''|'\\'')*'|["']?[^\s"',]+)`,
  "gi",
);
/** RKE2's secure token format, wherever it appears. */
const RKE2_TOKEN = /\bK10[0-9a-f]{64}::[^\s"',]+/g;

const cache = new WeakMap<NodeJS.ProcessEnv, string[]>();

/** The secret values `env` holds (longest first), files read once per environment object. */
export function secretValues(
  env: NodeJS.ProcessEnv,
  readFile = (f: string) => fs.readFileSync(f, "utf8"),
): string[] {
  const cached = cache.get(env);
  if (cached !== undefined) return cached;
  const values = SECRET_ENV_VARS.map((k) => env[k]).filter((v): v is string => v !== undefined);
  for (const name of SECRET_FILE_ENV_VARS) {
    const file = env[name];
    if (file === undefined || file === "") continue;
    try {
      const content = readFile(file);
      values.push(content, content.trim());
    } catch {
      // Unreadable: Pulumi will say so; there is nothing of it to leak.
    }
  }
  const found = [...new Set(values.filter((v) => v.length >= MIN_VALUE_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  cache.set(env, found);
  return found;
}

/** Replaces secret values, secret-named assignments and RKE2 tokens in `text` by `[secret]`. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let out = text;
  for (const value of secretValues(env)) out = out.split(value).join(SECRET);
  out = out.replace(RKE2_TOKEN, SECRET);
  return out.replace(NAMED, (_, name: string, value: string) => {
    const quote = /^["']/.test(value) ? value[0]! : "";
    // A quoted alternative is at least two characters, so a value that starts with a quote and
    // ends with it is closed; without a quote, endsWith("") adds nothing.
    const closed = value.endsWith(quote) ? quote : "";
    return `${name}${quote}${SECRET}${closed}`;
  });
}
