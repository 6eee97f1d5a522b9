/**
 * The management stack in fleet runs (issue 11, docs/rancher.md). Every use-case stack that names
 * it in `rancher.managementStack` (and registers in Rancher: mode import or custom) needs its
 * outputs on `up` and its Rancher on `destroy`. So: it runs in a phase of its own, first on
 * preview/up and last on destroy; a later phase does not start when an earlier one failed; and
 * destroying it is refused while a stack registered in it is not being destroyed with it. It is
 * critical unless its own stack file says otherwise. Pure (only reads the stack files).
 */
import { listStacks } from "../components/config/sources";
import { profiles } from "../stacks/profiles";
import type { StackResult } from "./run";
import { CRITICAL_KEY, stackAndLayer, type Action, type FleetStack } from "./select";

export interface ManagementLinks {
  /** Stacks whose use case is a management profile (stacks/rancher.ts). */
  management: Set<string>;
  /** Management stack → the stacks registered in it, by name. */
  registered: Map<string, string[]>;
}

/** One stack's own values over its environment layer, as far as these keys go. */
interface StackRancher {
  name: string;
  useCase: unknown;
  mode: unknown;
  managementStack: unknown;
}

/** Pure: who is a management stack, and who registers in which. */
export function managementLinks(stacks: StackRancher[], managementUseCases: Set<string>): ManagementLinks {
  const management = new Set(
    stacks
      .filter((s) => typeof s.useCase === "string" && managementUseCases.has(s.useCase))
      .map((s) => s.name),
  );
  const registered = new Map<string, string[]>([...management].map((m) => [m, []]));
  for (const s of stacks) {
    if (management.has(s.name) || s.mode === "none" || typeof s.managementStack !== "string") continue;
    registered.get(s.managementStack)?.push(s.name);
  }
  return { management, registered };
}

export function readManagementLinks(rootDir: string): ManagementLinks {
  const rancherOf = (values: Record<string, unknown> | undefined) =>
    (values?.rancher ?? {}) as Record<string, unknown>;
  const stacks = listStacks(rootDir).map((name) => {
    const { own, layer } = stackAndLayer(rootDir, name);
    const rancher = { ...rancherOf(layer), ...rancherOf(own) };
    return {
      name,
      useCase: own.useCase,
      mode: rancher.mode ?? "import",
      managementStack: rancher.managementStack,
    };
  });
  const managementUseCases = new Set(
    Object.values(profiles)
      .filter((p) => p.management === true)
      .map((p) => p.useCase),
  );
  return managementLinks(stacks, managementUseCases);
}

/** A management stack is critical unless its own file sets `critical: false`. */
export function withManagementCritical(stack: FleetStack, links: ManagementLinks): FleetStack {
  // Only the stack's own file releases it: `critical: false` in an environment layer (which every
  // stack of that environment shares) must not (fleet/select.ts criticalOf names the source).
  const ownFileSaysNo = stack.criticalReason === `${CRITICAL_KEY}: false (stack file)`;
  if (!links.management.has(stack.name) || stack.critical || ownFileSaysNo) return stack;
  return {
    ...stack,
    critical: true,
    criticalReason: "management stack: every cluster's Rancher (critical by default)",
  };
}

/** The selection in phases: management first on preview/up, last on destroy; order kept inside. */
export function managementPhases(
  action: Action,
  stacks: FleetStack[],
  links: ManagementLinks,
): FleetStack[][] {
  const mgmt = stacks.filter((s) => links.management.has(s.name));
  const rest = stacks.filter((s) => !links.management.has(s.name));
  const phases = action === "destroy" ? [rest, mgmt] : [mgmt, rest];
  return phases.filter((p) => p.length > 0);
}

/** Null when the destroy may go on; otherwise why not (nothing is destroyed then). */
export function managementDestroyRefusal(selected: FleetStack[], links: ManagementLinks): string | null {
  const chosen = new Set(selected.map((s) => s.name));
  const blocked = selected
    .filter((s) => links.management.has(s.name))
    .map((s) => ({ name: s.name, still: (links.registered.get(s.name) ?? []).filter((r) => !chosen.has(r)) }))
    .filter((b) => b.still.length > 0);
  if (blocked.length === 0) return null;
  return [
    "fleet: refusing to destroy a management stack while clusters are registered in it; nothing was destroyed:",
    ...blocked.map((b) => `  - ${b.name}: ${b.still.join(", ")} still name it in rancher.managementStack`),
    "Destroy those stacks first (or with it), or point them elsewhere through a reviewed change.",
  ].join("\n");
}

/**
 * Runs the phases one after the other. For up and destroy, a failure in a phase stops the later
 * ones: their stacks are reported failed without running (a use-case stack without its management
 * stack's outputs, or a Rancher destroyed while a cluster failed to leave it).
 */
export async function runInPhases(
  action: Action,
  phases: FleetStack[][],
  run: (stacks: FleetStack[]) => Promise<StackResult[]>,
): Promise<StackResult[]> {
  const results: StackResult[] = [];
  for (const phase of phases) {
    const stop = action !== "preview" && results.some((r) => r.status === "failed");
    if (stop) {
      results.push(
        ...phase.map((s) => ({
          stack: s.name,
          action,
          status: "failed" as const,
          changes: null,
          durationMs: 0,
          error: "not run: an earlier phase (management stack order) failed",
        })),
      );
      continue;
    }
    results.push(...(await run(phase)));
  }
  return results;
}
