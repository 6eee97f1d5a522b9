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
      server: { role: "server", count: 1, cpus: 4, memoryMiB: 8192, diskGiB: 60 },
      worker: { role: "agent", count: 2, cpus: 8, memoryMiB: 16384, diskGiB: 80, dataDiskGiB: 200 },
    },
    prod: {
      server: { role: "server", count: 3, cpus: 4, memoryMiB: 8192, diskGiB: 80 },
      worker: { role: "agent", count: 4, cpus: 16, memoryMiB: 65536, diskGiB: 100, dataDiskGiB: 1000 },
      burst: {
        role: "agent",
        count: 2,
        addressing: "dhcp",
        cpus: 8,
        memoryMiB: 32768,
        diskGiB: 80,
        labels: { "workload.cluster-orchestrator.io/role": "spark-burst" },
        taints: ["ephemeral=true:NoSchedule"],
      },
    },
  },
  workloads: ["object-storage", "iceberg-catalog", "spark-operator", "etl-jobs"],
  hardening: { cisProfile: false, podSecurity: "baseline", auditLog: true, secretsEncryption: true },
};
