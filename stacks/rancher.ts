/**
 * The management cluster (one per XO estate): a small RKE2 cluster running cert-manager and the
 * Rancher server, into which every use-case cluster of every environment registers
 * (docs/rancher.md). Sizes: Rancher's RKE2 "small" tier, 4 vCPU and 16 GB per node for up to
 * 150 downstream clusters (Rancher manager docs, "Installation Requirements", RKE2 Kubernetes);
 * the same figures docs/capacity.md counted before this stack existed. Servers run Rancher's pods
 * (RKE2 servers are schedulable by default): no agent pool.
 */
import type { UseCaseProfile } from "../components/config/profile";

export const rancherManagement: UseCaseProfile = {
  useCase: "rancher",
  description: "Management cluster: cert-manager and the Rancher server (every cluster registers here)",
  pools: {
    dev: {
      server: { role: "server", count: 1, cpus: 4, memoryMiB: 16384, diskGiB: 100 },
    },
    prod: {
      server: { role: "server", count: 3, cpus: 4, memoryMiB: 16384, diskGiB: 100 },
    },
  },
  workloads: [],
  hardening: { cisProfile: false, podSecurity: "baseline", auditLog: true, secretsEncryption: true },
  management: true,
};
