/** RKE2 config per role, what cloud-init delivers for it, and the cluster-wide checks. */
import { parse } from "yaml";
import { loadStack } from "../components/config/load";
import { PROJECT_ROOT } from "../components/program";
import { planCluster } from "../components/plan/clusterPlan";
import { PlanProblems } from "../components/plan/problems";
import { AGENT_KEYS, SERVER_KEYS } from "../components/rke2/keys";
import { KUBE_VIP_MANIFEST_PATH } from "../components/rke2/kubeVip";
import {
  CIS_SYSCTL_PATH,
  nodeBoot,
  REGISTRIES_PATH,
  RKE2_CONFIG_PATH,
  type BootValues,
} from "../components/rke2/nodeBoot";
import {
  agentConfig,
  AUDIT_POLICY_PATH,
  serverConfig,
  sharedServerSettings,
  type Rke2Settings,
} from "../components/rke2/roleConfig";
import { rke2Settings } from "../components/rke2/settings";
import { profiles } from "../stacks/profiles";
import { baseSpec } from "./helpers/fixtures";

const settings: Rke2Settings = {
  cni: "canal",
  clusterCidr: "10.42.0.0/16",
  serviceCidr: "10.43.0.0/16",
  cisProfile: false,
  etcdSnapshotSchedule: "0 */6 * * *",
  etcdSnapshotRetention: 28,
  systemDefaultRegistry: null,
  auditLog: false,
};
const prod = loadStack("legal-ai-prod", { rootDir: PROJECT_ROOT, profiles });
const dev = loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles });
const node = (stack: typeof prod, hostname: string) => stack.plan.nodes.find((n) => n.hostname === hostname)!;
const values: BootValues = {
  token: "T0KEN",
  installVersion: "v1.34.2+rke2r1",
  manifestUrl: "https://r/v3/import/x.yaml",
  nodeCommand: null,
};

describe("role config", () => {
  test.each([
    ["bootstrap server", "cluster1-server1", undefined],
    ["joining server", "cluster1-server2", "https://10.20.1.10:9345"],
    ["last server", "cluster1-server3", "https://10.20.1.10:9345"],
  ])("%s: server key %s", (_, hostname, server) => {
    const config = serverConfig(prod.plan, node(prod, hostname), settings, "T0KEN");
    expect(config.server).toEqual(server);
    expect(config.token).toBe("T0KEN");
    expect(config["node-name"]).toBe(hostname);
    expect(config["node-ip"]).toBe(node(prod, hostname).ip);
    expect(config["tls-san"]).toEqual(
      expect.arrayContaining(["10.20.1.10", "api.legal-ai.prod.lab.example.net", node(prod, hostname).ip]),
    );
    expect(config["write-kubeconfig-mode"]).toBe("0600");
  });

  test("agent: joins the registration address with its pool's labels and taints", () => {
    const config = agentConfig(prod.plan, node(prod, "cluster1-search2"), settings, "T0KEN");
    expect(config).toMatchObject({
      server: "https://10.20.1.10:9345",
      token: "T0KEN",
      "node-name": "cluster1-search2",
      "node-ip": "10.20.1.61",
      "node-label": [
        "cluster-orchestrator.io/pool=search",
        "node.longhorn.io/create-default-disk=true", // a data-disk node holds Longhorn replicas
        "workload.cluster-orchestrator.io/role=search",
      ],
      "node-taint": ["dedicated=search:NoSchedule"],
    });
  });

  test("single server: the registration address is the server itself; the VIP is still a SAN", () => {
    const config = serverConfig(dev.plan, node(dev, "cluster1-server1"), settings, "T0KEN");
    expect(dev.plan.network.registrationAddress).toBe("10.10.1.11");
    expect(config.server).toBeUndefined();
    expect(config["tls-san"]).toEqual([
      "10.10.1.11",
      "10.10.1.10",
      "api.legal-ai.dev.lab.example.net",
      "cluster1-server1.legal-ai.dev.lab.example.net",
    ]);
  });

  test("a DHCP agent has no node-ip", () => {
    const analytics = loadStack("accounting-analytics-prod", { rootDir: PROJECT_ROOT, profiles });
    const config = agentConfig(analytics.plan, node(analytics, "cluster2-burst1"), settings, "T");
    expect(config["node-ip"]).toBeUndefined();
  });

  test.each([
    ["CIS profile", { cisProfile: true }, { profile: "cis" }],
    [
      "private registry",
      { systemDefaultRegistry: "registry.lab:5000" },
      { "system-default-registry": "registry.lab:5000" },
    ],
    ["cilium", { cni: "cilium" as const }, { cni: "cilium" }],
  ])("%s reaches every server from the shared settings", (_, change, expected) => {
    const s = { ...settings, ...change };
    for (const server of prod.plan.nodes.filter((n) => n.role === "server")) {
      expect(serverConfig(prod.plan, server, s, "T")).toMatchObject(expected);
    }
  });

  test("settings that must match on all servers are identical on every server", () => {
    const shared = Object.keys(sharedServerSettings(settings));
    const servers = prod.plan.nodes
      .filter((n) => n.role === "server")
      .map((n) => serverConfig(prod.plan, n, settings, "T"));
    for (const key of shared) {
      const [first, ...rest] = servers.map((c) => JSON.stringify(c[key as keyof typeof c]));
      for (const other of rest) expect(other).toBe(first);
    }
  });

  test("agents get the CIS profile too (kubelet hardening)", () => {
    expect(
      agentConfig(prod.plan, node(prod, "cluster1-worker1"), { ...settings, cisProfile: true }, "T").profile,
    ).toBe("cis");
  });

  test("every key emitted is one RKE2 documents for the role", () => {
    const all = { ...settings, cisProfile: true, systemDefaultRegistry: "r:5000" };
    for (const n of prod.plan.nodes) {
      const config =
        n.role === "server" ? serverConfig(prod.plan, n, all, "T") : agentConfig(prod.plan, n, all, "T");
      const documented: readonly string[] = n.role === "server" ? SERVER_KEYS : AGENT_KEYS;
      for (const key of Object.keys(config)) expect(documented).toContain(key);
    }
  });

  test("a config for the wrong role is refused", () => {
    expect(() => serverConfig(prod.plan, node(prod, "cluster1-worker1"), settings, "T")).toThrow(
      /not a static server/,
    );
    expect(() => agentConfig(prod.plan, node(prod, "cluster1-server1"), settings, "T")).toThrow(
      /not an agent/,
    );
  });
});

