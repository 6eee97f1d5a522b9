/** Healthcare EMR: a FHIR server with PostgreSQL under compliance settings (CIS, restricted pods). */
import type { UseCaseProfile } from "../components/config/profile";

export const healthcare: UseCaseProfile = {
  useCase: "healthcare",
  description: "Electronic medical records (FHIR server + PostgreSQL) under compliance settings",
  pools: {
    dev: {
      server: { role: "server", count: 1, cpus: 4, memoryMiB: 8192, diskGiB: 60 },
      worker: { role: "agent", count: 2, cpus: 4, memoryMiB: 16384, diskGiB: 80, dataDiskGiB: 100 },
    },
    prod: {
      server: { role: "server", count: 3, cpus: 4, memoryMiB: 8192, diskGiB: 80 },
      worker: { role: "agent", count: 3, cpus: 8, memoryMiB: 32768, diskGiB: 100, dataDiskGiB: 500 },
    },
  },
  workloads: ["postgres-operator", "fhir-server"],
  hardening: { cisProfile: true, podSecurity: "restricted", auditLog: true, secretsEncryption: true },
};
