/** The shape of a use-case workload component: pure data and functions of the stack's context. */
import type { KubeObject } from "./kube";
import type { ChartId } from "./charts";

export interface WorkloadContext {
  useCase: string;
  environment: string;
  /** "dev" sizes for the dev environment, "prod" sizes for every other. */
  size: "dev" | "prod";
  /** The cluster DNS zone; ingress hosts are `<component>.<zone>`. */
  zone: string;
  storageClass: string | null;
  /**
   * The class for volumes of a workload that replicates itself: the stack's storageClass if set,
   * else Longhorn's single-replica class in prod and the default class (null) in dev.
   */
  replicatedStorageClass: string | null;
  tlsSecretName: string;
  /** Client CIDRs the published APIs (the FHIR ingress) admit. */
  ingressSourceRanges: string[];
  /** workloads.packageRepository: the Maven repository Spark downloads from, and its CIDRs. */
  packageRepository: { url: string; cidrs: string[] } | null;
  podSecurity: "baseline" | "restricted";
  /** Nodes with a data disk: the nodes that can hold Longhorn replicas. */
  storageNodes: number;
  /** Every node's taints (duplicates allowed): node-level daemons must tolerate them. */
  nodeTaints: string[];
}

export interface ReleaseSpec {
  /** Helm release name (unique in its namespace). */
  name: string;
  chart: ChartId;
  values: Record<string, unknown>;
  /** Leave the release installed when Pulumi deletes it (see components/workloads/storage.ts). */
  retainOnDelete?: boolean;
}

/**
 * Passwords the program generates (random.RandomPassword, secret in state) and stores in a
 * Kubernetes Secret of the component's namespace (and of `alsoIn`, for a consumer elsewhere).
 */
export interface GeneratedSecret {
  name: string;
  /** One password per key. */
  passwords: string[];
  /**
   * The Secret's data from the passwords (default: the passwords as they are). With `bcrypt`,
   * each key's bcrypt hash (random.RandomPassword.bcryptHash) is passed as `<key>:bcrypt`.
   */
  render?: (passwords: Record<string, string>) => Record<string, string>;
  bcrypt?: boolean;
  type?: string;
  alsoIn?: string[];
}

/** Certificates the program generates for a component (components/workloads/certificates.ts). */
export interface CertificateBundle {
  /** The Secret: ca.crt, node.crt, node.key (PKCS#8), admin.crt, admin.key. */
  secret: string;
  organization: string;
  nodeCommonName: string;
  adminCommonName: string;
  /** Names the server certificate is valid for. */
  dnsNames: string[];
}

export interface WorkloadComponent {
  name: string;
  namespace: string;
  description: string;
  defaultEnabled: boolean;
  /** Pods that talk to the API server (operators, Spark drivers, CNPG's instance manager). */
  apiServer: boolean;
  /** Admission webhook ports the API server calls (verified in the charts: docs/workloads.md). */
  webhookPorts: number[];
  /** Downloads packages at run time: may reach workloads.packageRepository's CIDRs on 443. */
  packageEgress?: boolean;
  /** Components that must be enabled, and are installed first. */
  needs: string[];
  secrets: GeneratedSecret[];
  certificates?(ctx: WorkloadContext): CertificateBundle[];
  /**
   * Objects that must exist, and be ready, before the component's releases (e.g. the database a
   * chart's init container waits for). Created after the components it needs.
   */
  prerequisites?(ctx: WorkloadContext): KubeObject[];
  releases(ctx: WorkloadContext): ReleaseSpec[];
  /** Custom resources and other objects the component adds (after its releases). */
  objects(ctx: WorkloadContext): KubeObject[];
}
