/**
 * What each planned node receives (cloud-init/nodeCloudInit.ts): the user-data and network-config
 * of one node, per role, addressing and data disk, read back by parsing the YAML (and node.env by a
 * real shell), with what must be absent asserted absent.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { nodeNetworkConfig, nodeUserData } from "../cloud-init/nodeCloudInit";
import type { ClusterSpec } from "../components/config/schema";
import type { ClusterPlan, NodePlan } from "../components/plan/types";
import { PROJECT_ROOT } from "../components/program";
import { loadStack } from "../components/stack/load";
import { profiles } from "../stacks/profiles";
import { run } from "./helpers/validators";

interface CloudConfig {
  hostname: string;
  fqdn: string;
  timezone: string;
  packages: string[];
  users: Array<Record<string, unknown>>;
  write_files: Array<{ path: string; content: string; permissions: string; owner: string }>;
}

let loaded: { spec: ClusterSpec; plan: ClusterPlan } | undefined;
/** A real stack's spec and plan, with node settings that differ from every default. */
function stack(): { spec: ClusterSpec; plan: ClusterPlan; node: NodePlan } {
  loaded ??= loadStack("legal-ai-prod", { rootDir: PROJECT_ROOT, profiles, crossCheck: false });
  const spec: ClusterSpec = {
    ...loaded.spec,
    nodes: {
      ...loaded.spec.nodes,
      adminUser: "platform",
      adminSudo: ["/usr/bin/journalctl"],
      sshAuthorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyForNodeTests platform@desk"],
      packages: ["jq", "curl"],
      timezone: "America/Chicago",
    },
  };
  const plan: ClusterPlan = {
    ...loaded.plan,
    network: {
      ...loaded.plan.network,
      prefixLength: 26,
      gateway: "10.77.0.62",
      resolvers: ["10.77.0.53"],
      zone: "zone.test",
      mtu: 8900,
    },
  };
  const node: NodePlan = {
    ...loaded.plan.nodes[0]!,
    hostname: "n-server-3",
    fqdn: "n-server-3.zone.test",
    pool: "server",
    role: "server",
    ip: "10.77.0.13",
    mac: "02:AB:00:00:00:13",
    dataDiskGiB: null,
  };
  return { spec, plan, node };
}

function cloudConfig(text: string): CloudConfig {
  expect(text.startsWith("#cloud-config\n")).toBe(true);
  return parse(text, { version: "1.1" }) as CloudConfig;
}

