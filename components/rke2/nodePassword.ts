/**
 * Each node's RKE2 node password, derived from one secret seed in Pulumi state and the node's
 * name. RKE2 keeps a hash of the password a node first registered with, per node name, and refuses
 * a node of that name with another password (docs.rke2.io, security/node_password: the password
 * lives in /etc/rancher/node/password and is generated there unless the file already exists). A
 * re-created VM keeps its name, so handing it the same password makes it acceptable again without
 * deleting anything; a different node never learns another node's password (HMAC, one-way).
 */
import { createHmac } from "crypto";

export const NODE_PASSWORD_PATH = "/etc/rancher/node/password";

export function nodePassword(seed: string, hostname: string): string {
  return createHmac("sha256", seed).update(`rke2-node-password:${hostname}`).digest("hex");
}
