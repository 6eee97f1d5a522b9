/** RKE2 config per role, what cloud-init delivers for it, and the cluster-wide checks. */
import { createHash } from "crypto";
import { parse } from "yaml";
import { loadStack } from "../components/stack/load";
import { PROJECT_ROOT } from "../components/program";
import { planCluster } from "../components/plan/clusterPlan";
import { PlanProblems } from "../components/plan/problems";
import { AGENT_KEYS, SERVER_KEYS } from "../components/rke2/keys";
import { KUBE_VIP_MANIFEST_PATH } from "../components/rke2/kubeVip";
import { caMaterial, CLUSTER_CAS, RKE2_TLS_DIR, secureToken } from "../components/rke2/clusterCa";
import { NODE_PASSWORD_PATH, nodePassword } from "../components/rke2/nodePassword";
import { POD_SECURITY_CONFIG_PATH } from "../components/rke2/podSecurity";
import { parseRancherNodeCommand, rancherAgentEnv } from "../components/rke2/rancherAgent";
import {
  CIS_SYSCTL_PATH,
  MANIFEST_URL_PATH,
  nodeBoot,
  RANCHER_AGENT_ENV_PATH,
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
import { checkCustomMode, customMachineGlobalConfig, rke2Settings } from "../components/rke2/settings";
import type { Problem } from "../components/plan/problems";
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
const TOKENS = { server: "T0KEN", agent: "AG3NT" };
const values: BootValues = {
  tokens: { server: "T0KEN", agent: "AG3NT" },
  installVersion: "v1.34.2+rke2r1",
  manifestUrl: "https://r/v3/import/x.yaml",
  nodeCommand: null,
  nodePassword: "n0de-pw",
  caFiles: [{ path: "/var/lib/rancher/rke2/server/tls/server-ca.crt", content: "CA", permissions: "0600" }],
};

describe("role config", () => {
  test.each([
    ["bootstrap server", "cluster1-server1", undefined],
    ["joining server", "cluster1-server2", "https://10.20.1.10:9345"],
    ["last server", "cluster1-server3", "https://10.20.1.10:9345"],
  ])("%s: server key %s", (_, hostname, server) => {
    const config = serverConfig(prod.plan, node(prod, hostname), settings, TOKENS);
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
    const config = agentConfig(prod.plan, node(prod, "cluster1-search2"), settings, TOKENS.agent);
    expect(config).toMatchObject({
      server: "https://10.20.1.10:9345",
      token: "AG3NT",
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
    const config = serverConfig(dev.plan, node(dev, "cluster1-server1"), settings, TOKENS);
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
    const config = agentConfig(analytics.plan, node(analytics, "cluster2-burst1"), settings, TOKENS.agent);
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
      expect(serverConfig(prod.plan, server, s, TOKENS)).toMatchObject(expected);
    }
  });

  test("settings that must match on all servers are identical on every server", () => {
    const shared = Object.keys(sharedServerSettings(settings));
    const servers = prod.plan.nodes
      .filter((n) => n.role === "server")
      .map((n) => serverConfig(prod.plan, n, settings, TOKENS));
    for (const key of shared) {
      const [first, ...rest] = servers.map((c) => JSON.stringify(c[key as keyof typeof c]));
      for (const other of rest) expect(other).toBe(first);
    }
  });

  test("agents get the CIS profile too (kubelet hardening)", () => {
    expect(
      agentConfig(prod.plan, node(prod, "cluster1-worker1"), { ...settings, cisProfile: true }, TOKENS.agent)
        .profile,
    ).toBe("cis");
  });

  test("every key emitted is one RKE2 documents for the role", () => {
    const all = { ...settings, cisProfile: true, systemDefaultRegistry: "r:5000" };
    for (const n of prod.plan.nodes) {
      const config =
        n.role === "server"
          ? serverConfig(prod.plan, n, all, TOKENS)
          : agentConfig(prod.plan, n, all, TOKENS.agent);
      const documented: readonly string[] = n.role === "server" ? SERVER_KEYS : AGENT_KEYS;
      for (const key of Object.keys(config)) expect(documented).toContain(key);
    }
  });

  test("a config for the wrong role is refused", () => {
    expect(() => serverConfig(prod.plan, node(prod, "cluster1-worker1"), settings, TOKENS)).toThrow(
      /not a static server/,
    );
    expect(() => agentConfig(prod.plan, node(prod, "cluster1-server1"), settings, TOKENS.agent)).toThrow(
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

  // Issue 14 finding 10: the URL was a node.env variable (kept forever) and a curl argument.
  test("the registration manifest URL goes to the bootstrap server only, as a 0600 file, not in node.env", () => {
    const bootstrap = boot(prod, "cluster1-server1");
    expect(file(bootstrap, MANIFEST_URL_PATH)).toEqual({
      path: MANIFEST_URL_PATH,
      content: `${values.manifestUrl}\n`,
      permissions: "0600",
    });
    expect(JSON.stringify(bootstrap.bootEnv)).not.toContain(values.manifestUrl!);
    for (const host of ["cluster1-server2", "cluster1-worker1"])
      expect(file(boot(prod, host), MANIFEST_URL_PATH)).toBeUndefined();
    expect(() =>
      boot(prod, "cluster1-server1", { ...values, manifestUrl: 'https://r/x" -o /etc/passwd' }),
    ).toThrow(/not a plain https URL/);
  });

  // Issue 9 finding 9: agents held the server token (cluster admin).
  test("agents get only the agent token; servers hold both", () => {
    const agent = parse(file(boot(prod, "cluster1-worker1"), RKE2_CONFIG_PATH)!.content);
    expect(agent.token).toBe("AG3NT");
    expect(JSON.stringify(boot(prod, "cluster1-worker1"))).not.toContain("T0KEN");
    const server = parse(file(boot(prod, "cluster1-server2"), RKE2_CONFIG_PATH)!.content);
    expect(server).toMatchObject({ token: "T0KEN", "agent-token": "AG3NT" });
  });

  // Issue 14 finding 5: the CA goes to servers only (agents must not hold its keys).
  test("the cluster CA files go to servers only; every node gets its own node password (0600)", () => {
    for (const host of ["cluster1-server1", "cluster1-server3"]) {
      expect(file(boot(prod, host), values.caFiles[0]!.path)).toEqual(values.caFiles[0]);
    }
    expect(file(boot(prod, "cluster1-worker1"), values.caFiles[0]!.path)).toBeUndefined();
    expect(file(boot(prod, "cluster1-worker1"), NODE_PASSWORD_PATH)).toEqual({
      path: NODE_PASSWORD_PATH,
      content: "n0de-pw\n",
      permissions: "0600",
    });
  });

  // Issue 9 finding 14: the bootstrap server needs the other servers to look for evidence.
  test("the bootstrap server knows the other servers; nobody else does", () => {
    expect(boot(prod, "cluster1-server1").bootEnv.CO_OTHER_SERVERS).toBe("10.20.1.12 10.20.1.13");
    expect(boot(prod, "cluster1-server2").bootEnv.CO_OTHER_SERVERS).toBe("");
    expect(boot(dev, "cluster1-server1").bootEnv.CO_OTHER_SERVERS).toBe("");
  });

  // Issue 9 finding 2: with CIS, Rancher's agent in cattle-system was refused by PSA restricted.
  test("CIS: servers get a Pod Security config with RKE2's defaults plus Rancher's and storage's namespaces", () => {
    const server = boot(prod, "cluster1-server2", values, { cisProfile: true });
    expect(parse(file(server, RKE2_CONFIG_PATH)!.content)).toMatchObject({
      profile: "cis",
      "pod-security-admission-config-file": POD_SECURITY_CONFIG_PATH,
    });
    const psa = parse(file(server, POD_SECURITY_CONFIG_PATH)!.content);
    expect(psa).toMatchObject({ apiVersion: "apiserver.config.k8s.io/v1", kind: "AdmissionConfiguration" });
    const config = psa.plugins[0].configuration;
    expect(psa.plugins[0].name).toBe("PodSecurity");
    expect(config.defaults).toEqual({
      enforce: "restricted",
      "enforce-version": "latest",
      audit: "restricted",
      "audit-version": "latest",
      warn: "restricted",
      "warn-version": "latest",
    });
    expect(config.exemptions.namespaces).toEqual(
      expect.arrayContaining([
        "kube-system",
        "cis-operator-system",
        "tigera-operator",
        "cattle-system",
        "cattle-fleet-system",
        "cattle-impersonation-system",
        "longhorn-system",
      ]),
    );
    // Workload namespaces are never exempt.
    for (const ns of ["fhir", "emr", "legal-ai", "default"])
      expect(config.exemptions.namespaces).not.toContain(ns);
    expect(
      file(boot(prod, "cluster1-worker1", values, { cisProfile: true }), POD_SECURITY_CONFIG_PATH),
    ).toBeUndefined();
    expect(file(boot(prod, "cluster1-server2"), POD_SECURITY_CONFIG_PATH)).toBeUndefined();
  });

  test("custom mode: Rancher's node command taken apart into a 0600 CATTLE_* file, no config.yaml of ours", () => {
    const custom = {
      ...prod,
      spec: { ...prod.spec, rancher: { ...prod.spec.rancher, mode: "custom" as const } },
    };
    const v = {
      ...values,
      manifestUrl: null,
      nodeCommand:
        "curl -fL https://r.lab/system-agent-install.sh | sudo  sh -s - --server https://r.lab --label 'cattle.io/os=linux' --token X7tok --ca-checksum abc123",
    };
    const server = boot(custom, "cluster1-server2", v);
    expect(server.bootEnv.CO_RANCHER_AGENT_INSTALL_URL).toBe("https://r.lab/system-agent-install.sh");
    expect(JSON.stringify(server.bootEnv)).not.toContain("X7tok");
    expect(file(server, RANCHER_AGENT_ENV_PATH)).toEqual({
      path: RANCHER_AGENT_ENV_PATH,
      permissions: "0600",
      content: [
        "CATTLE_SERVER=https://r.lab",
        "CATTLE_TOKEN=X7tok",
        "CATTLE_CA_CHECKSUM=abc123",
        "CATTLE_ROLE_ETCD=true",
        "CATTLE_ROLE_CONTROLPLANE=true",
        "CATTLE_ROLE_WORKER=true",
        "CATTLE_NODE_NAME=cluster1-server2",
        "CATTLE_ADDRESS=10.20.1.12",
        "CATTLE_INTERNAL_ADDRESS=10.20.1.12",
        "CATTLE_LABELS=cattle.io/os=linux,cluster-orchestrator.io/pool=server",
        "",
      ].join("\n"),
    });
    expect(file(server, RKE2_CONFIG_PATH)).toBeUndefined();
    const search = file(boot(custom, "cluster1-search1", v), RANCHER_AGENT_ENV_PATH)!.content;
    expect(search).toContain("CATTLE_ROLE_ETCD=false\n");
    expect(search).toContain("CATTLE_TAINTS=dedicated=search:NoSchedule\n");
    const insecure = boot(custom, "cluster1-server2", {
      ...v,
      nodeCommand: v.nodeCommand.replace("curl -fL", "curl --insecure -fL"),
    });
    expect(insecure.bootEnv.CO_RANCHER_INSECURE).toBe("true");
  });

  // Issue 14 finding 2: a node command Rancher would never emit is refused, not run.
  test.each([
    ["a command substitution", "curl -fL https://r/i.sh | sh -s - --server https://r --token $(id)"],
    ["a second command", "curl -fL https://r/i.sh | sh -s - --server https://r --token t; reboot"],
    ["an unknown option", "curl -fL https://r/i.sh | sh -s - --server https://r --token t --all-roles x"],
    ["plain http", "curl -fL http://r/i.sh | sh -s - --server https://r --token t"],
    ["no token", "curl -fL https://r/i.sh | sh -s - --server https://r"],
  ])("custom mode refuses a node command with %s", (_, command) => {
    expect(() => parseRancherNodeCommand(command)).toThrow(/Rancher's node command/);
  });

  test("custom mode: a label or taint with a line break cannot forge a second variable", () => {
    const n = { ...node(prod, "cluster1-worker1"), labels: { a: "x\nCATTLE_SERVER=https://evil" } };
    const command = parseRancherNodeCommand("curl -fL https://r/i.sh | sh -s - --server https://r --token t");
    expect(() => rancherAgentEnv(command, n)).toThrow(/line break/);
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

// Issue 9 finding 12: custom mode dropped every RKE2 setting silently.
describe("custom mode carries the RKE2 settings, or refuses the ones it cannot carry", () => {
  const problemsFor = (spec: typeof prod.spec) => {
    const problems: Problem[] = [];
    checkCustomMode({ ...spec, rancher: { ...spec.rancher, mode: "custom" } }, problems);
    return problems;
  };

  test("healthcare's CIS profile, Pod Security file and audit log reach Rancher's machine config", () => {
    const healthcare = loadStack("healthcare-prod", { rootDir: PROJECT_ROOT, profiles });
    const s = rke2Settings(healthcare.spec, healthcare.profile);
    expect(parse(customMachineGlobalConfig(s))).toMatchObject({
      profile: "cis",
      "pod-security-admission-config-file": POD_SECURITY_CONFIG_PATH,
      "audit-policy-file": AUDIT_POLICY_PATH,
      cni: "canal",
      "cluster-cidr": s.clusterCidr,
      "service-cidr": s.serviceCidr,
    });
    // ...and the files those keys name are still written on the servers.
    const custom = { ...healthcare.spec, rancher: { ...healthcare.spec.rancher, mode: "custom" as const } };
    const b = nodeBoot(custom, healthcare.plan, s, node(healthcare, "cluster3-server1"), {
      ...values,
      manifestUrl: null,
      nodeCommand: null,
    });
    expect(b.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([POD_SECURITY_CONFIG_PATH, AUDIT_POLICY_PATH]),
    );
    expect(problemsFor(healthcare.spec)).toEqual([]);
  });

  test.each([
    ["an install URL", { installUrl: "https://get.lab/rke2.sh" }, ["rke2", "installUrl"]],
    ["a registry mirror", { registryMirror: "https://m.lab" }, ["rke2", "registryMirror"]],
    ["an artifact mirror", { artifactUrl: "https://m.lab/rke2" }, ["rke2", "artifactUrl"]],
  ])("%s is refused in custom mode, naming its key", (_, rke2, path) => {
    const problems = problemsFor({ ...dev.spec, rke2: { ...dev.spec.rke2, ...rke2 } });
    expect(problems).toEqual([
      expect.objectContaining({
        path,
        message: expect.stringContaining("cannot be carried into Rancher's custom mode"),
      }),
    ]);
  });

  test("a plain custom-mode stack passes", () => {
    expect(problemsFor(dev.spec)).toEqual([]);
  });
});

// Issue 14 finding 5 and issue 9 finding 6: pure parts of the CA and node identity.
describe("cluster CA, secure tokens and node passwords", () => {
  test("the token hash is the sha256 of server-ca.crt exactly as written, and the token is K10<hash>::<user>:<pw>", () => {
    const material = caMaterial(
      CLUSTER_CAS.map((ca) => [`CERT ${ca.id}\n`, `KEY ${ca.id}\n`] as [string, string]),
      "SERVICE\n",
    );
    const serverCa = material.files.find((f) => f.path === `${RKE2_TLS_DIR}/server-ca.crt`)!;
    expect(material.serverCaHash).toBe(createHash("sha256").update(serverCa.content).digest("hex"));
    expect(secureToken(material.serverCaHash, "server", "pw")).toBe(`K10${material.serverCaHash}::server:pw`);
    expect(material.files.map((f) => f.path.replace(`${RKE2_TLS_DIR}/`, ""))).toEqual([
      "server-ca.crt",
      "server-ca.key",
      "client-ca.crt",
      "client-ca.key",
      "request-header-ca.crt",
      "request-header-ca.key",
      "etcd/peer-ca.crt",
      "etcd/peer-ca.key",
      "etcd/server-ca.crt",
      "etcd/server-ca.key",
      "service.key",
    ]);
    expect(material.files.every((f) => f.permissions === "0600")).toBe(true);
  });

  test("node passwords: stable per name, different per node, not the seed", () => {
    expect(nodePassword("seed", "cluster1-worker1")).toBe(nodePassword("seed", "cluster1-worker1"));
    expect(nodePassword("seed", "cluster1-worker1")).not.toBe(nodePassword("seed", "cluster1-worker2"));
    expect(nodePassword("seed", "cluster1-worker1")).not.toBe(nodePassword("other", "cluster1-worker1"));
    expect(nodePassword("seed", "cluster1-worker1")).toMatch(/^[0-9a-f]{64}$/);
  });
});

// Issue 14 finding 6: node installs trusted plain http.
describe("downloads at node boot: https and pinned checksums", () => {
  test.each([
    ["installUrl", { installUrl: "http://get.lab/install.sh" }],
    ["artifactUrl", { artifactUrl: "http://files.lab/rke2" }],
    ["registryMirror", { registryMirror: "http://mirror.lab:5000" }],
  ])("plain http in rke2.%s is refused unless rke2.allowInsecureHttp", (_, rke2) => {
    const refused = baseSpec((input) => Object.assign(input.rke2 as object, rke2));
    expect(() => planCluster("legal-ai-dev", refused)).toThrow(
      new RegExp(`is plain http: nodes would install what anyone on the path sends`),
    );
    const allowed = baseSpec((input) =>
      Object.assign(input.rke2 as object, rke2, { allowInsecureHttp: true }),
    );
    expect(() => planCluster("legal-ai-dev", allowed)).not.toThrow();
    const b = nodeBoot(
      allowed,
      dev.plan,
      rke2Settings(allowed, dev.profile),
      node(dev, "cluster1-server1"),
      values,
    );
    expect(b.bootEnv.CO_ALLOW_INSECURE_HTTP).toBe("true");
  });

  test("pinned checksums reach the node; a pinned release without a mirror comes from RKE2's GitHub release", () => {
    const sums = { installer: "a".repeat(64), releases: { "v1.34.2+rke2r1": "b".repeat(64) } };
    const spec = { ...dev.spec, rke2: { ...dev.spec.rke2, checksums: sums } };
    const env = nodeBoot(
      spec,
      dev.plan,
      rke2Settings(spec, dev.profile),
      node(dev, "cluster1-server1"),
      values,
    ).bootEnv;
    expect(env).toMatchObject({
      CO_RKE2_INSTALLER_SHA256: "a".repeat(64),
      CO_RKE2_RELEASE_SHA256: "b".repeat(64),
      CO_RKE2_ARTIFACT_URL: "https://github.com/rancher/rke2/releases/download/v1.34.2%2Brke2r1",
    });
    // No pin for the version being installed: nothing claimed.
    const other = nodeBoot(spec, dev.plan, rke2Settings(spec, dev.profile), node(dev, "cluster1-server1"), {
      ...values,
      installVersion: "v1.35.0+rke2r1",
    }).bootEnv;
    expect(other.CO_RKE2_RELEASE_SHA256).toBeUndefined();
    expect(other.CO_RKE2_ARTIFACT_URL).toBeUndefined();
  });
});
