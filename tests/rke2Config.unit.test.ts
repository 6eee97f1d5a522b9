/**
 * RKE2 config.yaml per role and the cluster settings behind it: every key a role gets, every key
 * it must not get, both sides of each switch; and Rancher's node command parser (custom mode).
 */
import { parse } from "yaml";
import type { UseCaseProfile } from "../components/config/profile";
import { planCluster } from "../components/plan/clusterPlan";
import type { NodePlan } from "../components/plan/types";
import type { Problem } from "../components/plan/problems";
import { POD_SECURITY_CONFIG_PATH } from "../components/rke2/podSecurity";
import { parseRancherNodeCommand, rancherAgentEnv } from "../components/rke2/rancherAgent";
import {
  agentConfig,
  AUDIT_POLICY_PATH,
  registrationUrl,
  serverConfig,
  sharedServerSettings,
  type Rke2Settings,
} from "../components/rke2/roleConfig";
import { checkCustomMode, customMachineGlobalConfig, rke2Settings } from "../components/rke2/settings";
import { profiles } from "../stacks/profiles";
import { baseSpec, type RawInput } from "./helpers/fixtures";

const plain: Rke2Settings = {
  cni: "canal",
  clusterCidr: "100.64.0.0/16",
  serviceCidr: "100.65.0.0/16",
  cisProfile: false,
  etcdSnapshotSchedule: "0 */6 * * *",
  etcdSnapshotRetention: 28,
  systemDefaultRegistry: null,
  auditLog: false,
};
const TOKENS = { server: "SRV", agent: "AGT" };
const PLAIN_SHARED = {
  cni: "canal",
  "cluster-cidr": "100.64.0.0/16",
  "service-cidr": "100.65.0.0/16",
  "write-kubeconfig-mode": "0600",
  "etcd-snapshot-schedule-cron": "0 */6 * * *",
  "etcd-snapshot-retention": 28,
};

describe("settings every server shares", () => {
  test("without CIS, audit or registry: exactly the base keys", () => {
    expect(sharedServerSettings(plain)).toEqual(PLAIN_SHARED);
  });

  test("CIS adds the profile and our Pod Security file, nothing else", () => {
    expect(sharedServerSettings({ ...plain, cisProfile: true })).toEqual({
      ...PLAIN_SHARED,
      profile: "cis",
      "pod-security-admission-config-file": POD_SECURITY_CONFIG_PATH,
    });
  });

  test("the audit log adds the policy file and its retention flags, nothing else", () => {
    // kube-apiserver flags --audit-log-maxage (days), --audit-log-maxbackup, --audit-log-maxsize (MB)
    // (kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver).
    expect(sharedServerSettings({ ...plain, auditLog: true })).toEqual({
      ...PLAIN_SHARED,
      "audit-policy-file": AUDIT_POLICY_PATH,
      "kube-apiserver-arg": ["audit-log-maxage=30", "audit-log-maxbackup=10", "audit-log-maxsize=100"],
    });
  });

  test("a system default registry is set only when given", () => {
    expect(sharedServerSettings({ ...plain, systemDefaultRegistry: "reg.lab:5000" })).toEqual({
      ...PLAIN_SHARED,
      "system-default-registry": "reg.lab:5000",
    });
  });
});

