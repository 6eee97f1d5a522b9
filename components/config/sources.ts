/**
 * Reads Pulumi-format config files (`config:` map of `namespace:key` entries) and returns the
 * values of this project's namespace. Other namespaces (provider settings such as
 * `xenorchestra:url`) are left to their providers.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument, type Document } from "yaml";
import { configKey, NAMESPACE, type ConfigProblem } from "./errors";
import { isPlainObject, PROTOTYPE_KEYS } from "./merge";

export interface ConfigFile {
  /** Path relative to the project root, as shown in messages. */
  file: string;
  values: Record<string, unknown>;
}

export function stackFile(stack: string): string {
  return path.posix.join("stacks", `Pulumi.${stack}.yaml`);
}

export function environmentFile(environment: string): string {
  return `Pulumi.${environment}.yaml`;
}

/**
 * Parses keyed by the file's text: the cross-stack check reads every stack, and each environment
 * layer under each of them, so the same text is parsed many times per run.
 */
const parsed = new Map<string, Document.Parsed>();
function parseCached(text: string): Document.Parsed {
  let doc = parsed.get(text);
  if (doc === undefined) {
    doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    parsed.set(text, doc);
  }
  return doc;
}

/** Returns null (and records why) when the file is missing or unreadable as Pulumi config. */
export function readConfigFile(rootDir: string, file: string, problems: ConfigProblem[]): ConfigFile | null {
  const full = path.join(rootDir, file);
  if (!fs.existsSync(full)) {
    problems.push({ key: `${NAMESPACE}:*`, file, message: "file not found" });
    return null;
  }
  const doc = parseCached(fs.readFileSync(full, "utf8"));
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const where = error.linePos?.[0] ? `line ${error.linePos[0].line}` : "YAML";
      problems.push({
        key: `${NAMESPACE}:*`,
        file,
        message: `${where}: ${error.message.split("\n")[0] ?? error.code}`,
      });
    }
    return null;
  }
  // A copy: the merge must never alter the cached parse.
  const root: unknown = structuredClone(doc.toJS() as unknown);
  const config = isPlainObject(root) ? root.config : undefined;
  if (root !== null && root !== undefined && !isPlainObject(root)) {
    problems.push({
      key: `${NAMESPACE}:*`,
      file,
      message: "expected a mapping with a top-level 'config:' key",
    });
    return null;
  }
  if (config !== undefined && config !== null && !isPlainObject(config)) {
    problems.push({
      key: `${NAMESPACE}:*`,
      file,
      message: "'config:' must be a mapping of namespace:key entries",
    });
    return null;
  }
  return namespaceValues(config ?? {}, file, problems);
}

/**
 * This project's values from a Pulumi config map (`namespace:key` → value): other namespaces are
 * left to their providers. Null (and the problems recorded) for an encrypted value or a key that
 * names JavaScript's object prototype. `source` names where the map came from in messages.
 */
export function namespaceValues(
  config: Record<string, unknown>,
  source: string,
  problems: ConfigProblem[],
): ConfigFile | null {
  const file = source;
  const values: Record<string, unknown> = {};
  const prototypeKeys: (string | number)[][] = [];
  for (const [fullKey, value] of Object.entries(config)) {
    const [namespace, key] = fullKey.split(":", 2);
    if (namespace !== NAMESPACE || key === undefined) continue;
    if (isPlainObject(value) && "secure" in value) {
      problems.push({
        key: fullKey,
        file,
        message: SECRET_REFUSED,
      });
      continue;
    }
    // Assigning `__proto__` would replace the prototype instead of adding a key: checked first.
    prototypeKeys.push(...(PROTOTYPE_KEYS.has(key) ? [[key]] : findPrototypeKeys(value, [key])));
    values[key] = typeof value === "string" ? decodeValue(value) : value;
  }
  for (const path of prototypeKeys) {
    problems.push({
      key: configKey(path),
      file,
      message: `'${path[path.length - 1]}' cannot be a key: it names JavaScript's object prototype (rename or remove it)`,
    });
  }
  return prototypeKeys.length > 0 ? null : { file, values };
}

/**
 * One top-level value as Pulumi means it. The CLI writes every top-level value it touches back as
 * a string (`pulumi stack init` turns `critical: true` into `"true"`; tests/engine/cli.engine.ts),
 * and the engine hands them to the program as text: both sources decode the same way. Top-level keys of this namespace are objects or lists
 * (JSON text), booleans (`critical`, `protect`) or names (`environment`, `useCase`, `workloads:
 * none`); none is a number, so text that is not JSON structure or a boolean stays a string.
 */
export function decodeValue(raw: string): unknown {
  const text = raw.trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return raw;
    }
  }
  if (text === "true") return true;
  if (text === "false") return false;
  return raw;
}

/**
 * Why a secret in this namespace is refused (docs/configuration.md → Secrets): its values reach
 * cloud-init, VM tags, plan.json and plain stack outputs, so none of its keys may carry one.
 */
export const SECRET_REFUSED =
  "holds an encrypted value; this project's keys carry no secrets (credentials come from the providers' settings)";

/** Paths (from the namespace key down, into lists too) of every key in PROTOTYPE_KEYS. */
function findPrototypeKeys(value: unknown, path: (string | number)[]): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => findPrototypeKeys(item, [...path, i]));
  if (!isPlainObject(value)) return [];
  // Own keys only, including a `__proto__` that YAML defined as an own property.
  return Object.getOwnPropertyNames(value).flatMap((key) =>
    PROTOTYPE_KEYS.has(key) ? [[...path, key]] : findPrototypeKeys(value[key], [...path, key]),
  );
}

/** Environment layers that exist: `Pulumi.<env>.yaml` at the project root (not Pulumi.yaml). */
export function listEnvironments(rootDir: string): string[] {
  return fs
    .readdirSync(rootDir)
    .map((f) => /^Pulumi\.([a-z][a-z0-9-]*)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Stack names found in stacks/ (from `Pulumi.<stack>.yaml`), sorted. */
export function listStacks(rootDir: string): string[] {
  const dir = path.join(rootDir, "stacks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}
