/**
 * The cluster's kubeconfig read from the cluster itself (kubeconfig.source: node): once the VMs
 * exist, a remote command logs in to the bootstrap server with a key pair this stack generated
 * (its public half is in every server's authorized keys through cloud-init), waits for the API and
 * reads RKE2's admin kubeconfig. The text is pointed at the registration address and drives a
 * Kubernetes provider. The private key, the command's output and the kubeconfig are secrets;
 * `logging: none` keeps the output out of the engine's log (pulumi-command 1.2.1,
 * sdk/nodejs/remote/command.ts `logging`).
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { FETCH_KUBECONFIG_COMMAND, pointKubeconfigAt } from "../plan/kubeconfig";

/** The key pair whose public half goes into the servers' cloud-init (created before the VMs). */
export function adminKeyPair(name: string, parent: pulumi.Resource): tls.PrivateKey {
  return new tls.PrivateKey(
    `${name}-admin-ssh-key`,
    { algorithm: "ED25519" },
    // The SDK already marks the private halves secret; repeated here so a provider upgrade cannot drop it.
    { parent, additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"] },
  );
}

export interface NodeKubeconfigArgs {
  key: tls.PrivateKey;
  /** The bootstrap server's address (reachable from where `pulumi up` runs). */
  host: string;
  user: string;
  /** The registration address (VIP or the only server), in the API certificate's SANs. */
  apiAddress: string;
  /** The VMs: the command runs once they exist, and is removed before them at destroy. */
  nodes: pulumi.Resource[];
  /** Re-read the kubeconfig when this changes (the bootstrap server's VM id). */
  trigger: pulumi.Input<string>;
  timeout: string;
}

export class NodeKubeconfig extends pulumi.ComponentResource {
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;

  constructor(name: string, args: NodeKubeconfigArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cluster-orchestrator:access:NodeKubeconfig", name, {}, opts);
    const fetch = new command.remote.Command(
      `${name}-fetch`,
      {
        connection: {
          host: args.host,
          user: args.user,
          privateKey: pulumi.secret(args.key.privateKeyOpenssh),
          // The node is new: keep dialling while it boots (1 attempt per ~10 s for 30 min).
          dialErrorLimit: 180,
        },
        create: FETCH_KUBECONFIG_COMMAND,
        logging: "none",
        triggers: [args.trigger],
      },
      {
        parent: this,
        dependsOn: args.nodes,
        additionalSecretOutputs: ["stdout", "stderr"],
        customTimeouts: { create: args.timeout, update: args.timeout },
      },
    );
    this.kubeconfig = pulumi.secret(fetch.stdout.apply((text) => pointKubeconfigAt(text, args.apiAddress)));
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, deleteUnreachable: true },
      { parent: this },
    );
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
