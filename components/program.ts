/**
 * What index.ts runs: load and check the stack's configuration (before any resource exists),
 * build the cluster, and shape the stack outputs. A configuration mistake ends the program
 * with a RunError: Pulumi prints its message without a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { profiles } from "../stacks/profiles";
import { Cluster } from "./cluster/cluster";
import { hasEngineValues, type EngineConfig } from "./config/engine";
import { ConfigError } from "./config/errors";
import { loadStack, type LoadedStack } from "./stack/load";
import { PROJECT_ROOT } from "./config/root";
import { networkSummary, nodeSummary } from "./plan/summary";
import { checkLiveCapacity } from "./xo/capacity";

/** Re-exported for the callers that import it from here. */
export { PROJECT_ROOT };

/** The whole program for one stack: configuration first, then resources, then the outputs. */
export function runProgram(stack = pulumi.getStack(), rootDir = PROJECT_ROOT) {
  return buildCluster(loadCurrentStack(stack, rootDir));
}

/**
 * What index.ts runs: as runProgram, and before any resource is registered, the capacity check
 * against XO's own figures (docs/capacity.md); a stack that does not fit registers nothing.
 */
export async function runProgramChecked(stack = pulumi.getStack(), rootDir = PROJECT_ROOT) {
  const loaded = loadCurrentStack(stack, rootDir);
  await checkLiveCapacity(loaded);
  return buildCluster(loaded);
}

/**
 * The engine's configuration for this run, when it handed the program any key of this namespace
 * (a real `pulumi preview/up`, or the Automation API); undefined under the mock runtime (the
 * offline render, the tests), which then reads the stack file itself.
 */
export function engineConfig(): EngineConfig | undefined {
  // isConfigSecret is the SDK's own test of PULUMI_CONFIG_SECRET_KEYS (@pulumi/pulumi 3.248.0
  // runtime/config.js); marked @internal, so it is looked up rather than imported by type.
  const internal = runtimeConfig as unknown as { isConfigSecret?: (key: string) => boolean };
  const secretKeys = new Set<string>(JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]") as string[]);
  const config: EngineConfig = {
    values: pulumi.runtime.allConfig(),
    isSecret: (key) => internal.isConfigSecret?.(key) === true || secretKeys.has(key),
  };
  return hasEngineValues(config) ? config : undefined;
}

export function loadCurrentStack(
  stack: string,
  rootDir: string,
  engine: EngineConfig | undefined = engineConfig(),
): LoadedStack {
  try {
    return loadStack(stack, { rootDir, profiles, ...(engine !== undefined ? { engine } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

export function buildCluster(stack: LoadedStack) {
  const cluster = new Cluster(stack.plan.cluster.name, { stack });
  const { plan } = stack;
  const vmIds = Object.fromEntries(
    Object.values(cluster.pools).flatMap((pool) => Object.entries(pool.vms).map(([key, vm]) => [key, vm.id])),
  );
  return {
    network: {
      name: cluster.network.nameLabel,
      id: cluster.network.networkId,
      ...networkSummary(plan.network),
    },
    nodes: plan.nodes.map((n) => ({ ...nodeSummary(n), vmId: vmIds[n.key] })),
    dnsRecords: plan.dnsRecords,
    zoneFile: plan.zoneFile,
    rancherClusterId: cluster.rancher.clusterId,
    /** The Kubernetes API behind the registration address (kube-vip VIP or the only server). */
    apiEndpoint: `https://${plan.network.apiFqdn}:6443`,
    /** Rancher's kubeconfig for the cluster: secret; absent in rancher mode none (docs/rke2.md). */
    kubeconfig: cluster.access?.kubeconfig,
  };
}
