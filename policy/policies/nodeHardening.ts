/**
 * Kubernetes nodes have static memory and lose their cloud-init config drive after first boot
 * (issue 9 findings 8 and 9): ballooning must not shrink a node below what the scheduler counted
 * on, and the drive holds join tokens and keys that root on the node could read later.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { VM_TYPE } from "../lib/resources";

export const vmNodeHardening: ResourceValidationPolicy = {
  name: "vm-node-hardening",
  description:
    "VMs have static memory (memoryMin = memoryMax) and destroyCloudConfigVdiAfterBoot set (XO deletes the config drive once the VM has booted).",
  remediationSteps:
    "Set memoryMin to memoryMax and destroyCloudConfigVdiAfterBoot: true (components/nodepool/vmArgs.ts).",
  validateResource: (args, reportViolation) => {
    if (args.type !== VM_TYPE) return;
    const { memoryMin, memoryMax, destroyCloudConfigVdiAfterBoot } = args.props as Record<string, unknown>;
    // During preview a computed value is unknown (a string sentinel): judged at `pulumi up`.
    if (typeof memoryMax === "number" && (typeof memoryMin === "number" || memoryMin === undefined)) {
      if (memoryMin !== memoryMax) {
        reportViolation(
          `VM memory is not static (memoryMin ${memoryMin ?? "unset"}, memoryMax ${memoryMax}): ballooning can shrink a Kubernetes node`,
        );
      }
    }
    if (destroyCloudConfigVdiAfterBoot !== true) {
      reportViolation(
        "VM keeps its cloud-init config drive after boot (destroyCloudConfigVdiAfterBoot is not true): its secrets stay readable from the guest",
      );
    }
  },
};
