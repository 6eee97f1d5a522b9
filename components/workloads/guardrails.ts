/**
 * The guard rails every workload namespace gets: Pod Security labels, a default-deny
 * NetworkPolicy with the few openings a workload needs (DNS, its own use case, the ingress
 * controller, an egress allowlist, the API server for operators), and a ResourceQuota and
 * LimitRange sized by environment. Pure: plain objects, validated against the Kubernetes schemas.
 */
import { MANAGED_BY, type KubeObject } from "./kube";

export interface IngressController {
  namespace: string;
  /** Label sets of the controller's pods (any of them). */
  podSelectors: Record<string, string>[];
}

export interface GuardRailInput {
  namespace: string;
  useCase: string;
  podSecurity: "baseline" | "restricted";
  /** CIDRs pods may reach outside the cluster (registries, S3, APIs…). */
  egressAllowlist: string[];
  ingressController: IngressController;
  /** The API server's addresses (every server node and the VIP): the only API egress there is. */
  apiServerAddresses: string[];
  /**
   * The pod network (RKE2 `cluster-cidr`). With canal (flannel VXLAN) the API server, a host
   * process, reaches a pod on another node from its node's `flannel.1` address and a pod on its
   * own node from `cni0`'s: both are the node's pod subnet, not its node address (docs/workloads.md).
   */
  podCidr: string;
  /** Talks to the API server (operators, Spark drivers, CNPG's instance manager). */
  apiServer: boolean;
  /** Admission webhook ports the API server calls in this namespace; nothing else is admitted. */
  webhookPorts: number[];
  /** The package repository's CIDRs, for a namespace that downloads packages (HTTPS only). */
  packageCidrs: string[];
  size: QuotaSize;
}

export interface QuotaSize {
  requestsCpu: string;
  requestsMemory: string;
  limitsCpu: string;
  limitsMemory: string;
  storage: string;
  pods: string;
}

/** Per namespace; prod is four times dev. Raise per stack with workloads.quota. */
export const QUOTA_BY_ENVIRONMENT: Record<"dev" | "prod", QuotaSize> = {
  dev: {
    requestsCpu: "8",
    requestsMemory: "32Gi",
    limitsCpu: "16",
    limitsMemory: "64Gi",
    storage: "500Gi",
    pods: "50",
  },
  prod: {
    requestsCpu: "32",
    requestsMemory: "128Gi",
    limitsCpu: "64",
    limitsMemory: "256Gi",
    storage: "4Ti",
    pods: "200",
  },
};

export const USE_CASE_LABEL = "cluster-orchestrator.io/use-case";

export function namespaceObject(input: GuardRailInput): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: input.namespace,
      labels: {
        ...MANAGED_BY,
        [USE_CASE_LABEL]: input.useCase,
        "pod-security.kubernetes.io/enforce": input.podSecurity,
        "pod-security.kubernetes.io/enforce-version": "latest",
        // Always warn and audit at restricted, so baseline namespaces show what would break.
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
    },
  };
}

/** CIDRs that open egress to the whole internet: worth a warning wherever they appear. */
export function openEgress(allowlist: string[]): string[] {
  return allowlist.filter((cidr) => cidr.endsWith("/0"));
}

export function guardRails(input: GuardRailInput): KubeObject[] {
  const meta = (name: string) => ({ name, namespace: input.namespace, labels: { ...MANAGED_BY } });
  const policy = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(name),
    spec,
  });
  const sameUseCase = { namespaceSelector: { matchLabels: { [USE_CASE_LABEL]: input.useCase } } };
  const objects: KubeObject[] = [
    policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy("allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
    policy("allow-same-use-case", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [sameUseCase] }],
      egress: [{ to: [sameUseCase] }],
    }),
    policy("allow-ingress-controller", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: input.ingressController.podSelectors.map((labels) => ({
            namespaceSelector: {
              matchLabels: { "kubernetes.io/metadata.name": input.ingressController.namespace },
            },
            podSelector: { matchLabels: labels },
          })),
        },
      ],
    }),
  ];
  if (input.egressAllowlist.length > 0) {
    objects.push(
      policy("allow-egress-allowlist", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: input.egressAllowlist.map((cidr) => ({ ipBlock: { cidr } })) }],
      }),
    );
  }
  if (input.apiServer) {
    // After the kubernetes Service's DNAT the API server is <server>:6443 (RKE2's supervisor, 9345, is not needed).
    objects.push(
      policy("allow-api-server", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: input.apiServerAddresses.map((a) => ({ ipBlock: { cidr: `${a}/32` } })),
            ports: [{ protocol: "TCP", port: 6443 }],
          },
        ],
      }),
    );
  }
  if (input.packageCidrs.length > 0) {
    objects.push(
      policy("allow-package-repository", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: input.packageCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: "TCP", port: 443 }],
          },
        ],
      }),
    );
  }
  if (input.webhookPorts.length > 0) {
    // The API server calls webhooks from the CNI's tunnel/bridge address (pod CIDR) or, with a
    // CNI without a tunnel, from the server's own address: those sources, the webhook ports only.
    objects.push(
      policy("allow-webhooks", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { ipBlock: { cidr: input.podCidr } },
              ...input.apiServerAddresses.map((a) => ({ ipBlock: { cidr: `${a}/32` } })),
            ],
            ports: input.webhookPorts.map((port) => ({ protocol: "TCP", port })),
          },
        ],
      }),
    );
  }
  const size = input.size;
  objects.push(
    {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: meta("quota"),
      spec: {
        hard: {
          "requests.cpu": size.requestsCpu,
          "requests.memory": size.requestsMemory,
          "limits.cpu": size.limitsCpu,
          "limits.memory": size.limitsMemory,
          "requests.storage": size.storage,
          pods: size.pods,
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: meta("defaults"),
      spec: {
        // With a quota on limits, every container needs them: these apply when a chart sets none.
        limits: [
          {
            type: "Container",
            defaultRequest: { cpu: "100m", memory: "256Mi" },
            default: { cpu: "1", memory: "1Gi" },
          },
        ],
      },
    },
  );
  return objects;
}
