/**
 * Which workload components a stack gets, with their namespaces, guard rails, Helm releases
 * (defaults merged with the stack's values) and objects. Pure; problems name their config key.
 */
import { kubeconfigSource } from "../plan/kubeconfig";
import type { UseCaseProfile } from "../config/profile";
import type { ClusterSpec, WorkloadSettings } from "../config/schema";
import { ipToNumber, numberToIp } from "../lib/ipv4";
import type { Problem } from "../plan/problems";
import type { ClusterPlan } from "../plan/types";
import { guardRails, namespaceObject, QUOTA_BY_ENVIRONMENT } from "./guardrails";
import type { KubeObject } from "./kube";
import { WORKLOAD_COMPONENTS } from "./registry";
import {
  longhornValues,
  SINGLE_REPLICA_CLASS,
  singleReplicaClass,
  STORAGE_NAMESPACE,
  storageNamespace,
} from "./storage";
import type {
  CertificateBundle,
  GeneratedSecret,
  ReleaseSpec,
  WorkloadComponent,
  WorkloadContext,
} from "./types";

export interface PlannedComponent {
  name: string;
  namespace: string;
  needs: string[];
  namespaceObject: KubeObject;
  guardRails: KubeObject[];
  secrets: GeneratedSecret[];
  certificates: CertificateBundle[];
  /** Created (and awaited) before the releases. */
  prerequisites: KubeObject[];
  releases: ReleaseSpec[];
  objects: KubeObject[];
}

export function workloadContext(
  spec: ClusterSpec,
  profile: UseCaseProfile,
  plan: ClusterPlan,
  settings: WorkloadSettings,
): WorkloadContext {
  return {
    useCase: spec.useCase,
    environment: spec.environment,
    size: spec.environment === "dev" ? "dev" : "prod",
    zone: plan.network.zone,
    storageClass: settings.storageClass ?? null,
    replicatedStorageClass:
      settings.storageClass ?? (spec.environment === "dev" ? null : SINGLE_REPLICA_CLASS),
    tlsSecretName: settings.tlsSecretName,
    // Fail closed: without a list, only the lab's own address space reaches the published APIs.
    ingressSourceRanges: settings.ingressSourceRanges ?? [spec.network.supernet],
    packageRepository: settings.packageRepository ?? null,
    podSecurity: profile.hardening.podSecurity,
    storageNodes: plan.nodes.filter((n) => n.dataDiskGiB !== null).length,
    nodeTaints: plan.nodes.flatMap((n) => n.taints),
  };
}

/**
 * Where the API server answers: the VIP and every address of the server block (a fixed block of
 * the subnet, docs/ip-plan.md), so adding a server changes no policy. Never the worker or DHCP
 * blocks.
 */
export function apiServerAddresses(plan: ClusterPlan): string[] {
  const block = plan.network.blocks.find((b) => b.name === "servers");
  const first = block ? ipToNumber(block.first) : 0;
  const servers = block ? Array.from({ length: block.size }, (_, i) => numberToIp(first + i)) : [];
  return [plan.network.vip, ...servers];
}

/** The name of the storage component every other component needs (components/workloads/storage.ts). */
export const STORAGE_COMPONENT = "storage";

/** Longhorn, first: the default StorageClass every stateful release needs. */
function storageComponent(ctx: WorkloadContext, problems: Problem[]): PlannedComponent {
  if (ctx.storageNodes === 0) {
    problems.push({
      path: ["pools"],
      message:
        "no pool has a data disk (dataDiskGiB): Longhorn keeps volume replicas only on data disks; give a pool one, or set workloads: none",
    });
  }
  return {
    name: STORAGE_COMPONENT,
    namespace: STORAGE_NAMESPACE,
    needs: [],
    namespaceObject: storageNamespace(),
    // Longhorn is cluster infrastructure like kube-system: its managers talk to each other, to
    // the API server and to iSCSI on the nodes; no default-deny here (docs/workloads.md).
    guardRails: [],
    secrets: [],
    certificates: [],
    prerequisites: [],
    // Retained when Pulumi deletes it: uninstalling Longhorn deletes every volume (its chart's
    // pre-delete job runs `longhorn-manager uninstall`, refused unless deletingConfirmationFlag is
    // set), so `workloads: none` leaves it installed, and a destroy takes it with the VMs.
    releases: [{ name: "longhorn", chart: "longhorn", values: longhornValues(ctx), retainOnDelete: true }],
    objects: [singleReplicaClass()],
  };
}

