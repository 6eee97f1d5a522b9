/**
 * What XO should show for one stack's cluster, derived from its loaded plan with the program's
 * own naming: the `cluster=<name>` VM tag, host names, MACs, the VLAN network's name.
 */
import type { LoadedStack } from "../components/stack/types";
import { vmTags } from "../components/nodepool/vmArgs";
import { networkName } from "../components/plan/naming";
import { capacityFacts } from "./doctorCapacity";
import type { ClusterFacts } from "./doctorTypes";

export type { ClusterFacts };

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
