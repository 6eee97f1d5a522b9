/** The RKE2 settings of a cluster, from its spec and its use case's hardening. */
import type { UseCaseProfile } from "../config/profile";
import { rke2Schema, type ClusterSpec } from "../config/schema";
import { overlaps, parseCidr } from "../plan/ipv4";
import type { Problem } from "../plan/problems";
import type { Rke2Settings } from "./roleConfig";

export function rke2Settings(spec: ClusterSpec, profile: UseCaseProfile): Rke2Settings {
  return {
    cni: spec.rke2.cni,
    clusterCidr: spec.rke2.clusterCidr,
    serviceCidr: spec.rke2.serviceCidr,
    cisProfile: spec.rke2.profile === undefined ? profile.hardening.cisProfile : spec.rke2.profile === "cis",
    etcdSnapshotSchedule: spec.rke2.etcdSnapshotSchedule,
    etcdSnapshotRetention: spec.rke2.etcdSnapshotRetention,
    systemDefaultRegistry: spec.rke2.systemDefaultRegistry ?? null,
    auditLog: profile.hardening.auditLog,
  };
}

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

/**
 * Custom mode: Rancher's system agent installs RKE2 with the config Rancher's machine config gives
 * it, not ours, so none of the settings below would reach the nodes. Rather than drop them
 * silently (CIS and the audit log of a healthcare cluster among them), a stack that asks for any of
 * them in custom mode is refused; import mode carries them all.
 */
export function checkCustomMode(spec: ClusterSpec, profile: UseCaseProfile, problems: Problem[]): void {
  if (spec.rancher.mode !== "custom") return;
  const defaults = rke2Schema.parse({ version: spec.rke2.version });
  const refuse = (path: (string | number)[], what: string) =>
    problems.push({
      path,
      message: `${what} cannot be carried into Rancher's custom mode (Rancher's system agent writes RKE2's config); use rancher.mode import or drop the setting`,
    });
  const settings = rke2Settings(spec, profile);
  if (settings.cisProfile) {
    refuse(
      spec.rke2.profile === "cis" ? ["rke2", "profile"] : ["rancher", "mode"],
      spec.rke2.profile === "cis" ? "rke2.profile cis" : `the CIS profile of use case '${spec.useCase}'`,
    );
  }
  if (settings.auditLog) refuse(["rancher", "mode"], `the API audit log of use case '${spec.useCase}'`);
  for (const key of [
    "cni",
    "clusterCidr",
    "serviceCidr",
    "installUrl",
    "etcdSnapshotSchedule",
    "etcdSnapshotRetention",
  ] as const) {
    if (spec.rke2[key] !== defaults[key]) refuse(["rke2", key], `rke2.${key}`);
  }
  for (const key of ["systemDefaultRegistry", "registryMirror", "artifactUrl"] as const) {
    if (spec.rke2[key] !== undefined) refuse(["rke2", key], `rke2.${key}`);
  }
}
