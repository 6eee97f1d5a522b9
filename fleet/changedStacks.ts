/**
 * `fleet changed-stacks`: which stacks a change touches, for CI's matrices (docs/ci.md). Changed
 * paths (relative to the repository root) come on stdin; the answer is a JSON array of stack
 * names on stdout. Each stack's environment and use case are read by the program's own config
 * loader (stackIdentity). A stack whose environment cannot be determined counts as prod (fail
 * closed): it only ever goes to the gated job, and it is in every environment's and use case's
 * selection.
 *
 *   stacks/Pulumi.<stack>.yaml               -> that stack (while its file exists)
 *   Pulumi.<env>.yaml (an environment layer) -> every stack of that environment
 *   stacks/<usecase>.ts (a use-case profile) -> every stack of that use case
 *   the program (Pulumi.yaml, index.ts, package.json, package-lock.json, tsconfig.json,
 *     components/, cloud-init/, policy/, xo-pools.yaml, any other stacks/*.ts) -> every stack
 *   anything else (docs/, tests/, render/, bin/, .github/, …) -> no stack
 */
import * as fs from "fs";
import * as path from "path";
import { listStacks } from "../components/config/sources";
import { stackIdentity, type StackIdentity } from "../components/config/stackIdentity";
import { EXIT_OK, UsageError, type FleetDeps } from "./deps";
import { readManagementLinks } from "./managementOrder";

export interface ChangedStacksArgs {
  /** The repository checkout (relative to the current directory); default: the project. */
  root: string | null;
  all: boolean;
  only: "prod" | "nonprod" | null;
}

export interface ChangedStacks {
  stacks: string[];
  /** Notes for stderr (a changed stack file that no longer exists). */
  notes: string[];
}

const PROGRAM_FILES = new Set([
  "Pulumi.yaml",
  "index.ts",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "xo-pools.yaml",
]);
const PROGRAM_DIRS = ["components/", "cloud-init/", "policy/"];

/** The stacks `changed` touches, sorted; pure (identities as the loader read them). */
export function stacksForChanges(
  changed: string[],
  identities: StackIdentity[],
  options: { all: boolean; only: "prod" | "nonprod" | null },
): ChangedStacks {
  const selected = new Set<string>();
  const notes: string[] = [];
  const known = new Set(identities.map((i) => i.stack));
  const selectAll = () => identities.forEach((i) => selected.add(i.stack));
  /** Every stack whose field is `value`; an undeterminable one too. True when one matched. */
  const selectWhere = (field: "environment" | "useCase", value: string): boolean => {
    let found = false;
    for (const i of identities) {
      if (i[field] === value) {
        selected.add(i.stack);
        found = true;
      }
      if (i[field] === null) selected.add(i.stack);
    }
    return found;
  };

  if (options.all) selectAll();
  else {
    for (const raw of changed) {
      const file = raw.replace(/\r$/, "").replace(/^\.\//, "");
      let m: RegExpExecArray | null;
      if (file === "") continue;
      if ((m = /^stacks\/Pulumi\.(.+)\.yaml$/.exec(file))) {
        if (known.has(m[1]!)) selected.add(m[1]!);
        else notes.push(`${file} no longer exists: retire that stack by hand (pulumi destroy)`);
      } else if ((m = /^Pulumi\.(.+)\.yaml$/.exec(file))) selectWhere("environment", m[1]!);
      else if ((m = /^stacks\/(.+)\.ts$/.exec(file))) {
        // Not a use-case profile (profiles.ts, a shared helper): it may shape every stack.
        if (!selectWhere("useCase", m[1]!)) selectAll();
      } else if (PROGRAM_FILES.has(file) || PROGRAM_DIRS.some((d) => file.startsWith(d))) selectAll();
    }
  }
  const stacks = identities
    .filter((i) => selected.has(i.stack))
    .filter((i) => {
      // Fail closed: only a stack the loader reads as non-prod leaves the gated job.
      const prodOrUnknown = i.environment === "prod" || i.environment === null;
      return options.only === null || (options.only === "prod" ? prodOrUnknown : !prodOrUnknown);
    })
    .map((i) => i.stack)
    .sort();
  return { stacks, notes };
}

export async function changedStacksCommand(args: ChangedStacksArgs, deps: FleetDeps): Promise<number> {
  const root = args.root === null ? deps.rootDir : path.resolve(args.root);
  if (!fs.existsSync(path.join(root, "stacks"))) {
    throw new UsageError(`no stacks/ directory under '${args.root ?? root}'`);
  }
  const identities = listStacks(root).map((stack) => {
    if (!/^[A-Za-z0-9._-]+$/.test(stack)) {
      throw new UsageError(`unexpected stack file name 'stacks/Pulumi.${stack}.yaml'`);
    }
    return stackIdentity(root, stack);
  });
  const input = args.all || deps.stdin === undefined ? "" : await deps.stdin();
  const result = stacksForChanges(input.split("\n"), identities, args);
  for (const note of result.notes) deps.err(`changed-stacks: ${note}`);
  // Management stacks first: the deploy workflow runs the prod list in this order, one at a time,
  // and the use-case stacks read the management stack's outputs (fleet/managementOrder.ts).
  const { management } = readManagementLinks(root);
  const first = (stack: string) => (management.has(stack) ? 0 : 1);
  deps.out(JSON.stringify([...result.stacks].sort((a, b) => first(a) - first(b) || a.localeCompare(b))));
  return EXIT_OK;
}
