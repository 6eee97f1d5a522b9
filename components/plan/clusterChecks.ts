/**
 * Cluster-wide settings that must agree with the address plan: pod and service ranges must not
 * overlap each other or the node network; Rancher TLS is one choice. A planning check, so it
 * lives with the planner (plan imports nothing from components/rke2/). Node downloads must be
 * https unless the operator opts out for a lab mirror.
 */
import type { ClusterSpec } from "../config/schema";
import { overlaps, parseCidr } from "../lib/ipv4";
import type { Problem } from "./problems";

/** https downloads; pod and service ranges apart from each other and the node network; one Rancher TLS choice. */
export function checkClusterSettings(spec: ClusterSpec, problems: Problem[]): void {
  // Node installs must not trust the network (issue 14 finding 6): https unless opted out.
  for (const key of ["installUrl", "artifactUrl", "registryMirror"] as const) {
    const value = spec.rke2[key];
    if (value !== undefined && value.startsWith("http://") && !spec.rke2.allowInsecureHttp) {
      problems.push({
        path: ["rke2", key],
        message: `${value} is plain http: nodes would install what anyone on the path sends; use https, or set rke2.allowInsecureHttp: true for a lab mirror`,
      });
    }
  }
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
