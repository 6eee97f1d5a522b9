/**
 * Checks one stack against the others. Cluster numbers and hostnames must be unique within an
 * environment; VLANs, subnets and MACs must be unique among all stacks on the same XO pool,
 * because they share its PIFs, its layer 2 and XO's duplicate-MAC check.
 */
import { overlaps, parseCidr } from "../lib/ipv4";
import { configKey, type ConfigProblem } from "../config/errors";
import { stackFile } from "../config/sources";
import type { LoadedStack } from "./types";

export function checkCollisions(self: LoadedStack, others: LoadedStack[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const file = stackFile(self.stack);
  const report = (path: string[], message: string) => problems.push({ key: configKey(path), file, message });
  const { plan } = self;
  const sameEnv = others.filter((o) => o.spec.environment === self.spec.environment);
  const samePool = others.filter((o) => o.spec.xo.pool === self.spec.xo.pool);

  for (const other of sameEnv) {
    if (other.plan.cluster.number === plan.cluster.number) {
      report(
        ["cluster", "number"],
        `cluster number ${plan.cluster.number} is already used by stack ${other.stack} (${stackFile(other.stack)})`,
      );
    }
    const names = new Set(other.plan.nodes.map((n) => n.hostname));
    const clash = plan.nodes.filter((n) => names.has(n.hostname)).map((n) => n.hostname);
    if (clash.length > 0)
      report(
        ["cluster", "hostnamePattern"],
        `host name(s) ${clash.join(", ")} also used by stack ${other.stack}`,
      );
  }
  for (const other of samePool) {
    if (other.plan.network.vlan === plan.network.vlan) {
      report(
        ["cluster", "vlan"],
        `VLAN ${plan.network.vlan} is already used by stack ${other.stack} on XO pool '${self.spec.xo.pool}'`,
      );
    }
    if (overlaps(parseCidr(plan.network.cidr), parseCidr(other.plan.network.cidr))) {
      report(
        ["cluster", "cidr"],
        `subnet ${plan.network.cidr} overlaps ${other.plan.network.cidr} of stack ${other.stack}`,
      );
    }
    const macs = new Set(other.plan.nodes.map((n) => n.mac));
    const clash = plan.nodes.filter((n) => macs.has(n.mac)).map((n) => `${n.hostname} ${n.mac}`);
    if (clash.length > 0)
      report(["cluster", "number"], `MAC address(es) also used by stack ${other.stack}: ${clash.join(", ")}`);
  }
  return problems;
}
