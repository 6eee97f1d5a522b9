/**
 * Cross-stack checks for the management stack (docs/rancher.md). It serves every environment, so
 * its cluster number and host names must be unique across all of them (the ordinary checks in
 * components/stack/collisions.ts compare numbers and names within one environment only; VLANs,
 * subnets and MACs are already compared per XO pool). A stack naming a management stack must name
 * one that exists in stacks/ and is one; a management stack itself registers nowhere.
 */
import { configKey, type ConfigProblem } from "../config/errors";
import type { LoadedStack } from "./types";
import { stackFile } from "../config/sources";
import { chartKubeProblem, MANAGEMENT_CHARTS } from "../plan/managementCharts";

export function isManagement(stack: Pick<LoadedStack, "profile">): boolean {
  return stack.profile.management === true;
}

/** Rancher's host name: management.hostname, else rancher.<network.domain>. */
export function rancherHostname(stack: Pick<LoadedStack, "spec">): string {
  return stack.spec.management?.hostname ?? `rancher.${stack.spec.network.domain}`;
}

export function checkManagement(self: LoadedStack, others: LoadedStack[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const file = stackFile(self.stack);
  const report = (path: string[], message: string) => problems.push({ key: configKey(path), file, message });

  if (isManagement(self) && self.spec.rancher.mode !== "none") {
    report(["rancher", "mode"], "the management stack runs Rancher itself: set rancher.mode: none");
  }
  if (self.spec.rancher.mode === "none" && self.spec.kubeconfig.source === "rancher") {
    report(
      ["kubeconfig", "source"],
      "rancher.mode is none: no Rancher to take the kubeconfig from; use source: node",
    );
  }
  if (isManagement(self)) {
    const chartProblem = chartKubeProblem(MANAGEMENT_CHARTS.rancher, self.spec.rke2.version);
    if (chartProblem !== null) report(["rke2", "version"], chartProblem);
  }
  if (!isManagement(self) && self.spec.management !== undefined) {
    report(["management"], `only a management stack (use case with management: true) takes this key`);
  }
  const ref = self.spec.rancher.managementStack;
  if (!isManagement(self) && self.spec.rancher.mode !== "none" && ref !== undefined && !ref.includes("/")) {
    const target = others.find((o) => o.stack === ref);
    if (!target) report(["rancher", "managementStack"], `no stack '${ref}' in stacks/ (${stackFile(ref)})`);
    else if (!isManagement(target))
      report(
        ["rancher", "managementStack"],
        `stack '${ref}' is not a management stack (its use case installs no Rancher)`,
      );
  }

  // Across environments, in both directions: the management stack against everyone.
  const pairs = isManagement(self)
    ? others.filter((o) => o.spec.environment !== self.spec.environment)
    : others.filter((o) => isManagement(o) && o.spec.environment !== self.spec.environment);
  for (const other of pairs) {
    if (other.plan.cluster.number === self.plan.cluster.number) {
      report(
        ["cluster", "number"],
        `cluster number ${self.plan.cluster.number} is also used by stack ${other.stack}; the management stack's number is unique across environments`,
      );
    }
    const names = new Set(other.plan.nodes.map((n) => n.hostname));
    const clash = self.plan.nodes.filter((n) => names.has(n.hostname)).map((n) => n.hostname);
    if (clash.length > 0)
      report(
        ["cluster", "hostnamePattern"],
        `host name(s) ${clash.join(", ")} also used by stack ${other.stack}`,
      );
  }
  if (isManagement(self)) {
    const host = rancherHostname(self);
    for (const other of others) {
      const fqdns = new Set([other.plan.network.apiFqdn, ...other.plan.nodes.map((n) => n.fqdn)]);
      if (fqdns.has(host))
        report(["management", "hostname"], `${host} is also a name of stack ${other.stack}`);
    }
  }
  return problems;
}
