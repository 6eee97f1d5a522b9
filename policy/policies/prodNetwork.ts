/** A prod cluster's XO network is protected: deleting it cuts every VM of the cluster off. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { NETWORK_TYPE, stackOfUrn, withDefaults } from "../lib/resources";

export const DEFAULT_PROD_STACK_PATTERN = "-prod$";

export interface ProdNetworkConfig {
  /** Regular expression on the stack name that marks a prod stack. */
  prodStackPattern: string;
}

export const prodNetworkProtected: ResourceValidationPolicy = {
  name: "prod-network-protected",
  description: "In prod stacks (name ending in -prod), XO networks set the protect resource option.",
  remediationSteps:
    "Keep `cluster-orchestrator:protect: true` in Pulumi.prod.yaml (ClusterNetwork passes it as `protect`).",
  configSchema: {
    properties: {
      prodStackPattern: {
        type: "string",
        minLength: 1,
        default: DEFAULT_PROD_STACK_PATTERN,
        description: "Regular expression on the stack name that marks a prod stack.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== NETWORK_TYPE) return;
    const { prodStackPattern } = withDefaults(args.getConfig<Partial<ProdNetworkConfig>>(), {
      prodStackPattern: DEFAULT_PROD_STACK_PATTERN,
    });
    const stack = stackOfUrn(args.urn);
    if (!new RegExp(prodStackPattern).test(stack)) return;
    if (args.opts.protect !== true) {
      reportViolation(
        `XO network of prod stack '${stack}' is not protected: deleting it would cut every VM of the cluster off`,
      );
    }
  },
};
