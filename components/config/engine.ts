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
