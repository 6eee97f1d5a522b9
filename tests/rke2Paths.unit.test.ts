/**
 * Issue 15: where each file a node receives lands. The other tests compare against the same
 * constants, so an emptied or moved path would pass them all; here each path is pinned to what
 * reads it: RKE2 itself (its documented locations) or our boot scripts (the paths they open).
 */
import * as fs from "fs";
import * as path from "path";
import { KUBE_VIP_MANIFEST_PATH } from "../components/rke2/kubeVip";
import {
  CIS_SYSCTL_PATH,
  MANIFEST_URL_PATH,
  RANCHER_AGENT_ENV_PATH,
  REGISTRIES_PATH,
  RKE2_CONFIG_PATH,
} from "../components/rke2/nodeBoot";
import { NODE_PASSWORD_PATH } from "../components/rke2/nodePassword";
import { POD_SECURITY_CONFIG_PATH } from "../components/rke2/podSecurity";
import { AUDIT_POLICY_PATH } from "../components/rke2/roleConfig";

const script = (name: string) =>
  fs.readFileSync(path.join(__dirname, "..", "cloud-init", "scripts", name), "utf8");

test("RKE2's own locations (docs.rke2.io: install/configuration, install/private_registry, the node password, static pods)", () => {
  // https://docs.rke2.io/install/configuration: "/etc/rancher/rke2/config.yaml".
  expect(RKE2_CONFIG_PATH).toBe("/etc/rancher/rke2/config.yaml");
  // https://docs.rke2.io/install/private_registry: "/etc/rancher/rke2/registries.yaml".
  expect(REGISTRIES_PATH).toBe("/etc/rancher/rke2/registries.yaml");
  // RKE2's agent keeps the node password at /etc/rancher/node/password (rancher/rke2 docs,
  // security/secrets: node passwords); a re-created node must find the same one there.
  expect(NODE_PASSWORD_PATH).toBe("/etc/rancher/node/password");
  // The kubelet's static pod folder RKE2 configures (data-dir/agent/pod-manifests).
  expect(KUBE_VIP_MANIFEST_PATH).toBe("/var/lib/rancher/rke2/agent/pod-manifests/kube-vip.yaml");
});

test("the files the boot scripts open are the files cloud-init writes", () => {
  const bootstrap = script("rke2-bootstrap.sh");
  const prepare = script("prepare-node.sh");
  // The scripts name their files under ${CO_ROOT} (a test sandbox; empty on a node).
  expect(bootstrap).toContain(`RKE2_CONFIG="\${CO_ROOT}${RKE2_CONFIG_PATH}"`);
  expect(bootstrap).toContain(`SECRETS_DIR="\${CO_ROOT}${path.posix.dirname(MANIFEST_URL_PATH)}"`);
  expect(bootstrap).toContain(
    `MANIFEST_URL_FILE="\${SECRETS_DIR}/${path.posix.basename(MANIFEST_URL_PATH)}"`,
  );
  expect(path.posix.dirname(RANCHER_AGENT_ENV_PATH)).toBe(path.posix.dirname(MANIFEST_URL_PATH));
  expect(bootstrap).toContain(
    `AGENT_ENV_FILE="\${SECRETS_DIR}/${path.posix.basename(RANCHER_AGENT_ENV_PATH)}"`,
  );
  expect(prepare).toContain(`CIS_SYSCTL_FILE="\${CO_ROOT}${CIS_SYSCTL_PATH}"`);
});

test("files only RKE2's config names: absolute, in RKE2's folder, each its own", () => {
  const ours = [AUDIT_POLICY_PATH, POD_SECURITY_CONFIG_PATH];
  for (const file of ours) expect(file).toMatch(/^\/etc\/rancher\/rke2\/[a-z-]+\.yaml$/);
  const all = [...ours, RKE2_CONFIG_PATH, REGISTRIES_PATH];
  expect(new Set(all).size).toBe(all.length);
});
