/** Value fragments shared by the use-case components. */
import type { WorkloadContext } from "./types";

/** A container security context that Pod Security `restricted` admits. */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

export function sized<T>(ctx: WorkloadContext, dev: T, prod: T): T {
  return ctx.size === "dev" ? dev : prod;
}

export function resources(cpu: string, memory: string, limitCpu: string, limitMemory: string) {
  return { requests: { cpu, memory }, limits: { cpu: limitCpu, memory: limitMemory } };
}
