/**
 * A user mistake found while validating or planning. `path` is the config key path below the
 * project namespace (e.g. ["cluster", "vlan"]); the config loader adds the file it came from.
 */
export interface Problem {
  path: (string | number)[];
  message: string;
}

/** Thrown by the pure planners with every problem found, never just the first. */
export class PlanProblems extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("; "));
    this.name = "PlanProblems";
  }
}