describe("role configs", () => {
  const cluster = (modify?: (i: RawInput) => void) => planCluster("legal-ai-dev", baseSpec(modify));

  test("a joining server: exactly its keys, joining at the supervisor port", () => {
    const plan = cluster();
    const n = plan.nodes.find((x) => x.role === "server" && !x.bootstrap)!;
    const config = serverConfig(plan, n, plain, TOKENS);
    expect(config).toEqual({
      server: `https://${plan.network.registrationAddress}:9345`,
      token: "SRV",
      "agent-token": "AGT",
      "node-name": n.hostname,
      "node-ip": n.ip,
      // Several servers: the registration address is the VIP, listed once.
      "tls-san": [plan.network.vip, plan.network.apiFqdn, n.ip, n.fqdn],
      ...PLAIN_SHARED,
      "node-label": [`cluster-orchestrator.io/pool=${n.pool}`],
    });
    expect(plan.network.registrationAddress).toBe(plan.network.vip);
    expect(registrationUrl(plan)).toBe(`https://${plan.network.registrationAddress}:9345`);
  });

  test("tls-san lists each name once even where the registration address is the server itself", () => {
    const plan = cluster((i) => (i.pools.server.count = 1));
    const n = plan.nodes.find((x) => x.bootstrap)!;
    expect(plan.network.registrationAddress).toBe(n.ip);
    const san = serverConfig(plan, n, plain, TOKENS)["tls-san"] as string[];
    expect(san).toEqual([...new Set(san)]);
    expect([...san].sort()).toEqual([n.ip, plan.network.vip, plan.network.apiFqdn, n.fqdn].sort());
  });

  test("an agent: exactly its keys; never the server token, the CIS Pod Security file or the audit policy", () => {
    const plan = cluster();
    const n = plan.nodes.find((x) => x.role === "agent")!;
    const all = { ...plain, cisProfile: true, auditLog: true, systemDefaultRegistry: "r:5000" };
    expect(agentConfig(plan, n, all, "AGT")).toEqual({
      server: `https://${plan.network.registrationAddress}:9345`,
      token: "AGT",
      "node-name": n.hostname,
      "node-ip": n.ip,
      "node-label": [`cluster-orchestrator.io/pool=${n.pool}`],
      profile: "cis",
    });
    expect(agentConfig(plan, n, plain, "AGT").profile).toBeUndefined();
  });

  test("labels are the pool label then the pool's labels sorted by key; taints only when there are some", () => {
    const plan = cluster();
    const base = plan.nodes.find((x) => x.role === "agent")!;
    const n: NodePlan = { ...base, labels: { zeta: "1", alpha: "2", mid: "3" }, taints: [] };
    const config = agentConfig(plan, n, plain, "AGT");
    expect(config["node-label"]).toEqual([
      `cluster-orchestrator.io/pool=${n.pool}`,
      "alpha=2",
      "mid=3",
      "zeta=1",
    ]);
    expect("node-taint" in config).toBe(false);
    const tainted = agentConfig(plan, { ...n, taints: ["a=b:NoSchedule"] }, plain, "AGT");
    expect(tainted["node-taint"]).toEqual(["a=b:NoSchedule"]);
  });

  test("a DHCP node names itself but claims no node-ip", () => {
    const plan = cluster();
    const n: NodePlan = { ...plan.nodes.find((x) => x.role === "agent")!, ip: null };
    const config = agentConfig(plan, n, plain, "AGT");
    expect("node-ip" in config).toBe(false);
    expect(config["node-name"]).toBe(n.hostname);
  });

  test("a server without a static address is refused", () => {
    const plan = cluster();
    const n: NodePlan = { ...plan.nodes.find((x) => x.role === "server")!, ip: null };
    expect(() => serverConfig(plan, n, plain, TOKENS)).toThrow(`${n.hostname} is not a static server`);
  });
});

describe("cluster settings from the spec and the use case", () => {
  const profile = (cisProfile: boolean, auditLog: boolean): UseCaseProfile => ({
    ...profiles["legal-ai"]!,
    hardening: { ...profiles["legal-ai"]!.hardening, cisProfile, auditLog },
  });
  const spec = (rke2: RawInput = {}) => baseSpec((i) => Object.assign(i.rke2, rke2));

  test.each([
    [undefined, false, false],
    [undefined, true, true],
    ["cis", false, true],
    ["cis", true, true],
    ["none", false, false],
    ["none", true, false],
  ])("rke2.profile %s with the use case's cisProfile %s: CIS %s", (setting, fromUseCase, expected) => {
    const s = rke2Settings(
      spec(setting === undefined ? {} : { profile: setting }),
      profile(fromUseCase, false),
    );
    expect(s.cisProfile).toBe(expected);
  });

  test("every setting is taken from the spec, the audit log from the use case", () => {
    const s = rke2Settings(
      spec({
        cni: "cilium",
        etcdSnapshotSchedule: "15 3 * * *",
        etcdSnapshotRetention: 7,
        systemDefaultRegistry: "reg.lab:5000",
      }),
      profile(false, true),
    );
    expect(s).toEqual({
      cni: "cilium",
      clusterCidr: "100.64.0.0/16",
      serviceCidr: "100.65.0.0/16",
      cisProfile: false,
      etcdSnapshotSchedule: "15 3 * * *",
      etcdSnapshotRetention: 7,
      systemDefaultRegistry: "reg.lab:5000",
      auditLog: true,
    });
    expect(rke2Settings(spec(), profile(false, false))).toMatchObject({
      systemDefaultRegistry: null,
      auditLog: false,
    });
  });

  test("custom mode's machine config is exactly the shared server settings", () => {
    const s = { ...plain, cisProfile: true, auditLog: true };
    expect(parse(customMachineGlobalConfig(s))).toEqual(sharedServerSettings(s));
  });
});