/** node.env as a shell reads it: every CO_* variable after sourcing the file. */
function bootEnvOf(config: CloudConfig): Record<string, string> {
  const file = config.write_files.find((f) => f.path === "/etc/cluster-orchestrator/node.env");
  if (file === undefined) throw new Error("node.env is not written");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-node-env-"));
  try {
    fs.writeFileSync(path.join(dir, "node.env"), file.content);
    const script = '. "$1" && for v in $(compgen -v CO_); do printf "%s=%s\\n" "$v" "${!v}"; done';
    const out = run("bash", ["-c", script, "bash", path.join(dir, "node.env")]);
    expect(out.status).toBe(0);
    return Object.fromEntries(
      out.stdout
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("nodeUserData", () => {
  it("a server without a data disk: its names, the cluster's, and no data-disk variables", () => {
    const { spec, plan, node } = stack();
    const config = cloudConfig(nodeUserData(spec, plan, node));
    expect(config.hostname).toBe("n-server-3");
    expect(config.fqdn).toBe("n-server-3.zone.test");
    expect(config.timezone).toBe("America/Chicago");
    expect(config.users).toEqual([
      {
        name: "platform",
        groups: ["sudo"],
        shell: "/bin/bash",
        sudo: "ALL=(root) NOPASSWD: /usr/bin/journalctl",
        lock_passwd: true,
        ssh_authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyForNodeTests platform@desk"],
      },
    ]);
    expect(bootEnvOf(config)).toEqual({
      CO_CLUSTER: plan.cluster.name,
      CO_NODE_NAME: "n-server-3",
      CO_NODE_ROLE: "server",
      CO_NODE_POOL: "server",
    });
    expect(plan.cluster.name).not.toBe("");
    // No caller files: the node's own three, nothing else (toStrictEqual: toEqual skips undefined items).
    expect(config.write_files.map((f) => f.path)).toStrictEqual([
      "/etc/cluster-orchestrator/node.env",
      "/usr/local/sbin/co-prepare-node.sh",
      "/etc/systemd/system/co-bootstrap.service",
    ]);
  });

  it("an agent with a data disk: the disk XO attaches second, mounted over /var/lib/rancher", () => {
    const { spec, plan, node } = stack();
    const agent = { ...node, role: "agent" as const, pool: "gpu", dataDiskGiB: 200 };
    const env = bootEnvOf(cloudConfig(nodeUserData(spec, plan, agent)));
    expect(env).toMatchObject({ CO_NODE_ROLE: "agent", CO_NODE_POOL: "gpu" });
    // xvdb: the second VBD of a Xen guest (the pool's data disk, attached after the system disk).
    expect(env.CO_DATA_DISK_DEVICE).toBe("/dev/xvdb");
    // RKE2's data-dir default (and Longhorn's under it): what the data disk is for.
    expect(env.CO_DATA_DISK_MOUNT).toBe("/var/lib/rancher");
  });

  it("every node installs the base packages, then the configured ones, each once", () => {
    const { spec, plan, node } = stack();
    // open-iscsi, nfs-common: Longhorn's prerequisites (prepare-node.sh stops without iscsiadm);
    // unattended-upgrades: prepare-node.sh enables it; openssl, curl: the boot scripts call them.
    const packages = cloudConfig(nodeUserData(spec, plan, node)).packages;
    expect(packages).toEqual(["open-iscsi", "nfs-common", "unattended-upgrades", "openssl", "curl", "jq"]);
    const none = { ...spec, nodes: { ...spec.nodes, packages: [] } };
    expect(cloudConfig(nodeUserData(none, plan, node)).packages).toEqual(packages.slice(0, 5));
  });

  it("the caller's files follow the node's own, and its boot variables join (and win over) the node's", () => {
    const { spec, plan, node } = stack();
    const token = { path: "/etc/rancher/rke2/config.yaml", content: "token: x\n", permissions: "0600" };
    const config = cloudConfig(
      nodeUserData(spec, plan, node, {
        files: [token],
        bootEnv: { CO_JOIN_URL: "https://10.77.0.10:9345", CO_NODE_POOL: "override" },
      }),
    );
    expect(config.write_files.map((f) => f.path)).toEqual([
      "/etc/cluster-orchestrator/node.env",
      "/usr/local/sbin/co-prepare-node.sh",
      "/etc/systemd/system/co-bootstrap.service",
      "/etc/rancher/rke2/config.yaml",
    ]);
    expect(config.write_files[3]).toEqual({ ...token, owner: "root:root" });
    expect(bootEnvOf(config)).toMatchObject({
      CO_JOIN_URL: "https://10.77.0.10:9345",
      CO_NODE_POOL: "override",
    });
  });

  it("is byte-identical for the same inputs, and differs between two nodes only where they differ", () => {
    const { spec, plan, node } = stack();
    const other = { ...node, hostname: "n-server-4", fqdn: "n-server-4.zone.test" };
    expect(nodeUserData(spec, plan, node)).toBe(nodeUserData(spec, plan, { ...node }));
    const diff = (a: string, b: string) => a.split("\n").filter((line, i) => line !== b.split("\n")[i]);
    expect(diff(nodeUserData(spec, plan, node), nodeUserData(spec, plan, other))).toEqual([
      "hostname: n-server-3",
      "fqdn: n-server-3.zone.test",
      "      CO_NODE_NAME='n-server-3'",
    ]);
  });
});

describe("nodeNetworkConfig", () => {
  const eth0 = (text: string): Record<string, unknown> =>
    (parse(text, { version: "1.1" }) as { ethernets: Record<string, Record<string, unknown>> }).ethernets
      .eth0 ?? {};

  it("a static node: its address in the cluster's prefix, the cluster's gateway, DNS, zone and MTU", () => {
    const { plan, node } = stack();
    expect(eth0(nodeNetworkConfig(plan, node))).toEqual({
      match: { macaddress: "02:ab:00:00:00:13" },
      "set-name": "eth0",
      dhcp4: false,
      addresses: ["10.77.0.13/26"],
      routes: [{ to: "0.0.0.0/0", via: "10.77.0.62" }],
      nameservers: { addresses: ["10.77.0.53"], search: ["zone.test"] },
      mtu: 8900,
    });
  });

  it("a DHCP node: no address, no route, the same DNS and MTU", () => {
    const { plan, node } = stack();
    expect(eth0(nodeNetworkConfig(plan, { ...node, ip: null }))).toEqual({
      match: { macaddress: "02:ab:00:00:00:13" },
      "set-name": "eth0",
      dhcp4: true,
      nameservers: { addresses: ["10.77.0.53"], search: ["zone.test"] },
      mtu: 8900,
    });
  });
});
