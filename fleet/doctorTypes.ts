/**
 * The types the doctor's checks share: what a stack's cluster should look like in XO
 * (ClusterFacts, filled by cluster.ts), its capacity plan, and a check's result. Apart from the
 * modules that fill and read them, so none of those modules imports another in a circle.
 */
import type { HttpFetch } from "./http";
import type { XoClient, XoError } from "./xoClient";

export interface ClusterFacts {
  stack: string;
  environment: string;
  clusterName: string;
  /** The VM tag that marks the cluster's VMs (`cluster=<name>`), as vmTags writes it. */
  clusterTag: string;
  hostnames: string[];
  /** Lower-case MACs of every planned node. */
  macs: string[];
  /** MAC → host name. */
  macOwner: Map<string, string>;
  vlan: number;
  /** Name of the XO network the cluster creates, or the existing network it attaches to. */
  networkName: string;
  existingNetwork: boolean;
  xo: { pool: string; template: string; sr: string; pifDevice: string };
  /** Each XO host a pool pins its nodes to (pools.<pool>.affinityHost), with those pools. */
  affinityHosts: { host: string; pools: string[] }[];
  rancherMode: "import" | "custom" | "none";
  /** The environment layer file, for "set it in …" hints. */
  environmentFile: string;
  /** The stack's capacity plan (null without a capacity model): fleet/doctorCapacity.ts. */
  capacity: CapacityFacts | null;
}

/** What the doctor needs of the stack's capacity plan (fleet/cluster.ts fills it from the loaded stack). */
export interface CapacityFacts {
  modelFile: string;
  headroomPercent: number;
  srRatio: number;
  /** The stack's VMs with the host each one runs on. */
  vms: { vm: string; host: string; memoryGiB: number; diskGiB: number }[];
}

export type CheckStatus = "ok" | "fail" | "warn" | "skip";

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it (for fail and warn). */
  fix?: string;
}

export interface DoctorOptions {
  /** The XO client, or why there is none (e.g. XOA_URL unset). */
  xo: XoClient | XoError;
  xoUrl?: string;
  rancher: { url: string | undefined; http: HttpFetch };
  /** The stack is already up: VMs tagged for this cluster are expected, not leftovers. */
  deployed: boolean;
}
