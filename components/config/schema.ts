/**
 * The one schema of the merged configuration (code defaults < use-case profile < environment
 * layer < stack file). Defaults live here, in code: Pulumi applies Pulumi.yaml defaults in the
 * CLI only. Objects are strict so a misspelt key is reported instead of silently ignored.
 */
import { z } from "zod";
import { isCidr, isIpv4 } from "../lib/ipv4";
import { labelKeyProblem, labelValueProblem, taintProblem } from "./kubeSyntax";
import { sshKeyProblem } from "./sshKey";

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SHORT_NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const SHORT_NAME_MESSAGE = "must be lower-case letters, digits and '-', starting with a letter";
const shortName = z.string().regex(SHORT_NAME, SHORT_NAME_MESSAGE);
const ipv4 = z.string().refine(isIpv4, "must be an IPv4 address such as 10.20.0.1");
const cidr = z.string().refine(isCidr, "must be an IPv4 CIDR such as 10.20.0.0/16");
const dnsDomain = z
  .string()
  .max(200)
  .refine((d) => d.split(".").every((l) => dnsLabel.test(l)), "must be a DNS domain such as lab.example.net");
const duration = z.string().regex(/^\d+(s|m|h)$/, "must be a duration such as 30s, 20m or 1h");
const sshKey = z.string().superRefine((line, ctx) => {
  const problem = sshKeyProblem(line);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});
const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** Kubernetes' own syntax (kubeSyntax.ts): nothing else can reach a node's command line. */
const syntax = (check: (value: string) => string | null) =>
  z.string().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
  });
const kubeLabels = z.record(syntax(labelKeyProblem), syntax(labelValueProblem));
const kubeTaint = syntax(taintProblem);

export const poolSchema = z.strictObject({
  role: z.enum(["server", "agent"]),
  count: int(0, 250),
  /** dhcp: an ephemeral pool; its nodes take addresses from the DHCP range. */
  addressing: z.enum(["static", "dhcp"]).default("static"),
  /** Which worker block (static agents) or MAC group (dhcp) the pool owns; fixed so pools never move. */
  slot: int(0, 15).optional(),
  cpus: int(1, 64),
  memoryMiB: int(1024, 512 * 1024),
  diskGiB: int(10, 4096),
  dataDiskGiB: int(1, 16384).optional(),
  hostnamePrefix: shortName.optional(),
  labels: kubeLabels.default({}),
  taints: z.array(kubeTaint).default([]),
  affinityHost: z.string().min(1).optional(),
});

export const layoutSchema = z.strictObject({
  reserved: int(0, 1000).default(8),
  serverBlock: int(1, 15).default(9),
  workerSlotSize: int(1, 4000).default(40),
  workerSlots: int(1, 16).default(4),
});

const url = z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL");

export const rke2Schema = z.strictObject({
  /** Installed on new nodes; existing clusters are upgraded through Rancher (docs/rke2.md). */
  version: z.string().regex(/^v1\.\d+\.\d+\+rke2r\d+$/, "must be an RKE2 release such as v1.34.2+rke2r1"),
  installUrl: url.default("https://get.rke2.io"),
  /** Mirror of the RKE2 release artifacts, for nodes without internet egress. */
  artifactUrl: url.optional(),
  /** Registry that serves RKE2's own images (system-default-registry). */
  systemDefaultRegistry: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/, "must be a registry host[:port]")
    .optional(),
  /** Pull-through mirror for docker.io and the other public registries (registries.yaml). */
  registryMirror: url.optional(),
  cni: z.enum(["canal", "calico", "cilium"]).default("canal"),
  clusterCidr: cidr.default("10.42.0.0/16"),
  serviceCidr: cidr.default("10.43.0.0/16"),
  /** cis: RKE2's CIS profile and its OS prerequisites. Default: the use case's hardening. */
  profile: z.enum(["cis", "none"]).optional(),
  etcdSnapshotSchedule: z.string().min(9).default("0 */6 * * *"),
  etcdSnapshotRetention: int(1, 1000).default(28),
  kubeVipImage: z.string().min(1).default("ghcr.io/kube-vip/kube-vip:v0.8.9"),
  /** Lab opt-out: allow http:// for installUrl, artifactUrl and registryMirror (docs/rke2.md). */
  allowInsecureHttp: z.boolean().default(false),
  /**
   * Pinned checksums the nodes verify before running anything they download (docs/rke2.md):
   * the install script's sha256, and per RKE2 version the sha256 of its sha256sum-amd64.txt
   * (which the installer then checks the tarballs against).
   */
  checksums: z
    .strictObject({
      installer: z
        .string()
        .regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest")
        .optional(),
      releases: z
        .record(
          z.string().regex(/^v1\.\d+\.\d+\+rke2r\d+$/, "must be an RKE2 release"),
          z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest"),
        )
        .default({}),
    })
    .default({ releases: {} }),
});

