/** The RKE2 settings of a cluster, from its spec and its use case's hardening. */
import type { UseCaseProfile } from "../config/profile";
import { rke2Schema, type ClusterSpec } from "../config/schema";
import type { Problem } from "../plan/problems";
import { sharedServerSettings, type Rke2Settings } from "./roleConfig";
import { stringify } from "yaml";

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

/**
 * Custom mode: Rancher's system agent installs RKE2 and writes its config.yaml from the
 * ClusterV2's machine config, not ours. The cluster-wide settings (CNI, ranges, CIS profile and its
 * Pod Security file, audit log, etcd snapshots, system registry) are carried in
 * `rkeConfig.machineGlobalConfig` (customMachineGlobalConfig below) and the files they name are
 * still delivered by cloud-init. What Rancher's agent does not take from there (where RKE2 is
 * installed from, registries.yaml, which Rancher manages itself) is refused with a clear error
 * instead of being dropped silently.
 */
export function checkCustomMode(spec: ClusterSpec, problems: Problem[]): void {
  if (spec.rancher.mode !== "custom") return;
  const defaults = rke2Schema.parse({ version: spec.rke2.version });
  const refuse = (key: string, why: string) =>
    problems.push({
      path: ["rke2", key],
      message: `rke2.${key} cannot be carried into Rancher's custom mode (${why}); use rancher.mode import or drop the setting`,
    });
  if (spec.rke2.installUrl !== defaults.installUrl)
    refuse("installUrl", "Rancher's system agent installs RKE2");
  if (spec.rke2.artifactUrl !== undefined) refuse("artifactUrl", "Rancher's system agent installs RKE2");
  if (spec.rke2.registryMirror !== undefined) {
    refuse("registryMirror", "Rancher manages registries.yaml from the cluster's own registries setting");
  }
}

/** The machine config Rancher hands every node in custom mode: our shared server settings. */
export function customMachineGlobalConfig(settings: Rke2Settings): string {
  return stringify(sharedServerSettings(settings), { version: "1.1", lineWidth: 0 });
}
