/** Every workload component, by the name profiles and stack files use. */
import { etlJobs, icebergCatalog, objectStorage, sparkOperator } from "./accountingAnalytics";
import { fhirServer, postgresOperator } from "./healthcare";
import { cache, opensearch, searchDashboards } from "./legalAi";
import type { WorkloadComponent } from "./types";

export const WORKLOAD_COMPONENTS: Record<string, WorkloadComponent> = Object.fromEntries(
  [
    opensearch,
    searchDashboards,
    cache,
    objectStorage,
    icebergCatalog,
    sparkOperator,
    etlJobs,
    postgresOperator,
    fhirServer,
  ].map((c) => [c.name, c]),
);
