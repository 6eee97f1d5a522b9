/** Legal AI (RAG): OpenSearch for retrieval and a Redis-compatible cache; search nodes carry data disks. */
import type { UseCaseProfile } from "../components/config/profile";

export const legalAi: UseCaseProfile = {
  useCase: "legal-ai",
  description: "Retrieval-augmented generation over legal documents (OpenSearch + Redis)",
  pools: {
    dev: {
      server: { role: "server", count: 1, cpus: 2, memoryMiB: 6144, diskGiB: 40 },
      // OpenSearch single node (4 GiB) and the cache share these two workers.
      worker: { role: "agent", count: 2, cpus: 4, memoryMiB: 16384, diskGiB: 60, dataDiskGiB: 100 },
    },
    prod: {
      server: { role: "server", count: 3, cpus: 4, memoryMiB: 8192, diskGiB: 60 },
      worker: { role: "agent", count: 2, slot: 0, cpus: 4, memoryMiB: 8192, diskGiB: 80 },
      search: {
        role: "agent",
        count: 3,
        slot: 1,
        // One OpenSearch data node each (16 GiB requested, 8 GiB heap) plus the node's own share.
        cpus: 8,
        memoryMiB: 24576,
        diskGiB: 80,
        dataDiskGiB: 500,
        labels: { "workload.cluster-orchestrator.io/role": "search" },
        taints: ["dedicated=search:NoSchedule"],
      },
    },
  },
  workloads: ["opensearch", "search-dashboards", "cache"],
  hardening: { cisProfile: false, podSecurity: "baseline", auditLog: true, secretsEncryption: true },
};
