/**
 * Kubernetes nodes have static memory and lose their cloud-init config drive after first boot
 * (issue 9 findings 8 and 9): ballooning must not shrink a node below what the scheduler counted
 * on, and the drive holds join tokens and keys that root on the node could read later.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { VM_TYPE } from "../lib/resources";

const CONFIG_DRIVE = "destroyCloudConfigVdiAfterBoot";

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
    // With the option ignored (the program's default, components/nodepool/nodePool.ts), the engine
    // shows policies the VM's old value: pulumi/pulumi pkg/resource/deploy/step_generator.go at
    // v3.248.0 applies processIgnoreChanges before prov.Check and analyzeAll. A VM created before
    // the setting would then fail every preview, and could never be rolled by an `up` this pack
    // refuses; vm-config-drive-kept (advisory) names it instead. New VMs have no old value and
    // are judged on the program's.
    if (destroyCloudConfigVdiAfterBoot !== true && !args.opts.ignoreChanges.includes(CONFIG_DRIVE)) {
      reportViolation(
        "VM keeps its cloud-init config drive after boot (destroyCloudConfigVdiAfterBoot is not true): its secrets stay readable from the guest",
      );
    }
  },
};

/** Advisory: the VMs that still carry their config drive because they predate the setting. */
export const vmConfigDriveKept: ResourceValidationPolicy = {
  name: "vm-config-drive-kept",
  description:
    "VMs created before destroyCloudConfigVdiAfterBoot still have their cloud-init config drive (advisory: roll them).",
  remediationSteps:
    "Roll the VM, one server at a time (docs/nodes.md): the new VM loses its drive after first boot.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (args.type !== VM_TYPE) return;
    const { destroyCloudConfigVdiAfterBoot } = args.props as Record<string, unknown>;
    if (destroyCloudConfigVdiAfterBoot !== true && args.opts.ignoreChanges.includes(CONFIG_DRIVE)) {
      reportViolation(
        "VM was created before destroyCloudConfigVdiAfterBoot: its config drive (join token, keys) stays until the VM is rolled (docs/nodes.md)",
      );
    }
  },
};
