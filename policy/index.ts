/**
 * CrossGuard policy pack for cluster-orchestrator's XO resources. Run it with
 * `pulumi preview --policy-pack policy` (docs/policy.md). The policies live in policies/ so tests
 * can import them without starting the pack's gRPC server, which constructing a PolicyPack does.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("cluster-orchestrator", {
  description: "Conventions of cluster-orchestrator's XO VMs and networks.",
  enforcementLevel: "mandatory",
  policies,
});
