/**
 * Accounting analytics (ETL): SeaweedFS for S3 storage, a Nessie Iceberg REST catalog, the Spark
 * operator, and an example nightly ETL job writing an Iceberg table.
 */
import { resources, sized } from "./common";
import type { KubeObject } from "./kube";
import { MANAGED_BY } from "./kube";
import { toleration } from "./storage";
import type { WorkloadComponent, WorkloadContext } from "./types";

const S3_ENDPOINT = "http://seaweedfs-s3.object-storage.svc:8333";
const CATALOG_URI = "http://nessie.lakehouse.svc:19120/iceberg";
const WAREHOUSE = "s3://warehouse/";
const SPARK_IMAGE = "docker.io/apache/spark:3.5.5";

/** S3 credentials, rendered as SeaweedFS's identity file and as plain keys for the clients. */
const s3Credentials = {
  name: "s3-credentials",
  passwords: ["accessKey", "secretKey"],
  render: (p: Record<string, string>) => ({
    accessKey: p.accessKey ?? "",
    secretKey: p.secretKey ?? "",
    seaweedfs_s3_config: JSON.stringify({
      identities: [
        {
          name: "etl",
          credentials: [{ accessKey: p.accessKey, secretKey: p.secretKey }],
          actions: ["Admin", "Read", "Write", "List", "Tagging"],
        },
      ],
    }),
  }),
  alsoIn: ["lakehouse", "etl"],
};

export const objectStorage: WorkloadComponent = {
  name: "object-storage",
  namespace: "object-storage",
  description: "SeaweedFS: S3-compatible object storage for the Iceberg warehouse",
  defaultEnabled: true,
  apiServer: false,
  webhookPorts: [],
  needs: [],
  secrets: [s3Credentials],
  releases: (ctx) => [
    {
      name: "seaweedfs",
      chart: "seaweedfs",
      values: {
        // Persistent volumes, never hostPath (which Pod Security forbids).
        master: {
          replicas: sized(ctx, 1, 3),
          // prod: every object on two volume servers ("001": another server, same rack), so each
          // volume server's disk needs one Longhorn copy only (seaweedfs k8s/charts/seaweedfs/values.yaml).
          defaultReplication: sized(ctx, "000", "001"),
          data: { type: "persistentVolumeClaim", size: "10Gi" },
          logs: { type: "emptyDir" },
        },
        volume: {
          replicas: sized(ctx, 1, 3),
          dataDirs: [
            {
              name: "data",
              type: "persistentVolumeClaim",
              // 600Gi: one copy on a 1000Gi data disk that also holds containerd's images.
              size: sized(ctx, "100Gi", "600Gi"),
              ...(ctx.replicatedStorageClass ? { storageClass: ctx.replicatedStorageClass } : {}),
              maxVolumes: 0,
            },
          ],
          logs: { type: "emptyDir" },
        },
        filer: {
          replicas: sized(ctx, 1, 2),
          data: { type: "persistentVolumeClaim", size: "20Gi" },
          logs: { type: "emptyDir" },
        },
        s3: { enabled: true, enableAuth: true, existingConfigSecret: "s3-credentials", port: 8333 },
      },
    },
  ],
  objects: () => [],
};

export const icebergCatalog: WorkloadComponent = {
  name: "iceberg-catalog",
  namespace: "lakehouse",
  description: "Project Nessie: Iceberg REST catalog over the S3 warehouse",
  defaultEnabled: true,
  apiServer: false,
  webhookPorts: [],
  needs: ["object-storage"],
  secrets: [],
  releases: (ctx) => [
    {
      name: "nessie",
      chart: "nessie",
      values: {
        // Dev keeps the catalog in memory; prod persists it in RocksDB on a volume.
        versionStoreType: sized(ctx, "IN_MEMORY", "ROCKSDB"),
        ...(ctx.size === "prod"
          ? {
              rocksdb: {
                storageSize: "20Gi",
                ...(ctx.storageClass ? { storageClassName: ctx.storageClass } : {}),
              },
            }
          : {}),
        catalog: {
          enabled: true,
          iceberg: {
            defaultWarehouse: "warehouse",
            warehouses: [{ name: "warehouse", location: WAREHOUSE }],
          },
          storage: {
            s3: {
              defaultOptions: {
                endpoint: S3_ENDPOINT,
                pathStyleAccess: true,
                region: "us-east-1",
                accessKeySecret: {
                  name: "s3-credentials",
                  awsAccessKeyId: "accessKey",
                  awsSecretAccessKey: "secretKey",
                },
              },
            },
          },
        },
        resources: resources("250m", "1Gi", "2", "2Gi"),
      },
    },
  ],
  objects: () => [],
};

export const sparkOperator: WorkloadComponent = {
  name: "spark-operator",
  namespace: "spark-operator",
  description: "Kubeflow Spark operator: runs SparkApplications in the etl namespace",
  defaultEnabled: true,
  apiServer: true,
  // kubeflow/spark-operator charts/spark-operator-chart/values.yaml at v2.5.1: webhook.port 9443.
  webhookPorts: [9443],
  needs: [],
  secrets: [],
  releases: () => [
    {
      name: "spark-operator",
      chart: "spark-operator",
      values: {
        spark: {
          jobNamespaces: ["etl"],
          serviceAccount: { create: true, name: "spark" },
          rbac: { create: true },
        },
        webhook: { enable: true },
        controller: { resources: resources("100m", "256Mi", "1", "512Mi") },
      },
    },
  ],
  objects: () => [],
};

