/** Legal AI (RAG): OpenSearch for retrieval, optional Dashboards, a Valkey cache. */
import { stringify } from "yaml";
import { distinguishedName } from "./distinguishedName";
import { resources, sized } from "./common";
import type { WorkloadComponent, WorkloadContext } from "./types";

/*
 * OpenSearch's security, from the chart at the pinned tag (opensearch-project/helm-charts,
 * charts/opensearch/values.yaml and templates/statefulset.yaml at opensearch-3.6.0): `config`
 * replaces opensearch.yml, `secretMounts` mounts a Secret at a path, and
 * `securityConfig.internalUsersSecret` mounts that Secret's internal_users.yml into the
 * security plugin's configuration. The settings below are the ones the chart's own (commented)
 * demo block names, with our certificates and allow_unsafe_democertificates off.
 */
export const OPENSEARCH_ADMIN_SECRET = "opensearch-admin";
export const OPENSEARCH_TLS_SECRET = "opensearch-tls";
const CERTS_DIR = "/usr/share/opensearch/config/certs";
/** The chart's default service names (clusterName opensearch-cluster, nodeGroup master). */
const SERVICE = "opensearch-cluster-master";

export function opensearchDnsNames(namespace = "opensearch"): string[] {
  const headless = `${SERVICE}-headless`;
  const suffixes = ["", `.${namespace}`, `.${namespace}.svc`, `.${namespace}.svc.cluster.local`];
  return [
    ...suffixes.map((s) => `${SERVICE}${s}`),
    ...suffixes.map((s) => `*.${headless}${s}`),
    headless,
    "localhost",
  ];
}

export function opensearchYml(ctx: WorkloadContext): string {
  const org = `cluster-orchestrator ${ctx.useCase}-${ctx.environment}`;
  const pem = (kind: "transport" | "http") => ({
    [`plugins.security.ssl.${kind}.pemcert_filepath`]: "certs/node.crt",
    [`plugins.security.ssl.${kind}.pemkey_filepath`]: "certs/node.key",
    [`plugins.security.ssl.${kind}.pemtrustedcas_filepath`]: "certs/ca.crt",
  });
  return stringify({
    "cluster.name": "opensearch-cluster",
    "network.host": "0.0.0.0",
    ...pem("transport"),
    // Peers are pods (changing addresses); the CA still has to have signed them.
    "plugins.security.ssl.transport.enforce_hostname_verification": false,
    "plugins.security.ssl.http.enabled": true,
    ...pem("http"),
    "plugins.security.allow_unsafe_democertificates": false,
    // Initialise the security index from the mounted files on first start (no securityadmin run).
    "plugins.security.allow_default_init_securityindex": true,
    "plugins.security.authcz.admin_dn": [distinguishedName("opensearch-admin", org)],
    "plugins.security.nodes_dn": [distinguishedName("opensearch-node", org)],
    "plugins.security.audit.type": "internal_opensearch",
  });
}

/** internal_users.yml with one user, `admin`, and its bcrypt hash. */
export function internalUsers(bcryptHash: string): string {
  return stringify({
    _meta: { type: "internalusers", config_version: 2 },
    admin: {
      hash: bcryptHash,
      reserved: true,
      backend_roles: ["admin"],
      description: "cluster-orchestrator admin",
    },
  });
}

