/**
 * Cluster-wide settings that must agree with the address plan: pod and service ranges must not
 * overlap each other or the node network; Rancher TLS is one choice. A planning check, so it
 * lives with the planner (issue 12: plan no longer imports components/rke2/; the copy in
 * components/rke2/settings.ts is left for its owner to remove).
 */
import type { ClusterSpec } from "../config/schema";
import { overlaps, parseCidr } from "../lib/ipv4";
import type { Problem } from "./problems";

/** Pod and service ranges must not overlap each other or the node network; Rancher TLS is one choice. */
export function checkClusterSettings(spec: ClusterSpec, problems: Problem[]): void {
  const supernet = parseCidr(spec.network.supernet);
  const pods = parseCidr(spec.rke2.clusterCidr);
  const services = parseCidr(spec.rke2.serviceCidr);
  if (overlaps(pods, services)) {
    problems.push({
      path: ["rke2", "serviceCidr"],
      message: `${spec.rke2.serviceCidr} overlaps rke2.clusterCidr ${spec.rke2.clusterCidr}`,
    });
  }
  for (const [key, range] of [
    ["clusterCidr", pods],
    ["serviceCidr", services],
  ] as const) {
    const clash = [
      spec.network.supernet,
      ...(spec.cluster.cidr !== undefined ? [spec.cluster.cidr] : []),
    ].find((c) => overlaps(range, parseCidr(c)));
    if (clash !== undefined || overlaps(range, supernet)) {
      problems.push({
        path: ["rke2", key],
        message: `${spec.rke2[key]} overlaps the node network ${clash ?? spec.network.supernet}`,
      });
    }
  }
  if (spec.rancher.caChecksum !== undefined && spec.rancher.insecure) {
    problems.push({
      path: ["rancher", "insecure"],
      message: "set either rancher.caChecksum or rancher.insecure, not both",
    });
  }
}
