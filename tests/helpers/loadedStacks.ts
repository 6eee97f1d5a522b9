/**
 * Hand-shaped LoadedStack values for the cross-stack checks (components/stack/collisions.ts and
 * management.ts): a real spec and plan of the base fixture, then only the identities a test names
 * (environment, XO pool, cluster number, VLAN, subnet, host names, MACs, Rancher settings) set by
 * hand, so each test states exactly which of them two stacks share.
 */
import { planCluster } from "../../components/plan/clusterPlan";
import type { LoadedStack } from "../../components/stack/types";
import { profiles } from "../../stacks/profiles";
import { baseSpec } from "./fixtures";

export interface StackShape {
  environment?: string;
  /** XO pool name (spec.xo.pool). */
  pool?: string;
  number?: number;
  vlan?: number;
  cidr?: string;
  /** Node host names; MACs and FQDNs follow by position unless `macs` is given. */
  hosts?: string[];
  macs?: string[];
  apiFqdn?: string;
  /** The use case's profile: a management stack uses the `rancher` profile. */
  management?: boolean;
  rancher?: Partial<LoadedStack["spec"]["rancher"]>;
  kubeconfigSource?: LoadedStack["spec"]["kubeconfig"]["source"];
  rke2Version?: string;
  /** spec.management (the management stack's own settings). */
  managementSpec?: LoadedStack["spec"]["management"];
  domain?: string;
}

/** A distinct locally administered MAC for host `i` of cluster `n`. */
export function macOf(n: number, i: number): string {
  return `02:00:0a:0a:${n.toString(16).padStart(2, "0")}:${(i + 1).toString(16).padStart(2, "0")}`;
}

export function loadedStack(stack: string, shape: StackShape = {}): LoadedStack {
  const number = shape.number ?? 3;
  const base = baseSpec((input) => {
    input.cluster.number = number;
    if (shape.environment !== undefined) input.environment = shape.environment;
  });
  const plan = planCluster(stack, base);
  const hosts = shape.hosts ?? [`cluster${number}-server1`, `cluster${number}-worker1`];
  const domain = shape.domain ?? base.network.domain;
  const template = plan.nodes[0]!;
  const nodes = hosts.map((hostname, i) => ({
    ...template,
    key: `n-${i + 1}`,
    hostname,
    fqdn: `${hostname}.${stack}.${domain}`,
    mac: shape.macs?.[i] ?? macOf(number, i),
  }));
  const spec: LoadedStack["spec"] = {
    ...base,
    environment: shape.environment ?? base.environment,
    xo: { ...base.xo, pool: shape.pool ?? base.xo.pool },
    network: { ...base.network, domain },
    rancher: { ...base.rancher, ...shape.rancher },
    kubeconfig: { ...base.kubeconfig, source: shape.kubeconfigSource ?? base.kubeconfig.source },
    rke2: { ...base.rke2, version: shape.rke2Version ?? base.rke2.version },
    management: shape.managementSpec,
  };
  return {
    stack,
    spec,
    profile: profiles[shape.management === true ? "rancher" : "legal-ai"]!,
    workloads: [],
    files: [],
    plan: {
      ...plan,
      cluster: { ...plan.cluster, number },
      network: {
        ...plan.network,
        vlan: shape.vlan ?? 100 + number,
        cidr: shape.cidr ?? `10.10.${number}.0/24`,
        apiFqdn: shape.apiFqdn ?? `api.${stack}.${domain}`,
      },
      nodes,
    },
  };
}
