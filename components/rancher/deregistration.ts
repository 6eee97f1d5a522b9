/**
 * Teardown order for an imported cluster: Rancher must remove the cluster while its nodes still run.
 *
 * Why a resource of its own: the bootstrap server's cloud-init carries the cluster's registration
 * manifest URL, so every VM depends on the `rancher2.Cluster` and Pulumi deletes the VMs first.
 * Rancher then cannot reach the cluster to clean it up, and an imported cluster deleted while
 * unreachable is left half-removed (rancher/rancher#35700, #36046, #36798). This resource depends
 * on the VMs (so it is deleted before them) and the cluster's access depends on it (so workloads
 * and the kubeconfig go first); its delete asks Rancher to remove the cluster and waits until
 * Rancher answers 404. The `rancher2.Cluster` deleted afterwards finds nothing and succeeds: the
 * provider treats "not found" as deleted (rancher/terraform-provider-rancher2
 * rancher2/resource_rancher2_cluster.go, resourceRancher2ClusterDelete, at v13.1.4).
 *
 * Credentials at destroy time: the management stack's URL and token recorded as inputs (secret)
 * when the stack uses `rancher.managementStack` (docs/rancher.md), else RANCHER_URL and
 * RANCHER_TOKEN_KEY, the rancher2 provider's own environment variables (README); a private CA
 * through NODE_EXTRA_CA_CERTS.
 */
import * as pulumi from "@pulumi/pulumi";

export interface DeregistrationInputs {
  clusterId: string;
  /** How long the delete waits for Rancher to finish, in seconds. */
  timeoutSeconds: number;
  /** Between two polls, in milliseconds (default 3000). */
  pollMs?: number;
  /** From the management stack (issue 11); RANCHER_URL / RANCHER_TOKEN_KEY when absent. */
  rancherUrl?: string;
  rancherToken?: string;
}

/**
 * The dynamic provider. Self-contained (no captured modules): Pulumi serializes it into state.
 * Create records the id; update only records new inputs (never a replacement); delete removes the
 * cluster from Rancher and waits for the 404.
 */
export const deregistrationProvider: pulumi.dynamic.ResourceProvider = {
  create(inputs: DeregistrationInputs) {
    return Promise.resolve({ id: inputs.clusterId, outs: inputs });
  },
  // Never a replacement: replacing would run delete, which removes the live cluster from Rancher.
  diff(_id: string, olds: DeregistrationInputs, news: DeregistrationInputs) {
    const changes = JSON.stringify(olds) !== JSON.stringify(news);
    return Promise.resolve({ changes, replaces: [], deleteBeforeReplace: false });
  },
  update(_id: string, _olds: DeregistrationInputs, news: DeregistrationInputs) {
    return Promise.resolve({ outs: news });
  },
  async delete(_id: string, props: DeregistrationInputs) {
    // The id in state (the latest update's outputs).
    const id = props.clusterId;
    // The management stack's URL and token when the stack has them, else the environment's.
    // Only the origin, as the rancher2 provider reads its URL (NormalizeURL drops the path,
    // rancher/terraform-provider-rancher2 rancher2/util.go at v13.1.4): RANCHER_URL=https://host/v3
    // must not become /v3/v3/…, which Rancher answers 404 and this delete would read as "gone".
    let origin: string;
    try {
      origin = new URL(props.rancherUrl ?? process.env.RANCHER_URL ?? "").origin;
    } catch {
      origin = "";
    }
    if (
      !origin.startsWith("https://") &&
      !(origin.startsWith("http://") && process.env.CO_RANCHER_ALLOW_HTTP === "true")
    ) {
      throw new Error(
        "RANCHER_URL must be set (https) to remove the cluster from Rancher before its VMs are deleted",
      );
    }
    const token = props.rancherToken ?? process.env.RANCHER_TOKEN_KEY ?? "";
    if (token === "") throw new Error("RANCHER_TOKEN_KEY must be set to remove the cluster from Rancher");
    // fetch echoes a header value it refuses in its error, which would put the token in the log.
    if (!/^[\x21-\x7e]+$/.test(token))
      throw new Error(
        "the Rancher token holds a character no HTTP header takes (a stray space or line break?)",
      );
    const url = `${origin}/v3/clusters/${encodeURIComponent(id)}`;
    const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    // One request, bounded, with an error that names Rancher (never the token) and says what is kept.
    const call = async (method: "DELETE" | "GET"): Promise<number> => {
      try {
        const r = await fetch(url, { method, headers, signal: AbortSignal.timeout(60_000) });
        await r.body?.cancel();
        return r.status;
      } catch (error) {
        // fetch's own error says only "fetch failed"; its cause says why (refused, certificate,
        // name). Read by shape, not `instanceof Error`: an error from another realm (jest's vm,
        // or wherever the engine evaluates this provider) is no instance of this realm's Error.
        const messageOf = (e: unknown): string =>
          typeof e === "object" && e !== null && "message" in e && typeof e.message === "string"
            ? e.message
            : "";
        const inner =
          typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined;
        const cause = messageOf(inner) || messageOf(error);
        throw new Error(
          `cannot reach Rancher at ${origin} to remove cluster ${id} (${cause}); its VMs are kept: run the destroy again when Rancher answers`,
        );
      }
    };
    const first = await call("DELETE");
    if (first !== 404 && (first < 200 || first > 299)) {
      throw new Error(`Rancher refused to remove cluster ${id}: HTTP ${first}`);
    }
    const deadline = Date.now() + (props.timeoutSeconds ?? 600) * 1000;
    for (;;) {
      const status = await call("GET");
      // Removed: 404, or 403 once the delete was accepted (the rancher2 provider's reading,
      // resource_rancher2_cluster.go clusterStateRefreshFunc at v13.1.4).
      if (status === 404 || status === 403) return;
      if (status < 200 || status > 299) {
        throw new Error(`Rancher answered HTTP ${status} while removing cluster ${id}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`cluster ${id} is still in Rancher after ${props.timeoutSeconds}s; its VMs are kept`);
      }
      await new Promise((resolve) => setTimeout(resolve, props.pollMs ?? 3000));
    }
  },
};

export class RancherDeregistration extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: {
      clusterId: pulumi.Input<string>;
      timeoutSeconds: number;
      rancherUrl?: pulumi.Input<string>;
      rancherToken?: pulumi.Input<string>;
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    // The management stack's token is an input: its recorded copy stays secret in state.
    const secretOpts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["rancherToken"] });
    super(deregistrationProvider, name, args, secretOpts, "rancher", "RancherDeregistration");
  }
}
