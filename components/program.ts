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
import { NodeKubeconfig } from "./access/nodeKubeconfig";
import { isManagement, rancherHostname } from "./stack/management";
import {
  MANAGEMENT_OUTPUTS,
  managementProvider,
  readManagementAccess,
  type ManagementAccess,
} from "./management/reference";
import { RancherServer } from "./management/rancherServer";

/** Re-exported for the callers that import it from here. */
export { PROJECT_ROOT };

/**
 * The whole program for one stack: configuration first, then resources, then the outputs. With
 * `rancher.managementStack`, the management stack's outputs are read (and checked) before any
 * resource is registered (components/management/reference.ts).
 */
export function runProgram(stack = pulumi.getStack(), rootDir = PROJECT_ROOT) {
  return buildWithManagement(loadCurrentStack(stack, rootDir));
}

/** The cluster, after the management stack's outputs when this stack registers into one. */
function buildWithManagement(loaded: LoadedStack) {
  const reference = managementStackOf(loaded);
  if (reference === undefined) return buildCluster(loaded);
  return readManagementAccess(loaded.plan.cluster.name, reference).then((access) =>
    buildCluster(loaded, access),
  );
}

/** The management stack this one registers into, if any (not in rancher mode none). */
function managementStackOf(stack: LoadedStack): string | undefined {
  const { rancher } = stack.spec;
  return rancher.mode === "none" || isManagement(stack) ? undefined : rancher.managementStack;
}

/**
 * What index.ts runs: as runProgram, and before any resource is registered, the capacity check
 * against XO's own figures (docs/capacity.md); a stack that does not fit registers nothing.
 */
export async function runProgramChecked(stack = pulumi.getStack(), rootDir = PROJECT_ROOT) {
  const loaded = loadCurrentStack(stack, rootDir);
  await checkLiveCapacity(loaded);
  return buildWithManagement(loaded);
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

export function buildCluster(loaded: LoadedStack, access?: ManagementAccess) {
  const name = loaded.plan.cluster.name;
  // The management stack's CA checksum lets the bootstrap server check Rancher's certificate.
  const stack =
    access &&
    access.caChecksum !== "" &&
    loaded.spec.rancher.caChecksum === undefined &&
    !loaded.spec.rancher.insecure
      ? {
          ...loaded,
          spec: { ...loaded.spec, rancher: { ...loaded.spec.rancher, caChecksum: access.caChecksum } },
        }
      : loaded;
  const provider = access ? managementProvider(name, access) : undefined;
  const cluster = new Cluster(
    name,
    { stack, ...(access ? { rancherApi: { url: access.url, token: access.token } } : {}) },
    provider ? { providers: [provider] } : undefined,
  );
  const server = isManagement(stack) ? managementServer(stack, cluster) : undefined;
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
    /** The cluster's kubeconfig, from Rancher or from the bootstrap server (docs/rancher.md): secret. */
    kubeconfig: cluster.access?.kubeconfig,
    ...(server ? managementOutputs(server) : {}),
    // Rancher's name for the home-lab DNS: the VIP, where RKE2's ingress controller answers.
    ...(server
      ? {
          rancherDnsRecord: {
            name: rancherHostname(stack),
            type: "A",
            value: plan.network.registrationAddress,
          },
        }
      : {}),
  };
}

/** The management stack's Rancher, on its own cluster's kubeconfig (kubeconfig.source node). */
function managementServer(stack: LoadedStack, cluster: Cluster): RancherServer {
  if (!(cluster.access instanceof NodeKubeconfig)) {
    throw new pulumi.RunError(
      `${stack.stack}: the management stack reads its kubeconfig from its node (kubeconfig.source: node)`,
    );
  }
  const servers = stack.plan.nodes.filter((n) => n.role === "server").length;
  return new RancherServer(
    `${stack.plan.cluster.name}-rancher-server`,
    {
      provider: cluster.access.provider,
      hostname: rancherHostname(stack),
      // One Rancher pod per server (the chart's default of 3 on a 3-server cluster).
      replicas: servers,
      tls: stack.spec.management?.tls ?? "rancher",
      privateCaCert: stack.spec.management?.privateCaCert,
    },
    { parent: cluster },
  );
}

/** What the use-case stacks read through their StackReference (MANAGEMENT_OUTPUTS). */
function managementOutputs(server: RancherServer) {
  return {
    [MANAGEMENT_OUTPUTS.url]: server.url,
    [MANAGEMENT_OUTPUTS.caCert]: server.caCert,
    [MANAGEMENT_OUTPUTS.caChecksum]: server.caChecksum,
    [MANAGEMENT_OUTPUTS.token]: server.token,
    rancherAdminPassword: server.adminPassword,
  };
}
