/**
 * Healthcare EMR: the CloudNativePG operator and a HAPI FHIR server on a PostgreSQL cluster it
 * manages, under Pod Security `restricted`, reachable only through TLS.
 */
import { resources, RESTRICTED_CONTAINER, sized } from "./common";
import { MANAGED_BY } from "./kube";
import type { KubeObject } from "./kube";
import type { WorkloadComponent, WorkloadContext } from "./types";

const DB_CLUSTER = "emr-db";
const DB_SECRET = "emr-db-app";
/** The chart's Service (fullnameOverride), and the Ingress in front of it. */
export const FHIR_SERVICE = "hapi-fhir";
/** htpasswd-format credential the ingress checks (`auth`), and the password for its users (`password`). */
export const FHIR_AUTH_SECRET = "fhir-basic-auth";
export const FHIR_USER = "fhir";

export const postgresOperator: WorkloadComponent = {
  name: "postgres-operator",
  namespace: "cnpg-system",
  description: "CloudNativePG operator: PostgreSQL clusters with failover and backups",
  defaultEnabled: true,
  apiServer: true,
  // cloudnative-pg/charts charts/cloudnative-pg/values.yaml at cloudnative-pg-v0.29.0: webhook.port 9443.
  webhookPorts: [9443],
  needs: [],
  secrets: [],
  releases: () => [
    {
      name: "cloudnative-pg",
      chart: "cloudnative-pg",
      values: {
        resources: resources("100m", "256Mi", "1", "512Mi"),
        containerSecurityContext: RESTRICTED_CONTAINER,
      },
    },
  ],
  objects: () => [],
};

export const fhirServer: WorkloadComponent = {
  name: "fhir-server",
  namespace: "emr",
  description: "HAPI FHIR JPA server on a CloudNativePG PostgreSQL cluster",
  defaultEnabled: true,
  // CloudNativePG's instance manager, in every database pod, watches its Cluster through the API server.
  apiServer: true,
  webhookPorts: [],
  needs: ["postgres-operator"],
  // CNPG's owner secret: basic-auth with the owner's user name.
  secrets: [
    {
      name: FHIR_AUTH_SECRET,
      passwords: ["password"],
      bcrypt: true,
      render: (p) => ({ auth: `${FHIR_USER}:${p["password:bcrypt"] ?? ""}`, password: p.password ?? "" }),
    },
    {
      name: DB_SECRET,
      passwords: ["password"],
      type: "kubernetes.io/basic-auth",
      render: (p) => ({ username: "fhir", password: p.password ?? "" }),
    },
  ],
  releases: (ctx) => [
    {
      name: "hapi-fhir",
      chart: "hapi-fhir-jpaserver",
      values: {
        replicaCount: sized(ctx, 1, 2),
        postgresql: { enabled: false },
        externalDatabase: {
          host: `${DB_CLUSTER}-rw.emr.svc`,
          port: 5432,
          user: "fhir",
          database: "fhir",
          existingSecret: DB_SECRET,
          existingSecretKey: "password",
        },
        // The chart's default wait-for-database image is a Bitnami one; the official image has pg_isready.
        waitForDatabaseInitContainer: {
          image: { registry: "docker.io", repository: "library/postgres", tag: "17.6" },
        },
        resources: sized(ctx, resources("500m", "2Gi", "2", "2Gi"), resources("2", "6Gi", "4", "6Gi")),
        // The chart's own Ingress is off: at 0.21.0 its template renders each `paths` entry as a
        // plain path string and sets no ingressClassName (hapifhir/hapi-fhir-jpaserver-starter
        // charts/hapi-fhir-jpaserver/templates/ingress.yaml at 4265137b1). The component publishes
        // its own authenticated Ingress (objects, below) to the Service this name fixes.
        fullnameOverride: FHIR_SERVICE,
        ingress: { enabled: false },
      },
    },
  ],
  // The database first: the chart's init container loops on pg_isready until it answers, so the
  // release would time out (and roll back) if the Cluster came after it. `pulumi.com/waitFor`
  // holds the release until CloudNativePG reports the Cluster's `Ready` condition
  // (cloudnative-pg/cloudnative-pg api/v1/cluster_types.go at v1.29.2: ConditionClusterReady = "Ready").
  prerequisites: (ctx) => [
    {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: {
        name: DB_CLUSTER,
        namespace: "emr",
        labels: { ...MANAGED_BY },
        annotations: { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "900" },
      },
      spec: {
        instances: sized(ctx, 1, 3),
        storage: {
          size: sized(ctx, "20Gi", "200Gi"),
          // Three instances replicate the database in prod: one Longhorn copy each.
          ...(ctx.replicatedStorageClass ? { storageClass: ctx.replicatedStorageClass } : {}),
        },
        bootstrap: { initdb: { database: "fhir", owner: "fhir", secret: { name: DB_SECRET } } },
      },
    },
  ],
  objects: (ctx) => [fhirIngress(ctx)],
};

/**
 * The FHIR API's only way in: HTTPS through RKE2's ingress-nginx, HTTP basic authentication
 * against a generated credential, and only from `workloads.ingressSourceRanges`. The Ingress
 * names the `nginx` class explicitly: on a cluster without it nothing serves the API (closed),
 * rather than a controller that ignores the auth annotations serving it open. Annotations from
 * ingress-nginx's documented set (docs/workloads.md).
 */
export function fhirIngress(ctx: WorkloadContext): KubeObject {
  const host = `fhir.${ctx.zone}`;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: FHIR_SERVICE,
      namespace: "emr",
      labels: { ...MANAGED_BY },
      annotations: {
        "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
        "nginx.ingress.kubernetes.io/auth-type": "basic",
        "nginx.ingress.kubernetes.io/auth-secret": FHIR_AUTH_SECRET,
        "nginx.ingress.kubernetes.io/auth-secret-type": "auth-file",
        "nginx.ingress.kubernetes.io/auth-realm": "FHIR API",
        "nginx.ingress.kubernetes.io/whitelist-source-range": ctx.ingressSourceRanges.join(","),
      },
    },
    spec: {
      ingressClassName: "nginx",
      tls: [{ secretName: ctx.tlsSecretName, hosts: [host] }],
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: FHIR_SERVICE, port: { name: "http" } } },
              },
            ],
          },
        },
      ],
    },
  };
}
