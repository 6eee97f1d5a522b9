/**
 * Which stacks a fleet command acts on, and in what order. Stacks are the files in stacks/
 * (`Pulumi.<usecase>-<env>.yaml`); a stack's environment and use case are read from its own file,
 * its `critical` marker from the stack file over its environment layer. Pure reads: nothing here
 * loads the full configuration, so a stack with a configuration mistake can still be selected
 * (its own preview reports the mistake).
 */
import { NAMESPACE, type ConfigProblem } from "../components/config/errors";
import { environmentFile, listStacks, readConfigFile, stackFile } from "../components/config/sources";
import { SelectionError } from "./errors";

export type Action = "preview" | "up" | "destroy";

export interface FleetStack {
  name: string;
  environment: string | null;
  useCase: string | null;
  /** `destroy` refuses a critical stack (see criticalOf). */
  critical: boolean;
  /** Where the critical decision came from, shown when destroy refuses. */
  criticalReason: string;
}

export interface Selection {
  /** Environments to include (any when empty). */
  environments: string[];
  /** Use cases to include (any when empty). */
  useCases: string[];
  /** Stack names to include (any when empty); an unknown name is an error. */
  names: string[];
}

export { SelectionError };

/** The marker key: `cluster-orchestrator:critical: true` in a stack file or environment layer. */
export const CRITICAL_KEY = `${NAMESPACE}:critical`;

/**
 * A stack is critical when `critical` says so (stack file over environment layer). Without the
 * key, it is critical when its cluster is protected: `protect`, whose default is true in prod
 * (the same default the program applies to the cluster network).
 */
export function criticalOf(
  environment: string | null,
  stackValues: Record<string, unknown>,
  envValues: Record<string, unknown>,
): { critical: boolean; reason: string } {
  for (const [values, where] of [
    [stackValues, "stack file"],
    [envValues, "environment layer"],
  ] as const) {
    if (typeof values.critical === "boolean")
      return { critical: values.critical, reason: `${CRITICAL_KEY}: ${String(values.critical)} (${where})` };
  }
  for (const [values, where] of [
    [stackValues, "stack file"],
    [envValues, "environment layer"],
  ] as const) {
    if (typeof values.protect === "boolean")
      return {
        critical: values.protect,
        reason: `${NAMESPACE}:protect: ${String(values.protect)} (${where})`,
      };
  }
  const prod = environment === "prod";
  return { critical: prod, reason: prod ? "prod environment (protected by default)" : "not protected" };
}

/**
 * A stack file's own values and those of the environment layer it names (empty where a file is
 * missing or unreadable): the plain reads fleet decides on, without the program's validation.
 */
export function stackAndLayer(
  rootDir: string,
  name: string,
): { own: Record<string, unknown>; layer: Record<string, unknown>; environment: string | null } {
  const problems: ConfigProblem[] = [];
  const own = readConfigFile(rootDir, stackFile(name), problems)?.values ?? {};
  const environment = typeof own.environment === "string" ? own.environment : null;
  const layer =
    environment !== null && /^[a-z][a-z0-9-]*$/.test(environment)
      ? (readConfigFile(rootDir, environmentFile(environment), problems)?.values ?? {})
      : {};
  return { own, layer, environment };
}

/** Every stack in stacks/ with its environment, use case and critical marker. */
export function readFleet(rootDir: string): FleetStack[] {
  return listStacks(rootDir).map((name) => {
    const { own, layer, environment } = stackAndLayer(rootDir, name);
    const useCase = typeof own.useCase === "string" ? own.useCase : null;
    const { critical, reason } = criticalOf(environment, own, layer);
    return { name, environment, useCase, critical, criticalReason: reason };
  });
}

/** dev first, prod last, any other environment in between (alphabetically). */
function environmentRank(environment: string | null): number {
  if (environment === "dev") return 0;
  if (environment === "prod") return 2;
  return 1;
}

/**
 * Deterministic order: by environment (dev, others, prod), then by name. `destroy` runs the
 * reverse, so a fleet comes down in the opposite order it went up.
 */
export function orderFor(action: Action, stacks: FleetStack[]): FleetStack[] {
  const sorted = [...stacks].sort(
    (a, b) =>
      environmentRank(a.environment) - environmentRank(b.environment) ||
      (a.environment ?? "").localeCompare(b.environment ?? "") ||
      a.name.localeCompare(b.name),
  );
  return action === "destroy" ? sorted.reverse() : sorted;
}

/** The stacks matching every given criterion, in the action's order. */
export function selectStacks(fleet: FleetStack[], selection: Selection, action: Action): FleetStack[] {
  const known = new Set(fleet.map((s) => s.name));
  const unknown = selection.names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new SelectionError(
      `unknown stack${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; stacks/ has: ${[...known].join(", ")}`,
    );
  }
  const chosen = fleet.filter(
    (s) =>
      (selection.names.length === 0 || selection.names.includes(s.name)) &&
      (selection.environments.length === 0 ||
        (s.environment !== null && selection.environments.includes(s.environment))) &&
      (selection.useCases.length === 0 || (s.useCase !== null && selection.useCases.includes(s.useCase))),
  );
  if (chosen.length === 0) {
    const criteria = [
      ...selection.names.map((n) => `--stack ${n}`),
      ...selection.environments.map((e) => `--env ${e}`),
      ...selection.useCases.map((u) => `--use-case ${u}`),
    ];
    throw new SelectionError(`no stack matches ${criteria.join(" ") || "the selection"}`);
  }
  return orderFor(action, chosen);
}