describe("custom mode refuses what Rancher's agent would drop, all at once", () => {
  const problems = (mode: string, rke2: RawInput) => {
    const found: Problem[] = [];
    checkCustomMode(
      baseSpec((i) => {
        i.rancher = { mode };
        Object.assign(i.rke2, rke2);
      }),
      found,
    );
    return found;
  };
  const everything = {
    installUrl: "https://get.lab/rke2.sh",
    artifactUrl: "https://m.lab/rke2",
    registryMirror: "https://m.lab",
  };

  test("all three refused together, each naming its key", () => {
    const found = problems("custom", everything);
    expect(found.map((p) => p.path)).toEqual([
      ["rke2", "installUrl"],
      ["rke2", "artifactUrl"],
      ["rke2", "registryMirror"],
    ]);
    for (const p of found) expect(p.message).toContain(`rke2.${p.path[1]} cannot be carried`);
  });

  test.each(["import", "none"])("mode %s accepts them", (mode) => {
    expect(problems(mode, everything)).toEqual([]);
  });

  test("the default install URL, given explicitly, is accepted", () => {
    expect(problems("custom", { installUrl: "https://get.rke2.io" })).toEqual([]);
  });
});

describe("Rancher's node command (custom mode)", () => {
  const RANCHER =
    "curl -fL https://r.lab/system-agent-install.sh | sh -s - --server https://r.lab --label 'cattle.io/os=linux' --token tok:en --ca-checksum 0fa9";

  test("takes apart the command Rancher renders", () => {
    expect(parseRancherNodeCommand(RANCHER)).toEqual({
      installUrl: "https://r.lab/system-agent-install.sh",
      insecure: false,
      server: "https://r.lab",
      token: "tok:en",
      caChecksum: "0fa9",
      labels: ["cattle.io/os=linux"],
    });
  });

  test.each([
    [
      "sudo on both sides and extra spaces",
      `  sudo curl -fL https://r.lab/i.sh  |  sudo sh -s - --server https://r.lab --token t  `,
    ],
    ["options in another order", "curl -fL https://r.lab/i.sh | sh -s - --token t --server https://r.lab"],
  ])("accepts %s", (_, command) => {
    expect(parseRancherNodeCommand(command)).toMatchObject({
      installUrl: expect.stringMatching(/^https:\/\/r\.lab\/i\.sh$/),
      server: "https://r.lab",
      token: "t",
      caChecksum: null,
      labels: [],
      insecure: false,
    });
  });

  test("every character a token, checksum or label may hold passes through unchanged", () => {
    const value = "Ab9_c~d@e+f,g-h.i:j/k=l";
    const c = parseRancherNodeCommand(
      `curl -fL https://r/i.sh|sh -s - --server https://r --token ${value} --label '${value}'`,
    );
    expect(c.token).toBe(value);
    expect(c.labels).toEqual([value]);
  });

  test.each(["'", '"', "`", "$", "\\", ";", "&", "|"])(
    "an install URL holding %s is refused before anything runs",
    (char) => {
      expect(() =>
        parseRancherNodeCommand(`curl -fL https://r/i${char}x.sh | sh -s - --server https://r --token t`),
      ).toThrow("unexpected shape");
    },
  );

  test("runs of whitespace between any two words are one separator", () => {
    const c = parseRancherNodeCommand(
      "sudo  curl  --insecure  -fL  https://r/i.sh  |  sudo  sh  -s  -  --server  https://r  --token  t  --label  a=1",
    );
    expect(c).toEqual({
      installUrl: "https://r/i.sh",
      insecure: true,
      server: "https://r",
      token: "t",
      caChecksum: null,
      labels: ["a=1"],
    });
  });

  test("curl --insecure is recognised; two labels are both kept", () => {
    const c = parseRancherNodeCommand(
      "curl --insecure -fL https://r/i.sh | sh -s - --server https://r --token t --label a=1 --label 'b=2'",
    );
    expect(c.insecure).toBe(true);
    expect(c.labels).toEqual(["a=1", "b=2"]);
  });

  test.each([
    [
      "a prefix before curl",
      "x; curl -fL https://r/i.sh | sh -s - --server https://r --token t",
      "unexpected shape",
    ],
    [
      "a suffix after the options",
      "curl -fL https://r/i.sh | sh -s - --server https://r --token t | bash",
      "unknown option |",
    ],
    ["no pipe", "curl -fL https://r/i.sh sh -s - --server https://r --token t", "unexpected shape"],
    [
      "a quote in the URL",
      "curl -fL https://r/i'.sh | sh -s - --server https://r --token t",
      "unexpected shape",
    ],
    [
      "a flag without a value",
      "curl -fL https://r/i.sh | sh -s - --server https://r --token",
      "--token has no value",
    ],
    ["no server", "curl -fL https://r/i.sh | sh -s - --token t", "no --server or no --token"],
    [
      "a half-quoted label",
      "curl -fL https://r/i.sh | sh -s - --server https://r --token t --label 'a=1",
      "unexpected characters after --label",
    ],
    [
      "a dollar sign",
      "curl -fL https://r/i.sh | sh -s - --server https://r --token $t",
      "unexpected characters after --token",
    ],
    [
      "a backtick",
      "curl -fL https://r/i.sh | sh -s - --server https://r --token `t`",
      "unexpected characters after --token",
    ],
    [
      "an ampersand",
      "curl -fL https://r/i.sh | sh -s - --server https://r --token t&",
      "unexpected characters after --token",
    ],
  ])("refuses %s", (_, command, message) => {
    expect(() => parseRancherNodeCommand(command)).toThrow(message);
  });

  test("CATTLE_* lines: agent roles, no CA line without a checksum, no address for a DHCP node, no taints line without taints", () => {
    const plan = planCluster("legal-ai-dev", baseSpec());
    const agent: NodePlan = {
      ...plan.nodes.find((n) => n.role === "agent")!,
      ip: null,
      labels: { b: "2", a: "1" },
      taints: [],
    };
    const command = parseRancherNodeCommand("curl -fL https://r/i.sh | sh -s - --server https://r --token t");
    expect(rancherAgentEnv(command, agent).split("\n")).toEqual([
      "CATTLE_SERVER=https://r",
      "CATTLE_TOKEN=t",
      "CATTLE_ROLE_ETCD=false",
      "CATTLE_ROLE_CONTROLPLANE=false",
      "CATTLE_ROLE_WORKER=true",
      `CATTLE_NODE_NAME=${agent.hostname}`,
      `CATTLE_LABELS=cluster-orchestrator.io/pool=${agent.pool},a=1,b=2`,
      "",
    ]);
  });

  test.each([
    ["a carriage return", "x\rCATTLE_SERVER=https://evil"],
    ["a NUL", "x\0y"],
  ])("a label value with %s is refused", (_, value) => {
    const plan = planCluster("legal-ai-dev", baseSpec());
    const n = { ...plan.nodes[0]!, labels: { a: value } };
    const command = parseRancherNodeCommand("curl -fL https://r/i.sh | sh -s - --server https://r --token t");
    expect(() => rancherAgentEnv(command, n)).toThrow(`${n.hostname}: CATTLE_LABELS holds a line break`);
  });
});
