/** Healthcare EMR: a FHIR server with PostgreSQL under compliance settings (CIS, restricted pods). */
import type { UseCaseProfile } from "../components/config/profile";

export const healthcare: UseCaseProfile = {
  useCase: "healthcare",
  description: "Electronic medical records (FHIR server + PostgreSQL) under compliance settings",
  pools: {
    dev: {
      server: { role: "server", count: 1, cpus: 2, memoryMiB: 6144, diskGiB: 40 },
      worker: { role: "agent", count: 2, cpus: 4, memoryMiB: 8192, diskGiB: 60, dataDiskGiB: 50 },
    },
    prod: {
      server: { role: "server", count: 3, cpus: 4, memoryMiB: 8192, diskGiB: 60 },
      // One FHIR replica (6 GiB) or PostgreSQL instance (200 GiB volume) per worker.
      worker: { role: "agent", count: 3, cpus: 4, memoryMiB: 16384, diskGiB: 80, dataDiskGiB: 300 },
    },
  },
  workloads: ["postgres-operator", "fhir-server"],
  hardening: { cisProfile: true, podSecurity: "restricted", auditLog: true, secretsEncryption: true },
};