/** The ephemeral burst pool (stacks/accounting-analytics.ts): its taint keeps everything else off it. */
export const BURST_TAINT = "ephemeral=true:NoSchedule";
export const BURST_LABEL = { key: "workload.cluster-orchestrator.io/role", value: "spark-burst" };

/**
 * Executors, and only executors, tolerate the burst pool's taint and prefer its nodes: the pool
 * exists for them, while drivers and services stay on the static workers (a burst node may go away).
 */
export function burstPlacement(ctx: WorkloadContext): Record<string, unknown> {
  if (!ctx.nodeTaints.includes(BURST_TAINT)) return {};
  return {
    tolerations: [toleration(BURST_TAINT)],
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            preference: {
              matchExpressions: [{ key: BURST_LABEL.key, operator: "In", values: [BURST_LABEL.value] }],
            },
          },
        ],
      },
    },
  };
}

const ETL_SCRIPT = [
  "# Example ETL: load a day of ledger entries into an Iceberg table (replace with real sources).",
  "from datetime import date",
  "from pyspark.sql import SparkSession",
  "",
  'spark = SparkSession.builder.appName("ledger-etl").getOrCreate()',
  'spark.sql("CREATE NAMESPACE IF NOT EXISTS lake.finance")',
  'spark.sql("CREATE TABLE IF NOT EXISTS lake.finance.ledger (day DATE, account STRING, amount DECIMAL(18,2)) USING iceberg PARTITIONED BY (day)")',
  'rows = [(date.today(), "4000-revenue", 0)]',
  'spark.createDataFrame(rows, "day DATE, account STRING, amount DECIMAL(18,2)").writeTo("lake.finance.ledger").append()',
  "spark.stop()",
  "",
].join("\n");

export const etlJobs: WorkloadComponent = {
  name: "etl-jobs",
  namespace: "etl",
  description: "Example nightly Spark ETL job writing an Iceberg table through the catalog",
  defaultEnabled: true,
  // Spark drivers create their executor pods through the API server.
  apiServer: true,
  // Nothing calls into etl from the control plane.
  webhookPorts: [],
  // The driver resolves `deps.packages` (Iceberg) from Maven when a job starts.
  packageEgress: true,
  needs: ["spark-operator", "iceberg-catalog", "object-storage"],
  secrets: [],
  releases: () => [],
  objects: (ctx): KubeObject[] => {
    const s3Env = [
      {
        name: "AWS_ACCESS_KEY_ID",
        valueFrom: { secretKeyRef: { name: "s3-credentials", key: "accessKey" } },
      },
      {
        name: "AWS_SECRET_ACCESS_KEY",
        valueFrom: { secretKeyRef: { name: "s3-credentials", key: "secretKey" } },
      },
      { name: "AWS_REGION", value: "us-east-1" },
    ];
    const podBase = { env: s3Env, volumeMounts: [{ name: "job", mountPath: "/opt/etl" }] };
    return [
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "ledger-etl", namespace: "etl", labels: { ...MANAGED_BY } },
        data: { "etl.py": ETL_SCRIPT },
      },
      {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "ScheduledSparkApplication",
        metadata: { name: "ledger-etl", namespace: "etl", labels: { ...MANAGED_BY } },
        spec: {
          schedule: "0 2 * * *",
          concurrencyPolicy: "Forbid",
          template: {
            type: "Python",
            mode: "cluster",
            image: SPARK_IMAGE,
            sparkVersion: "3.5.5",
            mainApplicationFile: "local:///opt/etl/etl.py",
            deps: {
              packages: [
                "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.9.2",
                "org.apache.iceberg:iceberg-aws-bundle:1.9.2",
              ],
            },
            sparkConf: {
              "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
              "spark.sql.catalog.lake": "org.apache.iceberg.spark.SparkCatalog",
              "spark.sql.catalog.lake.type": "rest",
              "spark.sql.catalog.lake.uri": CATALOG_URI,
              "spark.sql.catalog.lake.warehouse": "warehouse",
              "spark.sql.catalog.lake.s3.endpoint": S3_ENDPOINT,
              "spark.sql.catalog.lake.s3.path-style-access": "true",
              ...(ctx.packageRepository ? { "spark.jars.repositories": ctx.packageRepository.url } : {}),
            },
            volumes: [{ name: "job", configMap: { name: "ledger-etl" } }],
            driver: { serviceAccount: "spark", cores: 1, memory: sized(ctx, "1g", "4g"), ...podBase },
            executor: {
              instances: sized(ctx, 1, 4),
              cores: sized(ctx, 1, 4),
              memory: sized(ctx, "2g", "16g"),
              ...podBase,
              ...burstPlacement(ctx),
            },
            restartPolicy: { type: "Never" },
          },
        },
      },
    ];
  },
};