/** The enabled components in install order (a component after those it needs). */
export function planWorkloads(
  spec: ClusterSpec,
  profile: UseCaseProfile,
  plan: ClusterPlan,
  problems: Problem[],
): PlannedComponent[] {
  if (spec.workloads === "none") return [];
  const settings = spec.workloads;
  const available = new Map(profile.workloads.map((name) => [name, WORKLOAD_COMPONENTS[name]]));
  for (const name of Object.keys(settings.components)) {
    if (!available.has(name)) {
      problems.push({
        path: ["workloads", "components", name],
        message: `'${name}' is not a component of use case ${spec.useCase}; known: ${profile.workloads.join(", ")}`,
      });
    }
  }
  const enabled = [...available.values()].filter(
    (c): c is WorkloadComponent =>
      c !== undefined && (settings.components[c.name]?.enabled ?? c.defaultEnabled),
  );
  const names = new Set(enabled.map((c) => c.name));
  for (const c of enabled) {
    for (const need of c.needs.filter((n) => !names.has(n))) {
      problems.push({
        path: ["workloads", "components", need, "enabled"],
        message: `${c.name} needs ${need}; enable it or turn ${c.name} off`,
      });
    }
  }
  // Issue 11: without Rancher the kubeconfig comes from the bootstrap server (kubeconfig.source node).
  if (spec.rancher.mode === "none" && kubeconfigSource(spec) === "rancher" && enabled.length > 0) {
    problems.push({
      path: ["workloads"],
      message:
        "rancher.mode none with kubeconfig.source rancher gives the program no Kubernetes provider: use kubeconfig.source node, or set workloads: none",
    });
  }
  const ctx = workloadContext(spec, profile, plan, settings);
  if (enabled.length === 0) return [];
  const planned = enabled.map((c) => {
    const rails = {
      namespace: c.namespace,
      useCase: spec.useCase,
      podSecurity: ctx.podSecurity,
      egressAllowlist: settings.egressAllowlist,
      ingressController: settings.ingressController,
      apiServerAddresses: apiServerAddresses(plan),
      podCidr: spec.rke2.clusterCidr,
      apiServer: c.apiServer,
      webhookPorts: c.webhookPorts,
      packageCidrs: c.packageEgress ? (ctx.packageRepository?.cidrs ?? []) : [],
      size: QUOTA_BY_ENVIRONMENT[ctx.size],
    };
    const overrides = settings.components[c.name]?.values ?? {};
    return {
      name: c.name,
      namespace: c.namespace,
      // Storage first: a release with a volume never starts before the default StorageClass exists.
      needs: [STORAGE_COMPONENT, ...c.needs],
      namespaceObject: namespaceObject(rails),
      guardRails: guardRails(rails),
      secrets: c.secrets,
      certificates: c.certificates?.(ctx) ?? [],
      prerequisites: c.prerequisites?.(ctx) ?? [],
      // Stack values apply to the component's first (main) release.
      releases: c
        .releases(ctx)
        .map((r, i) => (i === 0 ? { ...r, values: deepMerge(r.values, overrides) } : r)),
      objects: c.objects(ctx),
    };
  });
  return [storageComponent(ctx, problems), ...planned];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const current = out[k];
    out[k] = isObject(current) && isObject(v) ? deepMerge(current, v) : v;
  }
  return out;
}
