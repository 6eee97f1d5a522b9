/**
 * VMs are replaced delete-first: a node keeps its static MAC and address across a replacement,
 * and XO refuses to start a VM whose MAC is still in use (DUPLICATED_MAC_ADDRESS).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { VM_TYPE } from "../lib/resources";

export const vmDeleteBeforeReplace: ResourceValidationPolicy = {
  name: "vm-delete-before-replace",
  description:
    "VMs set the deleteBeforeReplace resource option (static MACs and addresses survive replacement).",
  remediationSteps: "Create the VM with `{ deleteBeforeReplace: true }` (components/nodepool/nodePool.ts).",
  validateResource: (args, reportViolation) => {
    if (args.type !== VM_TYPE) return;
    // The engine sends the option to policies (PolicyResourceOptions.deleteBeforeReplace is
    // defined only when the program set it).
    if (args.opts.deleteBeforeReplace !== true) {
      reportViolation(
        "VM is not deleteBeforeReplace: a replacement would start a second VM with the same MAC and address, which XO refuses",
      );
    }
  },
};