describe("what cloud-init delivers for RKE2", () => {
  const boot = (
    stack: typeof prod,
    hostname: string,
    v: BootValues = values,
    settingsOverride: Partial<Rke2Settings> = {},
  ) =>
    nodeBoot(
      stack.spec,
      stack.plan,
      { ...rke2Settings(stack.spec, stack.profile), ...settingsOverride },
      node(stack, hostname),
      v,
    );
  const file = (b: ReturnType<typeof boot>, path: string) => b.files.find((f) => f.path === path);

  test("config.yaml is 0600 and holds the token; the bootstrap script is delivered 0755", () => {
    const b = boot(prod, "cluster1-server2");
    expect(file(b, RKE2_CONFIG_PATH)).toMatchObject({ permissions: "0600" });
    expect(parse(file(b, RKE2_CONFIG_PATH)!.content)).toMatchObject({
      token: "T0KEN",
      server: "https://10.20.1.10:9345",
    });
    expect(file(b, "/usr/local/sbin/co-bootstrap.sh")).toMatchObject({ permissions: "0755" });
    expect(file(b, "/usr/local/sbin/co-bootstrap.sh")!.content).toMatch(/^#!\/usr\/bin\/env bash/);
  });

  test("servers join one at a time: each names the previous server", () => {
    expect(boot(prod, "cluster1-server1").bootEnv).toMatchObject({
      CO_BOOTSTRAP: "true",
      CO_PREVIOUS_SERVER: "",
    });
    expect(boot(prod, "cluster1-server2").bootEnv).toMatchObject({
      CO_BOOTSTRAP: "false",
      CO_PREVIOUS_SERVER: "10.20.1.11",
    });
    expect(boot(prod, "cluster1-server3").bootEnv).toMatchObject({ CO_PREVIOUS_SERVER: "10.20.1.12" });
    expect(boot(prod, "cluster1-worker1").bootEnv).toMatchObject({
      CO_PREVIOUS_SERVER: "",
      CO_REGISTRATION_ADDRESS: "10.20.1.10",
    });
  });

  test("kube-vip: a static pod on every server when there are several, holding the VIP on eth0", () => {
    for (const host of ["cluster1-server1", "cluster1-server2", "cluster1-server3"]) {
      const manifest = parse(file(boot(prod, host), KUBE_VIP_MANIFEST_PATH)!.content);
      const env = Object.fromEntries(
        manifest.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
      );
      expect(env).toMatchObject({
        address: "10.20.1.10",
        vip_interface: "eth0",
        vip_arp: "true",
        cp_enable: "true",
      });
    }
    expect(file(boot(prod, "cluster1-worker1"), KUBE_VIP_MANIFEST_PATH)).toBeUndefined();
    expect(file(boot(dev, "cluster1-server1"), KUBE_VIP_MANIFEST_PATH)).toBeUndefined();
  });

  test("the registration manifest URL goes to the bootstrap server only", () => {
    expect(boot(prod, "cluster1-server1").bootEnv.CO_RANCHER_MANIFEST_URL).toBe(values.manifestUrl);
    for (const host of ["cluster1-server2", "cluster1-worker1"])
      expect(boot(prod, host).bootEnv.CO_RANCHER_MANIFEST_URL).toBeUndefined();
  });

  test("custom mode: Rancher's node command with this node's roles, no config.yaml of ours", () => {
    const custom = {
      ...prod,
      spec: { ...prod.spec, rancher: { ...prod.spec.rancher, mode: "custom" as const } },
    };
    const v = {
      ...values,
      manifestUrl: null,
      nodeCommand: "curl -fL https://r/install.sh | sh -s - --token X",
    };
    const server = boot(custom, "cluster1-server2", v);
    expect(server.bootEnv.CO_RANCHER_NODE_COMMAND).toBe(
      `${v.nodeCommand} --etcd --controlplane --worker --node-name cluster1-server2 --address 10.20.1.12 --internal-address 10.20.1.12 --label cluster-orchestrator.io/pool=server`,
    );
    expect(file(server, RKE2_CONFIG_PATH)).toBeUndefined();
    const search = boot(custom, "cluster1-search1", v).bootEnv.CO_RANCHER_NODE_COMMAND;
    expect(search).toContain(" --worker --node-name cluster1-search1");
    expect(search).toContain("--taint dedicated=search:NoSchedule");
    expect(search).not.toContain("--etcd");
  });

  test("CIS: the sysctl file and the flag for the boot script; healthcare gets it from its profile", () => {
    const healthcare = loadStack("healthcare-prod", { rootDir: PROJECT_ROOT, profiles });
    const b = boot(healthcare, "cluster3-worker1");
    expect(b.bootEnv.CO_CIS_PROFILE).toBe("true");
    expect(file(b, CIS_SYSCTL_PATH)!.content).toContain("vm.overcommit_memory=1");
    expect(parse(file(b, RKE2_CONFIG_PATH)!.content).profile).toBe("cis");
    expect(boot(prod, "cluster1-worker1").bootEnv.CO_CIS_PROFILE).toBe("false");
  });

  test("audit log: servers get the policy file and the apiserver flags; agents do not", () => {
    const server = boot(prod, "cluster1-server1", values, { auditLog: true });
    const policy = parse(file(server, AUDIT_POLICY_PATH)!.content);
    expect(policy).toMatchObject({ apiVersion: "audit.k8s.io/v1", kind: "Policy" });
    expect(policy.rules.at(-1)).toEqual({ level: "Metadata" });
    expect(parse(file(server, RKE2_CONFIG_PATH)!.content)).toMatchObject({
      "audit-policy-file": AUDIT_POLICY_PATH,
    });
    expect(
      file(boot(prod, "cluster1-worker1", values, { auditLog: true }), AUDIT_POLICY_PATH),
    ).toBeUndefined();
    expect(
      file(boot(prod, "cluster1-server1", values, { auditLog: false }), AUDIT_POLICY_PATH),
    ).toBeUndefined();
  });

  test("locked-down egress: registry mirror and a per-version artifact folder", () => {
    const spec = {
      ...prod.spec,
      rke2: {
        ...prod.spec.rke2,
        registryMirror: "https://mirror.lab:5000",
        artifactUrl: "https://files.lab/rke2/",
      },
    };
    const b = nodeBoot(
      spec,
      prod.plan,
      rke2Settings(spec, prod.profile),
      node(prod, "cluster1-worker1"),
      values,
    );
    expect(parse(file(b, REGISTRIES_PATH)!.content).mirrors["docker.io"]).toEqual({
      endpoint: ["https://mirror.lab:5000"],
    });
    expect(file(b, REGISTRIES_PATH)!.permissions).toBe("0600");
    expect(b.bootEnv.CO_RKE2_ARTIFACT_URL).toBe("https://files.lab/rke2/v1.34.2+rke2r1");
  });
});

describe("cluster-wide checks", () => {
  test.each([
    [
      "pod range overlapping the node network",
      { clusterCidr: "10.10.0.0/16" },
      ["rke2", "clusterCidr"],
      "overlaps the node network",
    ],
    [
      "service range overlapping the pod range",
      { serviceCidr: "100.64.128.0/17" },
      ["rke2", "serviceCidr"],
      "overlaps rke2.clusterCidr",
    ],
  ])("%s", (_, rke2, path, message) => {
    const spec = baseSpec((input) => Object.assign(input.rke2 as object, rke2));
    try {
      planCluster("legal-ai-dev", spec);
      throw new Error("expected PlanProblems");
    } catch (error) {
      expect(error).toBeInstanceOf(PlanProblems);
      expect((error as PlanProblems).problems).toEqual([
        expect.objectContaining({ path, message: expect.stringContaining(message) }),
      ]);
    }
  });

  test("Rancher TLS: a CA checksum and insecure together are refused", () => {
    const spec = baseSpec((input) => {
      input.rancher = { caChecksum: "a".repeat(64), insecure: true };
    });
    expect(() => planCluster("legal-ai-dev", spec)).toThrow(
      /set either rancher.caChecksum or rancher.insecure/,
    );
  });
});
