/** Every use case a stack can name in `cluster-orchestrator:useCase`. */
import type { UseCaseProfile } from "../components/config/profile";
import { accountingAnalytics } from "./accounting-analytics";
import { healthcare } from "./healthcare";
import { legalAi } from "./legal-ai";
import { rancherManagement } from "./rancher";

export const profiles: Record<string, UseCaseProfile> = Object.fromEntries(
  [legalAi, accountingAnalytics, healthcare, rancherManagement].map((p) => [p.useCase, p]),
);
