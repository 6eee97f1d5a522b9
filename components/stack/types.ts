/** What loading a stack yields (load.ts), and how to load one. */
import type { EngineConfig } from "../config/engine";
import type { UseCaseProfile } from "../config/profile";
import type { ClusterSpec } from "../config/schema";
import type { StackCapacity } from "../plan/capacityEstate";
import type { ClusterPlan } from "../plan/types";
import type { PlannedComponent } from "../workloads/plan";

export interface LoadedStack {
  stack: string;
  spec: ClusterSpec;
  plan: ClusterPlan;
  profile: UseCaseProfile;
  /** Enabled workload components in install order (empty with `workloads: none`). */
  workloads: PlannedComponent[];
  /** The files that were merged, lowest first. */
  files: string[];
  /** The XO pool's capacity model and, after the cross-stack check, the estate report (docs/capacity.md). */
  capacity?: StackCapacity;
}

export interface LoadOptions {
  rootDir: string;
  profiles: Record<string, UseCaseProfile>;
  /** Compare with the other stacks in stacks/ (default true). */
  crossCheck?: boolean;
  /**
   * This stack's own values as the engine handed them (engine.ts): used instead of reading its
   * stack file. The other stacks of the cross-stack checks are always read from their files.
   */
  engine?: EngineConfig;
}
