/**
 * Accounting analytics (ETL): Spark, an Iceberg catalog and object storage. Production adds an
 * ephemeral DHCP pool for burst Spark executors.
 */
import type { UseCaseProfile } from "../components/config/profile";

export const accountingAnalytics: UseCaseProfile = {
  useCase: "accounting-analytics",
  description: "Batch ETL and reporting (Spark + Iceberg + S3-compatible storage)",
  pools: {
    dev: {
      server: { role: "server", count: 1, cpus: 2, memoryMiB: 6144, diskGiB: 40 },
      worker: { role: "agent", count: 2, cpus: 4, memoryMiB: 8192, diskGiB: 60, dataDiskGiB: 100 },
    },
    prod: {
      server: { role: "server", count: 3, cpus: 4, memoryMiB: 8192, diskGiB: 60 },
      // One Spark executor (4 cores, 16 GiB + overhead) and one SeaweedFS volume server each.
      worker: { role: "agent", count: 3, cpus: 8, memoryMiB: 24576, diskGiB: 80, dataDiskGiB: 1000 },
      burst: {
        role: "agent",
        count: 2,
        addressing: "dhcp",
        cpus: 8,
        memoryMiB: 24576,
        diskGiB: 60,
        labels: { "workload.cluster-orchestrator.io/role": "spark-burst" },
        taints: ["ephemeral=true:NoSchedule"],
      },
    },
  },
  workloads: ["object-storage", "iceberg-catalog", "spark-operator", "etl-jobs"],
  hardening: { cisProfile: false, podSecurity: "baseline", auditLog: true, secretsEncryption: true },
};
