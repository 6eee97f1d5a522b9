/**
 * components/stack/ decides everything about one stack before any resource exists: it composes
 * the layers (config/), validates them with the one schema, plans the cluster (plan/) and its
 * workloads (workloads/plan.ts), places it on its XO pool and checks it against the other stacks.
 *
 * Loads one stack's configuration: code defaults < use-case profile < environment layer
 * (Pulumi.<env>.yaml, chosen by the stack's `environment` key) < stack file (or, under the CLI,
 * the engine's values). Every problem is collected and thrown once as a ConfigError.
 */
import type { z } from "zod";
import { ENGINE_SOURCE, engineLayers, engineStackSource } from "../config/engine";
import { ConfigError, configKey, type ConfigProblem } from "../config/errors";
import { mergeLayers, sourceOf, type Layer, type Merged } from "../config/merge";
import { poolsFor, type UseCaseProfile } from "../config/profile";
import { specSchema, type ClusterSpec } from "../config/schema";
import { environmentFile, listEnvironments, listStacks, readConfigFile, stackFile } from "../config/sources";
import { checkCapacity, placeOnPool } from "../plan/capacityEstate";
import { planCluster } from "../plan/clusterPlan";
import { checkNodeKubeconfigAccess } from "../plan/kubeconfig";
import { PlanProblems, type Problem } from "../plan/problems";
import { checkManagement } from "./management";
import { checkCustomMode } from "../rke2/settings";
import { planWorkloads } from "../workloads/plan";
import { checkCollisions } from "./collisions";
import type { LoadedStack, LoadOptions } from "./types";

export type { LoadedStack, LoadOptions };

const PROFILE_SOURCE = (useCase: string) => `stacks/${useCase}.ts`;

export function loadStack(stack: string, options: LoadOptions): LoadedStack {
  const loaded = loadAlone(stack, options);
  if (options.crossCheck !== false) {
    // The other stacks as their files say: the engine's values are this stack's only.
    const fromFiles: LoadOptions = { ...options, engine: undefined };
    const others = listStacks(options.rootDir)
      .filter((s) => s !== stack)
      .flatMap((s) => tryLoad(s, fromFiles));
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

function loadAlone(stack: string, { rootDir, profiles, engine }: LoadOptions): LoadedStack {
  const problems: ConfigProblem[] = [];
  const stackSource =
    engine !== undefined
      ? engineStackSource(engine, problems)
      : readConfigFile(rootDir, stackFile(stack), problems);
  if (!stackSource) throw new ConfigError(stack, problems);
  const { environment, useCase } = stackSource.values;
  // Under the CLI, values the stack file holds are still named by the file.
  const stackLayers =
    engine !== undefined
      ? engineLayers(stackSource, readConfigFile(rootDir, stackFile(stack), []))
      : [{ source: stackSource.file, values: stackSource.values }];
  const sourceOfKey = (key: string) => stackLayers.find((l) => key in l.values)?.source ?? stackSource.file;

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
        file: sourceOfKey("useCase"),
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
      file: sourceOfKey("useCase"),
      message: `stack '${stack}' must be named <useCase>-<environment> ('${useCase}-${environment}')`,
    });
  }
  if (typeof environment === "string" && /^[a-z][a-z0-9-]*$/.test(environment)) {
    const known = listEnvironments(rootDir);
    if (!known.includes(environment)) {
      // The keys the layer would have set are consequences, not separate mistakes: stop here.
      problems.push({
        key: configKey(["environment"]),
        file: sourceOfKey("environment"),
        message: `environment '${environment}' has no layer ${environmentFile(environment)}; layers that exist: ${known.join(", ") || "none"}`,
      });
      throw new ConfigError(stack, problems);
    }
    const envSource = readConfigFile(rootDir, environmentFile(environment), problems);
    // An unreadable layer: what it would have set is not missing from the stack file.
    if (!envSource) throw new ConfigError(stack, problems);
    layers.push({ source: envSource.file, values: envSource.values });
  }
  layers.push(...stackLayers);

  const merged = mergeLayers(layers);
  const parsed = specSchema.safeParse(merged.values);
  if (!parsed.success) {
    problems.push(
      ...parsed.error.issues.flatMap((issue) =>
        schemaProblems(issue, merged, stackSource.file, layers, stack),
      ),
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
      file: fileFor(merged, p.path, layers, stack),
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
  checkCustomMode(spec, problems);
  checkNodeKubeconfigAccess(spec, problems);
  const workloads = planWorkloads(spec, profile, plan, problems);
  if (problems.length > 0) throw new PlanProblems(problems);
  return { plan, workloads };
}

function schemaProblems(
  issue: z.core.$ZodIssue,
  merged: Merged,
  stackSource: string,
  layers: Layer[],
  stack: string,
): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const path = [...issue.path.map(String), key];
      return {
        key: configKey(path),
        file: fileFor(merged, path, layers, stack),
        message: "unknown key (misspelt?)",
      };
    });
  }
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  // A record key that fails its own schema: the key's own message says what is wrong with it.
  const message =
    issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
  if (path.length === 0) return [{ key: configKey(["*"]), file: stackSource, message }];
  return [{ key: configKey(path), file: fileFor(merged, path, layers, stack), message }];
}

/** The file that set the value (or its nearest enclosing section), or where a missing one goes. */
function fileFor(merged: Merged, path: (string | number)[], layers: Layer[], stack: string): string {
  // Values from the engine: the place to add a missing one is still the stack file.
  const files = [
    ...new Set(
      layers
        .map((l) => (l.source === ENGINE_SOURCE ? stackFile(stack) : l.source))
        .filter((s) => s.endsWith(".yaml")),
    ),
  ];
  return sourceOf(merged.provenance, path) ?? `not set; add it to ${files.join(" or ")}`;
}
