/**
 * What a use case is: its node pools per environment (the lowest config layer, above the code
 * defaults) and the hooks later stages read (workloads, hardening). Profiles live in
 * stacks/<usecase>.ts.
 */
import type { z } from "zod";
import type { poolSchema } from "./schema";

export type PoolInput = z.input<typeof poolSchema>;

export interface Hardening {
  /** RKE2 `profile: cis` and its OS prerequisites. */
  cisProfile: boolean;
  /** Pod Security admission level enforced in workload namespaces. */
  podSecurity: "baseline" | "restricted";
  auditLog: boolean;
  secretsEncryption: boolean;
}

export interface UseCaseProfile {
  useCase: string;
  description: string;
  /** Pool shapes: the "dev" environment gets `dev`, every other environment `prod`. */
  pools: { dev: Record<string, PoolInput>; prod: Record<string, PoolInput> };
  /** Names of the workloads the workloads stage installs for this use case. */
  workloads: string[];
  hardening: Hardening;
  /** The management cluster: installs cert-manager and Rancher instead of workloads (docs/rancher.md). */
  management?: boolean;
}

export function poolsFor(profile: UseCaseProfile, environment: string): Record<string, PoolInput> {
  return environment === "dev" ? profile.pools.dev : profile.pools.prod;
}
