/** Every VM carries the six XO tags people filter on, each with a value. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { field, knownItems, parseTags, VM_TYPE, withDefaults } from "../lib/resources";

export const REQUIRED_TAGS = ["managed-by", "env", "use-case", "cluster", "pool", "role"] as const;

export interface VmTagsConfig {
  requiredTags: string[];
  /** The value `managed-by` must have. */
  managedBy: string;
}

const DEFAULTS: VmTagsConfig = { requiredTags: [...REQUIRED_TAGS], managedBy: "cluster-orchestrator" };

export const vmRequiredTags: ResourceValidationPolicy = {
  name: "vm-required-tags",
  description: `VMs carry the XO tags ${REQUIRED_TAGS.map((t) => `${t}=`).join(", ")}, each with a non-empty value.`,
  remediationSteps: "Build VM tags with vmTags() (components/nodepool/vmArgs.ts).",
  configSchema: {
    properties: {
      requiredTags: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: DEFAULTS.requiredTags,
      },
      managedBy: { type: "string", minLength: 1, default: DEFAULTS.managedBy },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== VM_TYPE) return;
    const config = withDefaults(args.getConfig<Partial<VmTagsConfig>>(), DEFAULTS);
    const tagsField = field(args.props as unknown, "tags");
    // Unknown during preview (a computed tag): judged at `pulumi up`.
    if (!tagsField.known || !knownItems(tagsField.value).complete) return;
    const tags = parseTags(tagsField.value);

    const missing = config.requiredTags.filter((key) => !tags.has(key));
    if (missing.length > 0)
      reportViolation(`VM is missing the tag(s) ${missing.map((k) => `${k}=`).join(", ")}`);
    const empty = config.requiredTags.filter((key) => (tags.get(key) ?? []).some((v) => v === ""));
    if (empty.length > 0) reportViolation(`VM tag(s) ${empty.map((k) => `${k}=`).join(", ")} have no value`);
    const conflicting = config.requiredTags.filter((key) => new Set(tags.get(key) ?? []).size > 1);
    if (conflicting.length > 0) {
      reportViolation(`VM tag(s) ${conflicting.join(", ")} are given more than once with different values`);
    }
    const wrongOwner = (tags.get("managed-by") ?? []).filter((v) => v !== "" && v !== config.managedBy);
    if (wrongOwner.length > 0) {
      reportViolation(`VM tag managed-by must be '${config.managedBy}', not '${wrongOwner.join("', '")}'`);
    }
  },
};