export const rancherSchema = z.strictObject({
  /** import: rancher2.Cluster + manifest; custom: rancher2.ClusterV2 + node command; none. */
  mode: z.enum(["import", "custom", "none"]).default("import"),
  /** sha256 of Rancher's CA certificate (its /cacerts), for a self-signed Rancher. */
  caChecksum: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest")
    .optional(),
  /** Skip TLS verification when fetching the registration manifest (prefer caChecksum). */
  insecure: z.boolean().default(false),
  /** How long `pulumi up` waits for the cluster to become active in Rancher. */
  syncTimeout: duration.default("30m"),
  labels: kubeLabels.default({}),
  // --- rancher (issue 11; docs/rancher.md) ---------------------------------------------------
  /**
   * The management stack (`rancher-prod`, or `org/project/stack`) whose outputs (rancherUrl,
   * rancherCaCert, rancherToken) configure this stack's Rancher provider through a StackReference.
   * Unset: the rancher2 provider's own RANCHER_URL / RANCHER_TOKEN_KEY (an existing Rancher).
   */
  managementStack: z
    .string()
    .regex(
      /^([A-Za-z0-9][\w.-]*\/){0,2}[a-z][a-z0-9-]*$/,
      "must be a stack name such as rancher-prod or org/project/rancher-prod",
    )
    .optional(),
});

/** Where the workloads' kubeconfig comes from (issue 11; docs/rancher.md). */
export const kubeconfigSchema = z.strictObject({
  /** rancher: Rancher's ClusterSync; node: the bootstrap server's RKE2 admin kubeconfig over SSH. Default: node with rancher mode none, else rancher. */
  source: z.enum(["rancher", "node"]).optional(),
});

/** The management stack's Rancher server (use case `rancher` only; docs/rancher.md). */
export const managementSchema = z.strictObject({
  /** Rancher's host name; default rancher.<network.domain>. */
  hostname: z
    .string()
    .max(200)
    .refine(
      (d) => d.split(".").every((l) => dnsLabel.test(l)),
      "must be a DNS name such as rancher.lab.example.net",
    )
    .optional(),
  /** rancher: Rancher-generated CA (cert-manager); secret: your certificate in cattle-system/tls-rancher-ingress. */
  tls: z.enum(["rancher", "secret"]).default("rancher"),
  /** With tls: secret and a private CA, its PEM (public): Rancher and the other stacks trust it. */
  privateCaCert: z.string().includes("-----BEGIN CERTIFICATE-----").optional(),
});

const DEFAULT_INGRESS_SELECTORS = [
  { "app.kubernetes.io/name": "rke2-ingress-nginx" },
  { "app.kubernetes.io/name": "rke2-traefik" },
];

const workloadComponentSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** Helm values merged over the component's defaults (objects merge, lists and scalars replace). */
  values: z.record(z.string(), z.unknown()).default({}),
});

const workloadSettingsSchema = z.strictObject({
  /** Per component of the use case (stacks/<usecase>.ts lists them): on/off and value overrides. */
  components: z
    .record(z.string().meta({ pattern: SHORT_NAME.source }), workloadComponentSchema)
    .superRefine((components, ctx) => {
      // Not a key schema: inside the `none | settings` union a bad record key would be reported
      // as `workloads: Invalid input`, without naming the component (tests/configFormats.test.ts);
      // the pattern above is for the JSON Schema only (editors).
      for (const name of Object.keys(components).filter((n) => !SHORT_NAME.test(n)))
        ctx.addIssue({ code: "custom", path: [name], message: SHORT_NAME_MESSAGE });
    })
    .default({}),
  /** CIDRs workload pods may reach outside the cluster; everything else is denied. */
  egressAllowlist: z.array(cidr).default([]),
  /**
   * The pods allowed to reach workloads from outside: RKE2's bundled ingress controller. Both
   * RKE2's ingress-nginx and Traefik label sets by default, so a switch keeps working.
   */
  ingressController: z
    .strictObject({
      namespace: shortName.default("kube-system"),
      podSelectors: z.array(z.record(z.string(), z.string())).min(1).default(DEFAULT_INGRESS_SELECTORS),
    })
    .default({ namespace: "kube-system", podSelectors: DEFAULT_INGRESS_SELECTORS }),
  /** StorageClass for persistent volumes (the cluster default when unset). */
  storageClass: z.string().min(1).optional(),
  /** TLS secret (in the workload namespace) for ingresses; TLS-only ingress is enforced. */
  tlsSecretName: z.string().min(1).default("ingress-tls"),
  // --- workloads (issue 14): who may reach the published APIs --------------------------------
  /** Client CIDRs the published APIs (FHIR) admit; default: the environment's address supernet. */
  ingressSourceRanges: z
    .array(cidr.refine((c) => !c.endsWith("/0"), "must not admit every address (/0)"))
    .min(1)
    .optional(),
  /**
   * Where the ETL job's Spark downloads its Maven packages (`spark.jars.repositories`) and the
   * CIDRs it answers on: the `etl` namespace may reach those, on TCP 443 only.
   */
  packageRepository: z
    .strictObject({
      url: z.string().regex(/^https:\/\/[^\s,]+$/, "must be an https URL without commas"),
      cidrs: z.array(cidr.refine((c) => !c.endsWith("/0"), "must not admit every address (/0)")).min(1),
    })
    .optional(),
});

