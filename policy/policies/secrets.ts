/**
 * No credential in a VM's inputs in plain text: the inputs that carry them (cloudConfig: the RKE2
 * join token, the Rancher registration URL or node command) must be Pulumi secrets, and no other
 * input may contain credential-like content. Secretness is observed in the remediation pass and
 * judged in the validation pass (lib/secrets.ts explains why), so this policy's enforcement level
 * is `remediate`: its remediation changes nothing, and the SDK reports its violations as mandatory.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { field, VM_TYPE, withDefaults } from "../lib/resources";
import {
  credentialsIn,
  observedSecrets,
  observeSecrets,
  stringLeaves,
  under,
  underAny,
} from "../lib/secrets";

export const DEFAULT_SECRET_INPUTS = ["cloudConfig"];

export interface SecretsConfig {
  /** Top-level VM inputs that must be secrets. */
  secretInputs: string[];
}

function checkVm(args: ResourceValidationArgs, report: (message: string) => void): void {
  const { secretInputs } = withDefaults(args.getConfig<Partial<SecretsConfig>>(), {
    secretInputs: DEFAULT_SECRET_INPUTS,
  });
  const observed = observedSecrets(args.urn);
  const props = args.props as unknown;
  const leaves = stringLeaves(props, (path) => observed !== undefined && underAny(path, observed));

  for (const input of secretInputs) {
    const value = field(props, input);
    if (!value.known || value.value === undefined || value.value === null) continue;
    const own = leaves.filter((l) => under(l.path, input));
    if (own.length === 0 || own.every((l) => l.secret)) continue;
    if (observed !== undefined) {
      report(
        `VM input '${input}' is not a secret: build it with pulumi.secret() (it carries the cluster's credentials)`,
      );
      continue;
    }
    // No observation: the remediation pass did not run (the policy's level was changed from
    // `remediate`, or the CLI is too old). Secretness is unknown; flag credential-like content.
    const kinds = [...new Set(own.flatMap((l) => credentialsIn(l.value)))];
    if (kinds.length > 0) {
      report(
        `VM input '${input}' contains ${kinds.join(", ")} and its secretness could not be verified: keep this policy at enforcement level 'remediate' so it can see which inputs are secrets`,
      );
    }
  }

  // Every other plain input: credential-like content does not belong there.
  for (const leaf of leaves) {
    if (leaf.secret || underAny(leaf.path, secretInputs)) continue;
    const kinds = credentialsIn(leaf.value);
    if (kinds.length > 0) report(`VM input '${leaf.path}' contains ${kinds.join(", ")} in plain text`);
  }
}

export const vmNoPlaintextSecrets: ResourceValidationPolicy = {
  name: "vm-no-plaintext-secrets",
  description: `VM inputs hold no credential in plain text: ${DEFAULT_SECRET_INPUTS.join(", ")} is a Pulumi secret, and no other input looks like a token, key or password.`,
  remediationSteps:
    "Wrap values built from tokens in pulumi.secret() (components/cluster/cluster.ts does for user-data).",
  // `remediate` so the SDK runs remediateResource (the observation); violations count as mandatory.
  enforcementLevel: "remediate",
  configSchema: {
    properties: {
      secretInputs: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: DEFAULT_SECRET_INPUTS,
        description: "Top-level VM inputs that must be Pulumi secrets.",
      },
    },
  },
  remediateResource: (args) => {
    if (args.type === VM_TYPE) observeSecrets(args.urn, args.props as unknown);
    return undefined;
  },
  validateResource: (args, reportViolation) => {
    if (args.type === VM_TYPE) checkVm(args, reportViolation);
  },
};
