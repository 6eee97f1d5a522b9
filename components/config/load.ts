/**
 * Loads one stack's configuration: code defaults < use-case profile < environment layer
 * (Pulumi.<env>.yaml, chosen by the stack's `environment` key) < stack file. Validates it with
 * the one schema, plans the cluster, and checks it against the other stacks. Every problem is
 * collected and thrown once as a ConfigError, before any resource exists.
 */
import type { z } from "zod";
import { planCluster } from "../plan/clusterPlan";
import { PlanProblems, type Problem } from "../plan/problems";
import { planWorkloads, type PlannedComponent } from "../workloads/plan";
import type { ClusterPlan } from "../plan/types";
import { checkCapacity, placeOnPool, type StackCapacity } from "../plan/capacityEstate";
import { checkManagement } from "../management/checks";
import { checkCollisions } from "./collisions";
import { ConfigError, configKey, type ConfigProblem } from "./errors";
import { mergeLayers, sourceOf, type Layer, type Merged } from "./merge";
import { poolsFor, type UseCaseProfile } from "./profile";
import { specSchema, type ClusterSpec } from "./schema";
import { environmentFile, listEnvironments, listStacks, readConfigFile, stackFile } from "./sources";

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
}

const PROFILE_SOURCE = (useCase: string) => `stacks/${useCase}.ts`;

export function loadStack(stack: string, options: LoadOptions): LoadedStack {
  const loaded = loadAlone(stack, options);
  if (options.crossCheck !== false) {
    const others = listStacks(options.rootDir)
      .filter((s) => s !== stack)
      .flatMap((s) => tryLoad(s, options));
    const problems = [
      ...checkCollisions(loaded, others),
      ...checkCapacity(loaded, others),
      ...checkManagement(loaded, others),
    ];
    if (problems.length > 0) throw new ConfigError(stack, problems);
  }
  return loaded;
}

function tryLoad(stack: string, options: LoadOptions): LoadedStack[] {
  try {
    return [loadAlone(stack, options)];
  } catch (error) {
    // Another stack's own mistakes are reported by its own preview, not by this one.
    if (error instanceof ConfigError) return [];
    throw error;
  }
}

function loadAlone(stack: string, { rootDir, profiles }: LoadOptions): LoadedStack {
  const problems: ConfigProblem[] = [];
  const stackSource = readConfigFile(rootDir, stackFile(stack), problems);
  if (!stackSource) throw new ConfigError(stack, problems);
  const { environment, useCase } = stackSource.values;

  const layers: Layer[] = [];
  let profile: UseCaseProfile | undefined;
  if (typeof useCase === "string") {
    profile = profiles[useCase];
    if (profile)
      layers.push({
        source: PROFILE_SOURCE(useCase),
        values: { pools: poolsFor(profile, String(environment)) },
      });
    else
      problems.push({
        key: configKey(["useCase"]),
        file: stackSource.file,
        message: `unknown use case '${useCase}'; known: ${Object.keys(profiles).sort().join(", ")}`,
      });
  }
  if (
    typeof environment === "string" &&
    typeof useCase === "string" &&
    stack !== `${useCase}-${environment}`
  ) {
    problems.push({
      key: configKey(["useCase"]),
      file: stackSource.file,
      message: `stack '${stack}' must be named <useCase>-<environment> ('${useCase}-${environment}')`,
    });
  }
  if (typeof environment === "string" && /^[a-z][a-z0-9-]*$/.test(environment)) {
    const known = listEnvironments(rootDir);
    if (!known.includes(environment)) {
      // The keys the layer would have set are consequences, not separate mistakes: stop here.
      problems.push({
        key: configKey(["environment"]),
        file: stackSource.file,
        message: `environment '${environment}' has no layer ${environmentFile(environment)}; layers that exist: ${known.join(", ") || "none"}`,
      });
      throw new ConfigError(stack, problems);
    }
    const envSource = readConfigFile(rootDir, environmentFile(environment), problems);
    // An unreadable layer: what it would have set is not missing from the stack file.
    if (!envSource) throw new ConfigError(stack, problems);
    layers.push({ source: envSource.file, values: envSource.values });
  }
  layers.push({ source: stackSource.file, values: stackSource.values });

  const merged = mergeLayers(layers);
  const parsed = specSchema.safeParse(merged.values);
  if (!parsed.success) {
    problems.push(
      ...parsed.error.issues.flatMap((issue) => schemaProblems(issue, merged, stackSource.file, layers)),
    );
    throw new ConfigError(stack, problems);
  }
  if (problems.length > 0 || !profile) throw new ConfigError(stack, problems);
  try {
    const planned = {
      stack,
      spec: parsed.data,
      profile,
      ...planStack(stack, parsed.data, profile),
      files: layers.map((l) => l.source),
    };
    return placeOnPool(planned, rootDir);
  } catch (error) {
    if (!(error instanceof PlanProblems)) throw error;
    const found = error.problems.map((p) => ({
      key: configKey(p.path),
      file: fileFor(merged, p.path, layers),
      message: p.message,
    }));
    throw new ConfigError(stack, found);
  }
}

/** The steps after validation: cluster plan, then workloads plan; PlanProblems on a mistake. */
export function planStack(
  stack: string,
  spec: ClusterSpec,
  profile: UseCaseProfile,
): Pick<LoadedStack, "plan" | "workloads"> {
  const plan = planCluster(stack, spec);
  const problems: Problem[] = [];
  const workloads = planWorkloads(spec, profile, plan, problems);
  if (problems.length > 0) throw new PlanProblems(problems);
  return { plan, workloads };
}

function schemaProblems(
  issue: z.core.$ZodIssue,
  merged: Merged,
  stackSource: string,
  layers: Layer[],
): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const path = [...issue.path.map(String), key];
      return {
        key: configKey(path),
        file: fileFor(merged, path, layers),
        message: "unknown key (misspelt?)",
      };
    });
  }
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  // A record key that fails its own schema: the key's own message says what is wrong with it.
  const message =
    issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
  if (path.length === 0) return [{ key: configKey(["*"]), file: stackSource, message }];
  return [{ key: configKey(path), file: fileFor(merged, path, layers), message }];
}

/** The file that set the value (or its nearest enclosing section), or where a missing one goes. */
function fileFor(merged: Merged, path: (string | number)[], layers: Layer[]): string {
  const files = layers.map((l) => l.source).filter((s) => s.endsWith(".yaml"));
  return sourceOf(merged.provenance, path) ?? `not set; add it to ${files.join(" or ")}`;
}
