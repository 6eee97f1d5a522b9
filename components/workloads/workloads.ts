/**
 * A cluster's workloads through its Kubernetes provider: for each enabled component a namespace
 * with its guard rails, generated secrets, pinned Helm releases and custom resources. Only the
 * provider links them to the cluster: changing a workload touches no VM or network.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { certificateBundle } from "./certificates";
import { CHARTS } from "./charts";
import { openEgress } from "./guardrails";
import type { KubeObject } from "./kube";
import type { PlannedComponent } from "./plan";
import type { GeneratedSecret } from "./types";

export interface WorkloadsArgs {
  components: PlannedComponent[];
  provider: k8s.Provider;
  /** workloads.egressAllowlist, for the warnings below (the policies come with the components). */
  egressAllowlist: string[];
}

export class Workloads extends pulumi.ComponentResource {
  readonly releases: Record<string, k8s.helm.v3.Release> = {};

  constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:workloads:Workloads", name, {}, opts);
    for (const cidr of openEgress(args.egressAllowlist)) {
      void pulumi.log.warn(
        `workloads.egressAllowlist holds ${cidr}: every workload pod may reach the whole internet; list the registries and mirrors it needs instead`,
        this,
      );
    }
    const downloaders = args.components.filter((c) =>
      c.guardRails.every((o) => o.metadata.name !== "allow-package-repository"),
    );
    if (downloaders.some((c) => c.name === "etl-jobs") && args.egressAllowlist.length === 0) {
      void pulumi.log.warn(
        "etl-jobs downloads its Iceberg packages (Maven) when a job starts, but neither workloads.packageRepository nor workloads.egressAllowlist opens a way out: the job cannot start",
        this,
      );
    }
    const child = (dependsOn: pulumi.Resource[] = []) => ({
      parent: this,
      provider: args.provider,
      dependsOn,
    });

    // Namespaces first: a secret can be shared into another component's namespace.
    const namespaces = new Map<string, k8s.core.v1.Namespace>();
    for (const c of args.components) {
      namespaces.set(
        c.namespace,
        new k8s.core.v1.Namespace(`${name}-${c.name}`, { metadata: c.namespaceObject.metadata }, child()),
      );
    }
    const installed = new Map<string, pulumi.Resource[]>();
    for (const c of args.components) {
      const ns = namespaces.get(c.namespace)!;
      const rails = c.guardRails.map((o) =>
        kubeResource(`${name}-${c.name}-${o.kind.toLowerCase()}-${o.metadata.name}`, o, child([ns])),
      );
      const secrets = [
        ...c.secrets.flatMap((s) => this.secret(`${name}-${c.name}`, s, c.namespace, namespaces, child())),
        ...c.certificates.map((b) =>
          certificateBundle(`${name}-${c.name}`, b, c.namespace, this, child([ns])),
        ),
      ];
      const needed = c.needs.flatMap((n) => installed.get(n) ?? []);
      // e.g. the CloudNativePG Cluster: created and awaited (pulumi.com/waitFor) before the chart
      // whose init container waits for it.
      const prerequisites = c.prerequisites.map((o) =>
        kubeResource(
          `${name}-${c.name}-${o.kind.toLowerCase()}-${o.metadata.name}`,
          o,
          child([ns, ...rails, ...secrets, ...needed]),
        ),
      );
      const releases = c.releases.map((r) => {
        const chart = CHARTS[r.chart];
        const release = new k8s.helm.v3.Release(
          `${name}-${c.name}-${r.name}`,
          {
            name: r.name,
            namespace: c.namespace,
            chart: chart.chart,
            version: chart.version,
            repositoryOpts: { repo: chart.repo },
            values: r.values,
            // Wait for the workload to be ready, and undo a failed upgrade.
            atomic: true,
            timeout: 900,
          },
          {
            ...child([ns, ...rails, ...secrets, ...needed, ...prerequisites]),
            retainOnDelete: r.retainOnDelete,
          },
        );
        this.releases[`${c.name}/${r.name}`] = release;
        return release;
      });
      const objects = c.objects.map((o) =>
        kubeResource(
          `${name}-${c.name}-${o.kind.toLowerCase()}-${o.metadata.name}`,
          o,
          child([ns, ...secrets, ...releases, ...needed]),
        ),
      );
      installed.set(c.name, [...prerequisites, ...releases, ...objects]);
    }
    this.registerOutputs({});
  }

  /** One random password per key, stored in a Secret in the namespace (and in `alsoIn`). */
  private secret(
    prefix: string,
    s: GeneratedSecret,
    namespace: string,
    namespaces: Map<string, k8s.core.v1.Namespace>,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.Resource[] {
    const passwords = Object.fromEntries(
      s.passwords.flatMap((key) => {
        const password = new random.RandomPassword(
          `${prefix}-${s.name}-${key}`,
          { length: 32, minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2, overrideSpecial: "-_.+=" },
          { parent: this },
        );
        return [
          [key, password.result],
          ...(s.bcrypt ? [[`${key}:bcrypt`, password.bcryptHash] as const] : []),
        ];
      }),
    );
    const data = pulumi.secret(pulumi.all(passwords).apply((p) => (s.render ? s.render(p) : p)));
    return [namespace, ...(s.alsoIn ?? [])].map(
      (ns) =>
        new k8s.core.v1.Secret(
          `${prefix}-${s.name}-${ns}`,
          { metadata: { name: s.name, namespace: ns }, type: s.type ?? "Opaque", stringData: data },
          {
            ...opts,
            dependsOn: [namespaces.get(ns)].filter((n): n is k8s.core.v1.Namespace => n !== undefined),
          },
        ),
    );
  }
}

/**
 * The Pulumi resource for a planned object, by kind; custom resources as CustomResource. The
 * planned objects are plain data checked against the Kubernetes OpenAPI schemas in the tests,
 * hence the casts to the SDK's input types.
 */
function kubeResource(name: string, o: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.Resource {
  switch (o.kind) {
    case "NetworkPolicy":
      return new k8s.networking.v1.NetworkPolicy(
        name,
        { metadata: o.metadata, spec: o.spec as unknown as k8s.types.input.networking.v1.NetworkPolicySpec },
        opts,
      );
    case "ResourceQuota":
      return new k8s.core.v1.ResourceQuota(
        name,
        { metadata: o.metadata, spec: o.spec as unknown as k8s.types.input.core.v1.ResourceQuotaSpec },
        opts,
      );
    case "LimitRange":
      return new k8s.core.v1.LimitRange(
        name,
        { metadata: o.metadata, spec: o.spec as unknown as k8s.types.input.core.v1.LimitRangeSpec },
        opts,
      );
    case "Ingress":
      return new k8s.networking.v1.Ingress(
        name,
        { metadata: o.metadata, spec: o.spec as unknown as k8s.types.input.networking.v1.IngressSpec },
        opts,
      );
    case "StorageClass":
      return new k8s.storage.v1.StorageClass(
        name,
        {
          metadata: o.metadata,
          provisioner: o.provisioner ?? "",
          parameters: o.parameters,
          reclaimPolicy: o.reclaimPolicy,
          volumeBindingMode: o.volumeBindingMode,
          allowVolumeExpansion: o.allowVolumeExpansion,
        },
        opts,
      );
    case "ConfigMap":
      return new k8s.core.v1.ConfigMap(name, { metadata: o.metadata, data: o.data }, opts);
    default:
      return new k8s.apiextensions.CustomResource(
        name,
        { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec },
        opts,
      );
  }
}
