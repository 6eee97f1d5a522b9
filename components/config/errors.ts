/** User mistakes in configuration: every one names its key and its file; no stack trace. */

export const NAMESPACE = "cluster-orchestrator";

export interface ConfigProblem {
  /** Full config key, e.g. `cluster-orchestrator:cluster.vlan`. */
  key: string;
  /** File the value came from (relative to the project), or where to set a missing one. */
  file: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: ConfigProblem[],
  ) {
    super(formatProblems(stack, problems));
    this.name = "ConfigError";
  }
}

export function formatProblems(stack: string, problems: ConfigProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const lines = problems.map((p) => `  - ${p.key} (${p.file}): ${p.message}`);
  return [
    `Invalid configuration for stack ${stack} (${count}); nothing was created or changed:`,
    ...lines,
  ].join("\n");
}

export function configKey(path: (string | number)[]): string {
  const [head, ...rest] = path;
  return rest.length === 0
    ? `${NAMESPACE}:${String(head ?? "")}`
    : `${NAMESPACE}:${String(head)}.${rest.join(".")}`;
}
