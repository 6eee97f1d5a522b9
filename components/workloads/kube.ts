/** Plain Kubernetes objects, built as data by the workload planners and validated in tests. */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  /** ConfigMaps */
  data?: Record<string, string>;
  /** StorageClasses (top-level fields). */
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "cluster-orchestrator" };
