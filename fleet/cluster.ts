/**
 * What XO should show for one stack's cluster, derived from its loaded plan with the program's
 * own naming: the `cluster=<name>` VM tag, host names, MACs, the VLAN network's name.
 */
import type { LoadedStack } from "../components/config/load";
import { vmTags } from "../components/nodepool/vmArgs";
import { networkName } from "../components/plan/naming";
import { capacityFacts, type CapacityFacts } from "./doctorCapacity";

export interface ClusterFacts {
  stack: string;
  environment: string;
  clusterName: string;
  /** The VM tag that marks the cluster's VMs (`cluster=<name>`), as vmTags writes it. */
  clusterTag: string;
  hostnames: string[];
  /** Lower-case MACs of every planned node. */
  macs: string[];
  /** MAC → host name. */
  macOwner: Map<string, string>;
  vlan: number;
  /** Name of the XO network the cluster creates, or the existing network it attaches to. */
  networkName: string;
  existingNetwork: boolean;
  xo: { pool: string; template: string; sr: string; pifDevice: string };
  /** Each XO host a pool pins its nodes to (pools.<pool>.affinityHost), with those pools. */
  affinityHosts: { host: string; pools: string[] }[];
  rancherMode: "import" | "custom" | "none";
  /** The environment layer file, for "set it in …" hints. */
  environmentFile: string;
  /** The stack's capacity plan (null without a capacity model): fleet/doctorCapacity.ts. */
  capacity: CapacityFacts | null;
}

export function clusterFacts(loaded: LoadedStack): ClusterFacts {
  const { plan, spec } = loaded;
  const identity = { name: plan.cluster.name, environment: plan.environment, useCase: plan.useCase };
  const tags = plan.nodes.length > 0 ? vmTags(identity, plan.nodes[0]!) : [];
  const clusterTag = tags.find((t) => t.startsWith("cluster=")) ?? `cluster=${plan.cluster.name}`;
  const existing = spec.network.existingNetwork;
  return {
    stack: loaded.stack,
    environment: plan.environment,
    clusterName: plan.cluster.name,
    clusterTag,
    hostnames: plan.nodes.map((n) => n.hostname),
    macs: plan.nodes.map((n) => n.mac.toLowerCase()),
    macOwner: new Map(plan.nodes.map((n) => [n.mac.toLowerCase(), n.hostname])),
    vlan: plan.network.vlan,
    // Same name as components/network/clusterNetwork.ts gives the VLAN network it creates.
    networkName: existing ?? networkName(plan.cluster.name, plan.network.vlan),
    existingNetwork: existing !== undefined,
    xo: { pool: spec.xo.pool, template: spec.xo.template, sr: spec.xo.sr, pifDevice: spec.xo.pifDevice },
    affinityHosts: affinityHosts(plan.nodes),
    rancherMode: spec.rancher.mode,
    environmentFile:
      loaded.files.find((f) => /^Pulumi\.[^/]+\.yaml$/.test(f)) ?? `Pulumi.${plan.environment}.yaml`,
    capacity: capacityFacts(loaded),
  };
}

function affinityHosts(nodes: LoadedStack["plan"]["nodes"]): ClusterFacts["affinityHosts"] {
  const pools = new Map<string, Set<string>>();
  for (const node of nodes) {
    if (node.affinityHost === null) continue;
    pools.set(node.affinityHost, (pools.get(node.affinityHost) ?? new Set()).add(node.pool));
  }
  return [...pools].map(([host, names]) => ({ host, pools: [...names].sort() }));
}
