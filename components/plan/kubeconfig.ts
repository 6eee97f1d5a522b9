/**
 * Pure decisions for the kubeconfig read from the cluster itself (kubeconfig.source: node).
 *
 * RKE2 writes its admin kubeconfig to /etc/rancher/rke2/rke2.yaml on every server, pointing at
 * https://127.0.0.1:6443 (docs.rke2.io, "Cluster Access"). From outside the node it must point at
 * the registration address, which is in the API server certificate's SANs from the first boot
 * (components/rke2/roleConfig.ts `tls-san`).
 */
import { parseDocument, isMap, isSeq } from "yaml";
import type { ClusterSpec } from "../config/schema";
import type { RancherSpec } from "../config/schema";
import type { Problem } from "./problems";

export const RKE2_ADMIN_KUBECONFIG = "/etc/rancher/rke2/rke2.yaml";

/**
 * The remote command: waits (up to 30 min) until the API server answers /readyz through the admin
 * kubeconfig, then prints the file. A constant: no configuration string reaches this shell.
 * kubectl ships with RKE2 in /var/lib/rancher/rke2/bin (docs.rke2.io, "Cluster Access").
 */
export const FETCH_KUBECONFIG_COMMAND = [
  "sudo sh -c '",
  `k=${RKE2_ADMIN_KUBECONFIG}; i=0; `,
  'until [ -s "$k" ] && /var/lib/rancher/rke2/bin/kubectl --kubeconfig "$k" get --raw /readyz >/dev/null 2>&1; do ',
  'i=$((i+1)); [ "$i" -ge 180 ] && { echo "RKE2 API not ready after 30 min" >&2; exit 1; }; sleep 10; done; ',
  'cat "$k"',
  "'",
].join("");

export class KubeconfigError extends Error {}

/**
 * Points every cluster entry of an RKE2 kubeconfig at `https://<address>:6443`. Throws (without
 * echoing the text: it holds the admin client key) when the text is not a kubeconfig.
 */
export function pointKubeconfigAt(text: string, address: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new KubeconfigError("the node's kubeconfig is not valid YAML");
  const clusters = doc.get("clusters");
  if (!isSeq(clusters) || clusters.items.length === 0) {
    throw new KubeconfigError("the node's kubeconfig has no clusters entry");
  }
  const server = `https://${address.includes(":") ? `[${address}]` : address}:6443`;
  for (const item of clusters.items) {
    const cluster = isMap(item) ? item.get("cluster") : undefined;
    if (!isMap(cluster))
      throw new KubeconfigError("a clusters entry of the node's kubeconfig has no cluster");
    cluster.set("server", server);
  }
  return doc.toString();
}

/** The configured source, or its default: the node when Rancher is not used, else Rancher. */
export function kubeconfigSource(
  spec: Pick<ClusterSpec, "kubeconfig"> & { rancher: Pick<RancherSpec, "mode"> },
) {
  return spec.kubeconfig.source ?? (spec.rancher.mode === "none" ? "node" : "rancher");
}

/**
 * kubeconfig.source node runs FETCH_KUBECONFIG_COMMAND as the admin user through `sudo sh -c`
 * (the admin kubeconfig is root's, mode 0600). That needs the admin user's unrestricted sudo:
 * with `none` sudo refuses, and a command list cannot allow it (its entries are plain words, no
 * quoted script). Refused here, before any VM exists, instead of failing the remote command after.
 */
export function checkNodeKubeconfigAccess(
  spec: Pick<ClusterSpec, "kubeconfig" | "nodes"> & { rancher: Pick<RancherSpec, "mode"> },
  problems: Problem[],
): void {
  if (kubeconfigSource(spec) !== "node" || spec.nodes.adminSudo === "all") return;
  problems.push({
    path: ["nodes", "adminSudo"],
    message: `kubeconfig.source is node (the default with rancher.mode none): reading RKE2's admin kubeconfig needs the admin user's sudo "all", not ${JSON.stringify(spec.nodes.adminSudo)}; set adminSudo: all or take the kubeconfig from Rancher`,
  });
}
