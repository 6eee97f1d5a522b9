/**
 * The stack's own values as the Pulumi engine hands them to the program, so everything the CLI
 * resolves reaches the program: the stack file, ESC environments (`environment:` imports),
 * `--config-file`, and the Automation API's config. Pure: program.ts passes in the runtime's
 * config map and which keys are secret; nothing here loads the SDK.
 *
 * How values arrive (@pulumi/pulumi 3.248.0, runtime/config.ts and config.ts): a flat map of
 * `namespace:key` → string; structured values (objects, lists) as their JSON text, which
 * `Config.getObject` parses; booleans and numbers as their text. Secret values arrive decrypted,
 * their keys listed separately (PULUMI_CONFIG_SECRET_KEYS).
 */
import { configKey, NAMESPACE, type ConfigProblem } from "./errors";
import type { Layer } from "./merge";
import { namespaceValues, SECRET_REFUSED, type ConfigFile } from "./sources";

/** How messages name values that came from the engine. */
export const ENGINE_SOURCE = "stack config (engine)";

export interface EngineConfig {
  /** The runtime's whole config map (`pulumi.runtime.allConfig()`). */
  values: Record<string, string>;
  isSecret: (key: string) => boolean;
}

/** True when the engine handed this program any key of its namespace (a real run). */
export function hasEngineValues(config: EngineConfig): boolean {
  return Object.keys(config.values).some((k) => k.startsWith(`${NAMESPACE}:`));
}

/**
 * The stack layer from the engine: this namespace's values, decoded. A secret value in this
 * namespace is refused (its key named, never its value): these keys reach cloud-init, VM tags,
 * plan.json and plain outputs (docs/configuration.md → Secrets).
 */
export function engineStackSource(config: EngineConfig, problems: ConfigProblem[]): ConfigFile | null {
  const decoded: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(config.values)) {
    const [namespace, key] = fullKey.split(":", 2);
    if (namespace !== NAMESPACE || key === undefined) continue;
    if (config.isSecret(fullKey)) {
      problems.push({
        key: configKey([key]),
        file: ENGINE_SOURCE,
        message: `${SECRET_REFUSED}; it arrived as a secret (pulumi config set --secret, a secure: value or an ESC secret)`,
      });
      continue;
    }
    // Text as the engine hands it; namespaceValues decodes it as it does a file's values.
    decoded[fullKey] = raw;
  }
  return namespaceValues(decoded, ENGINE_SOURCE, problems);
}

/**
 * The engine's values as layers, each named by where it came from: a value equal to what the
 * stack file says is the stack file's (so a mistake there names the file to fix, as the offline
 * render does); any other (ESC, `--config-file`, Automation API) is the engine's. `fromFile` is
 * the stack file as read from disk, or null when there is none.
 */
export function engineLayers(engineSource: ConfigFile, fromFile: ConfigFile | null): Layer[] {
  const own: Record<string, unknown> = {};
  const other: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(engineSource.values)) {
    const same = fromFile !== null && key in fromFile.values && sameData(fromFile.values[key], value);
    (same ? own : other)[key] = value;
  }
  return [
    ...(fromFile !== null && Object.keys(own).length > 0 ? [{ source: fromFile.file, values: own }] : []),
    ...(Object.keys(other).length > 0 ? [{ source: ENGINE_SOURCE, values: other }] : []),
  ];
}

/** Equal as configuration data (JSON-like), whatever the objects' prototypes or key order. */
function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}
