/** Legal AI (RAG): OpenSearch for retrieval, optional Dashboards, a Valkey cache. */
import { resources, sized, storageClass } from "./common";
import type { WorkloadComponent } from "./types";

export const opensearch: WorkloadComponent = {
  name: "opensearch",
  namespace: "opensearch",
  description: "OpenSearch: vector and full-text retrieval for RAG",
  defaultEnabled: true,
  apiServer: false,
  webhookPorts: [],
  needs: [],
  secrets: [{ name: "opensearch-admin", passwords: ["password"] }],
  releases: (ctx) => [
    {
      name: "opensearch",
      chart: "opensearch",
      values: {
        singleNode: ctx.size === "dev",
        replicas: sized(ctx, 1, 3),
        opensearchJavaOpts: sized(ctx, "-Xms2g -Xmx2g", "-Xms8g -Xmx8g"),
        resources: sized(ctx, resources("500m", "4Gi", "2", "4Gi"), resources("2", "16Gi", "4", "16Gi")),
        persistence: { size: sized(ctx, "50Gi", "400Gi"), ...storageClass(ctx) },
        // vm.max_map_count is set on every node by the boot script, not by a privileged init container.
        sysctlInit: { enabled: false },
        extraEnvs: [
          {
            name: "OPENSEARCH_INITIAL_ADMIN_PASSWORD",
            valueFrom: { secretKeyRef: { name: "opensearch-admin", key: "password" } },
          },
        ],
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
                  ...(ctx.storageClass ? { storageClass: ctx.storageClass } : {}),
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