export const opensearch: WorkloadComponent = {
  name: "opensearch",
  namespace: "opensearch",
  description: "OpenSearch: vector and full-text retrieval for RAG",
  defaultEnabled: true,
  apiServer: false,
  webhookPorts: [],
  needs: [],
  secrets: [
    {
      name: OPENSEARCH_ADMIN_SECRET,
      passwords: ["password"],
      bcrypt: true,
      // The security plugin's user database, with only our admin (the image's file lists demo
      // users with published passwords); mounted by the chart from securityConfig.internalUsersSecret.
      render: (p) => ({
        password: p.password ?? "",
        "internal_users.yml": internalUsers(p["password:bcrypt"] ?? ""),
      }),
    },
  ],
  certificates: (ctx) => [
    {
      secret: OPENSEARCH_TLS_SECRET,
      organization: `cluster-orchestrator ${ctx.useCase}-${ctx.environment}`,
      nodeCommonName: "opensearch-node",
      adminCommonName: "opensearch-admin",
      dnsNames: opensearchDnsNames(),
    },
  ],
  releases: (ctx) => [
    {
      name: "opensearch",
      chart: "opensearch",
      values: {
        singleNode: ctx.size === "dev",
        replicas: sized(ctx, 1, 3),
        opensearchJavaOpts: sized(ctx, "-Xms2g -Xmx2g", "-Xms8g -Xmx8g"),
        resources: sized(ctx, resources("500m", "4Gi", "2", "4Gi"), resources("2", "16Gi", "4", "16Gi")),
        // Three OpenSearch nodes keep their own shard replicas in prod: one Longhorn copy each.
        persistence: {
          size: sized(ctx, "50Gi", "400Gi"),
          ...(ctx.replicatedStorageClass ? { storageClass: ctx.replicatedStorageClass } : {}),
        },
        // vm.max_map_count is set on every node by the boot script, not by a privileged init container.
        sysctlInit: { enabled: false },
        // No demo security: the image's entrypoint skips install_demo_configuration.sh (demo
        // certificates, demo users) when this is "true" (opensearch-project/opensearch-build
        // docker/release/config/opensearch/opensearch-docker-entrypoint-3.x.sh).
        extraEnvs: [{ name: "DISABLE_INSTALL_DEMO_CONFIG", value: "true" }],
        secretMounts: [{ name: "tls", secretName: OPENSEARCH_TLS_SECRET, path: CERTS_DIR }],
        securityConfig: { enabled: true, internalUsersSecret: OPENSEARCH_ADMIN_SECRET },
        config: { "opensearch.yml": opensearchYml(ctx) },
        // Production search nodes carry the pool's label and taint (stacks/legal-ai.ts).
        ...(ctx.size === "prod"
          ? {
              nodeSelector: { "workload.cluster-orchestrator.io/role": "search" },
              tolerations: [{ key: "dedicated", operator: "Equal", value: "search", effect: "NoSchedule" }],
            }
          : {}),
      },
    },
  ],
  objects: () => [],
};

export const searchDashboards: WorkloadComponent = {
  name: "search-dashboards",
  namespace: "search-dashboards",
  description: "OpenSearch Dashboards (off by default)",
  defaultEnabled: false,
  apiServer: false,
  webhookPorts: [],
  needs: ["opensearch"],
  secrets: [],
  releases: () => [
    {
      name: "opensearch-dashboards",
      chart: "opensearch-dashboards",
      values: {
        opensearchHosts: "https://opensearch-cluster-master.opensearch.svc:9200",
        resources: resources("100m", "512Mi", "1", "1Gi"),
      },
    },
  ],
  objects: () => [],
};

export const cache: WorkloadComponent = {
  name: "cache",
  namespace: "cache",
  description: "Valkey: Redis-compatible cache for embeddings and sessions",
  defaultEnabled: true,
  apiServer: false,
  webhookPorts: [],
  needs: [],
  secrets: [{ name: "valkey-users", passwords: ["default"] }],
  releases: (ctx) => [
    {
      name: "valkey",
      chart: "valkey",
      values: {
        auth: {
          enabled: true,
          usersExistingSecret: "valkey-users",
          aclUsers: { default: { permissions: "~* &* +@all", passwordKey: "default" } },
        },
        // valkey-io/valkey-helm at valkey-0.9.3: `dataStorage` is the standalone Deployment's volume;
        // replica mode is a StatefulSet whose volumes come from `replica.persistence`, and the chart
        // fails to render without `replica.persistence.size` (templates/_helpers.tpl,
        // valkey.validateReplicaPersistence). The replication user must be an ACL user (it is).
        ...(ctx.size === "prod"
          ? {
              replica: {
                enabled: true,
                replicas: 2,
                replicationUser: "default",
                persistence: {
                  size: "20Gi",
                  ...(ctx.replicatedStorageClass ? { storageClass: ctx.replicatedStorageClass } : {}),
                },
              },
            }
          : {
              dataStorage: {
                enabled: true,
                requestedSize: "5Gi",
                ...(ctx.storageClass ? { className: ctx.storageClass } : {}),
              },
            }),
        resources: sized(ctx, resources("100m", "512Mi", "1", "1Gi"), resources("500m", "4Gi", "2", "4Gi")),
      },
    },
  ],
  objects: () => [],
};
