/**
 * The Rancher server of the management stack: cert-manager, then Rancher (pinned Helm charts,
 * components/management/charts.ts) through the cluster's own kubeconfig, then the `rancher2`
 * provider in bootstrap mode sets the admin password and the server URL and creates the API token
 * the use-case stacks read through their StackReference (docs/rancher.md).
 *
 * Trust: with the Rancher-generated CA (default), Rancher stores its CA in the Secret
 * cattle-system/tls-rancher (rancher/rancher pkg/tls/tls.go at v2.13.8, `CAName: "tls-rancher"`; the
 * chart's Issuer signs the ingress certificate with it, chart/templates/issuer-rancher.yaml). It is
 * read over the authenticated Kubernetes API, so the bootstrap provider never skips TLS checks.
 */
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";
import * as random from "@pulumi/random";
import { MANAGEMENT_CHARTS } from "../plan/managementCharts";

export interface RancherServerArgs {
  /** The management cluster's Kubernetes provider (its kubeconfig comes from its own node). */
  provider: k8s.Provider;
  hostname: string;
  replicas: number;
  tls: "rancher" | "secret";
  /** tls secret with a private CA: its PEM. */
  privateCaCert?: string;
}

/** sha256 hex of the CA PEM, as the agents compare it (CATTLE_CA_CHECKSUM). */
export function caChecksum(pem: string): string {
  return createHash("sha256").update(pem).digest("hex");
}

export class RancherServer extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;
  /** The CA's PEM (public), empty with a certificate from a public CA. */
  readonly caCert: pulumi.Output<string>;
  readonly caChecksum: pulumi.Output<string>;
  /** The admin API token the use-case stacks use: secret. */
  readonly token: pulumi.Output<string>;
  readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: RancherServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:management:RancherServer", name, {}, opts);
    const kube = { parent: this, provider: args.provider };
    const release = (id: keyof typeof MANAGEMENT_CHARTS, namespace: string, values: pulumi.Inputs) =>
      ({
        name: MANAGEMENT_CHARTS[id].chart,
        namespace,
        createNamespace: true,
        chart: MANAGEMENT_CHARTS[id].chart,
        version: MANAGEMENT_CHARTS[id].version,
        repositoryOpts: { repo: MANAGEMENT_CHARTS[id].repo },
        values,
        atomic: true,
        timeout: 900,
      }) satisfies k8s.helm.v3.ReleaseArgs;

    const certManager = new k8s.helm.v3.Release(
      `${name}-cert-manager`,
      release("certManager", "cert-manager", { crds: { enabled: true } }),
      kube,
    );
    // The chart's one-time password for the first login; the bootstrap below replaces it.
    const bootstrapPassword = new random.RandomPassword(
      `${name}-bootstrap-password`,
      { length: 32, special: false },
      { parent: this },
    );
    const adminPassword = new random.RandomPassword(
      `${name}-admin-password`,
      { length: 32, special: false },
      { parent: this },
    );
    // privateCA: true makes the chart mount the Secret cattle-system/tls-ca (key cacerts.pem) into
    // Rancher's pod, not optional (rancher/rancher chart/templates/deployment.yaml, `tls-ca-volume`):
    // without it the pod never starts and the atomic release rolls back. The PEM is in the config, so
    // the Secret is created here, before the release, instead of by hand in the middle of `up`.
    const privateCa =
      args.privateCaCert === undefined ? [] : [this.privateCaSecret(name, args.privateCaCert, kube)];
    const rancher = new k8s.helm.v3.Release(
      `${name}-rancher`,
      release("rancher", "cattle-system", {
        hostname: args.hostname,
        replicas: args.replicas,
        bootstrapPassword: pulumi.secret(bootstrapPassword.result),
        ingress: { tls: { source: args.tls } },
        privateCA: args.privateCaCert !== undefined,
      }),
      { ...kube, dependsOn: [certManager, ...privateCa] },
    );

    if (args.tls === "rancher") {
      const ca = k8s.core.v1.Secret.get(`${name}-ca`, "cattle-system/tls-rancher", {
        ...kube,
        dependsOn: [rancher],
      });
      this.caCert = ca.data.apply((d) => Buffer.from(d["tls.crt"] ?? "", "base64").toString("utf8"));
    } else {
      this.caCert = pulumi.output(args.privateCaCert ?? "");
    }
    this.caChecksum = this.caCert.apply((pem) => (pem === "" ? "" : caChecksum(pem)));

    const bootstrapProvider = new rancher2.Provider(
      `${name}-bootstrap`,
      {
        apiUrl: `https://${args.hostname}`,
        bootstrap: true,
        caCerts: this.caCert.apply((pem) => (pem === "" ? undefined : pem)),
      },
      { parent: this, dependsOn: [rancher] },
    );
    // Sets the admin password and server-url (the provider's apiUrl) and creates the admin token
    // (terraform-provider-rancher2 docs/resources/bootstrap.md: `url`, `token`).
    const bootstrap = new rancher2.Bootstrap(
      `${name}-admin`,
      {
        initialPassword: bootstrapPassword.result,
        password: adminPassword.result,
      },
      {
        parent: this,
        provider: bootstrapProvider,
        additionalSecretOutputs: ["token", "tempToken", "currentPassword", "password"],
      },
    );
    this.url = bootstrap.url;
    this.token = pulumi.secret(bootstrap.token);
    this.adminPassword = pulumi.secret(adminPassword.result);
    this.registerOutputs({ url: this.url, caChecksum: this.caChecksum });
  }

  /** cattle-system (Helm's createNamespace accepts an existing one) and its tls-ca Secret. */
  private privateCaSecret(
    name: string,
    pem: string,
    kube: { parent: pulumi.Resource; provider: k8s.Provider },
  ): k8s.core.v1.Secret {
    const namespace = new k8s.core.v1.Namespace(
      `${name}-cattle-system`,
      { metadata: { name: "cattle-system" } },
      kube,
    );
    return new k8s.core.v1.Secret(
      `${name}-tls-ca`,
      {
        metadata: { name: "tls-ca", namespace: namespace.metadata.name },
        type: "Opaque",
        stringData: { "cacerts.pem": pem },
      },
      kube,
    );
  }
}
