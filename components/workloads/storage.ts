/**
 * Storage for every cluster with workloads: RKE2 ships no volume provisioner and no default
 * StorageClass (unlike K3s), so every PVC would stay Pending. Longhorn, pinned, installs first and
 * becomes the default StorageClass; every other release depends on it (workloads.ts).
 *
 * Facts from the chart at the pinned tag (longhorn/longhorn, chart/values.yaml at v1.12.1; see
 * docs/workloads.md): `persistence.defaultClass`, `persistence.defaultClassReplicaCount`,
 * `defaultSettings.createDefaultDiskLabeledNodes` (default disk only on nodes labelled
 * `node.longhorn.io/create-default-disk=true`), `defaultSettings.defaultDataPath`,
 * `defaultSettings.taintToleration` ("key=value:Effect;…"), `longhornManager.tolerations`,
 * `longhornDriver.tolerations`, `defaultSettings.upgradeChecker`.
 */
import type { KubeObject } from "./kube";
import { MANAGED_BY } from "./kube";
import type { WorkloadContext } from "./types";

export const STORAGE_NAMESPACE = "longhorn-system";
/** The default StorageClass the chart creates (`persistence.defaultClass`). */
export const STORAGE_CLASS = "longhorn";
/** Where the data disk is mounted (cloud-init/nodeCloudInit.ts); Longhorn's replicas live below it. */
export const LONGHORN_DATA_PATH = "/var/lib/rancher/longhorn/";
/**
 * For workloads that keep their own copies on several nodes in prod (OpenSearch, CloudNativePG,
 * Valkey replicas, SeaweedFS with replication 001): one Longhorn replica, near the pod. Three
 * application copies times three Longhorn replicas would not fit the data disks.
 */
export const SINGLE_REPLICA_CLASS = "longhorn-single";

/** Copies of each volume Longhorn aims for: two in dev, three elsewhere. */
export const TARGET_REPLICAS = { dev: 2, prod: 3 } as const;

/**
 * Replicas per volume: the environment's target, but never more than the nodes that can hold a
 * replica (those with a data disk). Fixed by the target once the cluster has that many data-disk
 * nodes, so adding nodes changes nothing here.
 */
export function replicaCount(size: "dev" | "prod", storageNodes: number): number {
  return Math.max(0, Math.min(TARGET_REPLICAS[size], storageNodes));
}

/** A pool taint (`key=value:Effect` or `key:Effect`) as a Kubernetes toleration. */
export function toleration(taint: string): Record<string, string> {
  const [keyValue = "", effect = ""] = taint.split(":");
  const [key = "", value] = keyValue.split("=");
  return value === undefined
    ? { key, operator: "Exists", effect }
    : { key, operator: "Equal", value, effect };
}

/** Longhorn's values for a cluster: replicas on the data-disk nodes, its node parts on every node. */
export function longhornValues(ctx: WorkloadContext): Record<string, unknown> {
  const taints = [...new Set(ctx.nodeTaints)].sort();
  const tolerations = taints.map(toleration);
  return {
    persistence: {
      defaultClass: true,
      defaultClassReplicaCount: replicaCount(ctx.size, ctx.storageNodes),
      reclaimPolicy: "Delete",
    },
    defaultSettings: {
      // Only nodes with a data disk carry the label (components/plan/clusterPlan.ts) and hold replicas.
      createDefaultDiskLabeledNodes: true,
      defaultDataPath: LONGHORN_DATA_PATH,
      // A pod on a tainted pool still needs Longhorn's CSI plugin on its node to mount a volume.
      ...(taints.length > 0 ? { taintToleration: taints.join(";") } : {}),
      // Volumes are thin: schedule up to twice the disk's schedulable space (Longhorn's minimal
      // available percentage still stops new replicas on a disk that really fills up).
      storageOverProvisioningPercentage: 200,
      // No phoning home from a private cluster.
      upgradeChecker: false,
    },
    longhornManager: { tolerations },
    longhornDriver: { tolerations },
  };
}

/** Longhorn's namespace: its manager and CSI plugin run privileged on every node (iSCSI, mounts). */
export function storageNamespace(): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: STORAGE_NAMESPACE,
      labels: {
        ...MANAGED_BY,
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  };
}

/** The single-replica class (parameters as the chart's own class uses them: chart/templates/storageclass.yaml). */
export function singleReplicaClass(): KubeObject {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: SINGLE_REPLICA_CLASS, labels: { ...MANAGED_BY } },
    provisioner: "driver.longhorn.io",
    allowVolumeExpansion: true,
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
    parameters: {
      numberOfReplicas: "1",
      dataLocality: "best-effort",
      staleReplicaTimeout: "30",
      fsType: "ext4",
    },
  };
}