/** `none` gives a bare cluster. */
export const workloadsSchema = z.union([z.literal("none"), workloadSettingsSchema]);

export const specSchema = z.strictObject({
  environment: shortName,
  useCase: shortName,
  cluster: z.strictObject({
    number: int(1, 4000),
    name: shortName.optional(),
    description: z.string().max(200).optional(),
    vlan: int(1, 4094).optional(),
    cidr: cidr.optional(),
    gateway: ipv4.optional(),
    hostnamePattern: z.string().min(1).default("cluster{cluster}-{pool}{index}"),
  }),
  network: z.strictObject({
    supernet: cidr,
    clusterPrefix: int(16, 28).default(24),
    vlanBase: int(0, 4093),
    domain: dnsDomain,
    resolvers: z.array(ipv4).min(1),
    mtu: int(1280, 9000).default(1500),
    /** Use this existing XO network (by name) instead of creating the cluster's VLAN network. */
    existingNetwork: z.string().min(1).optional(),
    layout: layoutSchema.default(layoutSchema.parse({})),
  }),
  xo: z.strictObject({
    pool: z.string().min(1),
    template: z.string().min(1),
    sr: z.string().min(1),
    pifDevice: z.string().regex(/^[a-z][a-z0-9]*$/, "must be a PIF device name such as eth1"),
    createTimeout: duration.default("20m"),
    updateTimeout: duration.default("20m"),
    deleteTimeout: duration.default("10m"),
  }),
  nodes: z.strictObject({
    adminUser: shortName.default("ops"),
    sshAuthorizedKeys: z.array(sshKey).min(1),
    packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/)).default([]),
    /** An IANA zone name: cloud-init joins it to /usr/share/zoneinfo/ (no `..`, no shell characters). */
    timezone: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/,
        "must be an IANA time zone such as Europe/Paris",
      )
      .default("UTC"),
    /** The admin user's sudo: all (default), none, or the absolute command lines it may run (docs/nodes.md). */
    adminSudo: z
      .union([
        z.enum(["all", "none"]),
        z
          .array(
            z
              .string()
              .regex(
                /^\/[A-Za-z0-9._/-]+( [A-Za-z0-9._/=:@-]+)*$/,
                "must be an absolute command line of plain words",
              ),
          )
          .min(1),
      ])
      .default("all"),
  }),
  pools: z.record(shortName, poolSchema),
  rke2: rke2Schema,
  rancher: rancherSchema.default(rancherSchema.parse({})),
  workloads: workloadsSchema.default(workloadSettingsSchema.parse({})),
  /** `fleet destroy` refuses a critical stack; unset means "as protected" (docs/operations.md). */
  critical: z.boolean().optional(),
  /** Protect the network (and later stateful resources) from deletion; defaults to true in prod. */
  protect: z.boolean().optional(),
  // --- capacity (issue 13; docs/capacity.md) ---
  /** The capacity model of the XO pools (hosts, SRs, reservations), shared by every environment. */
  capacity: z
    .strictObject({
      model: z
        .string()
        .regex(/^[\w.-]+\.ya?ml$/, "must be a YAML file name in the project root, such as xo-pools.yaml")
        .optional(),
    })
    .default({}),
  // --- rancher (issue 11; docs/rancher.md) ---
  kubeconfig: kubeconfigSchema.default({}),
  management: managementSchema.optional(),
});

export type ClusterSpec = z.output<typeof specSchema>;
export type PoolSpec = z.output<typeof poolSchema>;
export type LayoutSpec = z.output<typeof layoutSchema>;
export type Rke2Spec = z.output<typeof rke2Schema>;
export type RancherSpec = z.output<typeof rancherSchema>;
export type WorkloadSettings = z.output<typeof workloadSettingsSchema>;
