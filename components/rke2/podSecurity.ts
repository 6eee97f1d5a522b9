/**
 * The Pod Security admission configuration the servers get with the CIS profile.
 *
 * With `profile: cis` RKE2 enforces Pod Security "restricted" cluster-wide and, by default,
 * exempts only kube-system, cis-operator-system and tigera-operator (RKE2 docs,
 * security/pod_security_standards; the same list in RKE2's hardening guide). Rancher's
 * cluster agent (cattle-system), fleet's agent and the impersonation proxy need privileges the
 * restricted level refuses, so a healthcare cluster would never register. Rancher documents the
 * exemptions a rancher-restricted cluster needs (ranchermanager.docs.rancher.com,
 * reference-guides/rancher-security/psa-restricted-exemptions); we take the ones a downstream
 * cluster of ours runs, plus our storage (Longhorn) and the CNI operators.
 *
 * RKE2 reads the file given by `pod-security-admission-config-file` instead of writing its own
 * rke2-pss.yaml; the format is the API server's AdmissionConfiguration with a PodSecurity plugin.
 */
import { stringify } from "yaml";

export const POD_SECURITY_CONFIG_PATH = "/etc/rancher/rke2/pod-security.yaml";

/** RKE2's own exemptions under the CIS profile. */
export const RKE2_DEFAULT_EXEMPT = ["kube-system", "cis-operator-system", "tigera-operator"] as const;

/**
 * What else must run unrestricted on our clusters. Workload namespaces are never here: they
 * carry their own (restricted or baseline) labels from the workloads stage.
 */
export const CLUSTER_EXEMPT = [
  // Rancher's agents on a downstream cluster: cluster agent, fleet agent, impersonation proxy.
  "cattle-system",
  "cattle-fleet-system",
  "cattle-impersonation-system",
  // Storage: Longhorn's manager and CSI plugin are privileged DaemonSets.
  "longhorn-system",
  // Calico's operator-managed namespaces (cni: calico); RKE2's ingress controller runs in kube-system.
  "calico-system",
  "calico-apiserver",
] as const;

export function podSecurityConfig(): string {
  const namespaces = [...new Set<string>([...RKE2_DEFAULT_EXEMPT, ...CLUSTER_EXEMPT])].sort();
  return stringify(
    {
      apiVersion: "apiserver.config.k8s.io/v1",
      kind: "AdmissionConfiguration",
      plugins: [
        {
          name: "PodSecurity",
          configuration: {
            apiVersion: "pod-security.admission.config.k8s.io/v1",
            kind: "PodSecurityConfiguration",
            defaults: {
              enforce: "restricted",
              "enforce-version": "latest",
              audit: "restricted",
              "audit-version": "latest",
              warn: "restricted",
              "warn-version": "latest",
            },
            exemptions: { usernames: [], runtimeClasses: [], namespaces },
          },
        },
      ],
    },
    { version: "1.1", lineWidth: 0 },
  );
}
