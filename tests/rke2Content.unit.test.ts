/**
 * What each node gets and what it must NOT get, for every role / CIS / audit / Rancher mode / server
 * count combination (issue 15: the boot content was only ever checked for presence). Files,
 * config.yaml keys and node.env entries are compared as whole sets, parsed, never substring-matched.
 */
import { parse } from "yaml";
import { planCluster } from "../components/plan/clusterPlan";
import type { ClusterPlan, NodePlan } from "../components/plan/types";
import { KUBE_VIP_MANIFEST_PATH } from "../components/rke2/kubeVip";
import { NODE_PASSWORD_PATH } from "../components/rke2/nodePassword";
import { POD_SECURITY_CONFIG_PATH } from "../components/rke2/podSecurity";
import {
  BOOTSTRAP_SCRIPT_PATH,
  CIS_SYSCTL_PATH,
  MANIFEST_URL_PATH,
  nodeBoot,
  RANCHER_AGENT_ENV_PATH,
  REGISTRIES_PATH,
  RKE2_CONFIG_PATH,
  type BootValues,
} from "../components/rke2/nodeBoot";
import { AUDIT_POLICY_PATH, type Rke2Settings } from "../components/rke2/roleConfig";
import type { ClusterSpec } from "../components/config/schema";
import { baseSpec, type RawInput } from "./helpers/fixtures";

const CA_FILE = {
  path: "/var/lib/rancher/rke2/server/tls/server-ca.crt",
  content: "CA",
  permissions: "0600",
};
const NODE_COMMAND =
  "curl -fL https://r.lab/system-agent-install.sh | sh -s - --server https://r.lab --token X7tok";
const values: BootValues = {
  tokens: { server: "SRV-TOKEN", agent: "AGT-TOKEN" },
  installVersion: "v1.34.2+rke2r1",
  manifestUrl: "https://r.lab/v3/import/x.yaml",
  nodeCommand: NODE_COMMAND,
  nodePassword: "n0de-pw",
  caFiles: [CA_FILE],
};
const settings = (cisProfile: boolean, auditLog: boolean): Rke2Settings => ({
  cni: "canal",
  clusterCidr: "100.64.0.0/16",
  serviceCidr: "100.65.0.0/16",
  cisProfile,
  etcdSnapshotSchedule: "0 */6 * * *",
  etcdSnapshotRetention: 28,
  systemDefaultRegistry: null,
  auditLog,
});

type Mode = "import" | "custom" | "none";
function cluster(servers: number, mode: Mode, modify?: (input: RawInput) => void) {
  const spec: ClusterSpec = baseSpec((input) => {
    input.pools.server.count = servers;
    input.rancher = { mode };
    modify?.(input);
  });
  return { spec, plan: planCluster("legal-ai-dev", spec) };
}
const byRole = (plan: ClusterPlan) => ({
  bootstrap: plan.nodes.find((n) => n.bootstrap)!,
  joining: plan.nodes.find((n) => n.role === "server" && !n.bootstrap),
  agent: plan.nodes.find((n) => n.role === "agent")!,
});
const paths = (files: { path: string }[]) => files.map((f) => f.path).sort();

/**
 * The delivery rules as the docs state them (docs/rke2.md): written out here per fact, not derived
 * from nodeBoot's code.
 */
function expectedFiles(
  kind: "bootstrap" | "joining" | "agent",
  mode: Mode,
  cis: boolean,
  audit: boolean,
  servers: number,
) {
  const server = kind !== "agent";
  return [
    BOOTSTRAP_SCRIPT_PATH,
    NODE_PASSWORD_PATH,
    ...(mode === "import" && kind === "bootstrap" ? [MANIFEST_URL_PATH] : []),
    ...(mode === "custom" ? [RANCHER_AGENT_ENV_PATH] : []),
    // Rancher's system agent writes config.yaml and handles the CA in custom mode.
    ...(mode !== "custom" ? [RKE2_CONFIG_PATH] : []),
    ...(mode !== "custom" && server ? [CA_FILE.path] : []),
    ...(server && servers > 1 ? [KUBE_VIP_MANIFEST_PATH] : []),
    ...(server && audit ? [AUDIT_POLICY_PATH] : []),
    ...(server && cis ? [POD_SECURITY_CONFIG_PATH] : []),
    ...(cis ? [CIS_SYSCTL_PATH] : []),
  ].sort();
}

const MODES: Mode[] = ["import", "custom", "none"];
const combos = MODES.flatMap((mode) =>
  [1, 3].flatMap((servers) =>
    [false, true].flatMap((cis) => [false, true].map((audit) => ({ mode, servers, cis, audit }))),
  ),
);

describe("each node gets exactly its files: nothing more, nothing less", () => {
  test.each(combos)(
    "mode $mode, $servers server(s), cis $cis, audit $audit",
    ({ mode, servers, cis, audit }) => {
      const { spec, plan } = cluster(servers, mode);
      const roles = byRole(plan);
      for (const kind of ["bootstrap", "joining", "agent"] as const) {
        const n = roles[kind];
        if (n === undefined) continue; // one server: no joining server
        const b = nodeBoot(spec, plan, settings(cis, audit), n, values);
        expect({ kind, files: paths(b.files) }).toEqual({
          kind,
          files: expectedFiles(kind, mode, cis, audit, servers),
        });
        expect(b.bootEnv.CO_CIS_PROFILE).toBe(String(cis));
        expect(b.bootEnv.CO_RANCHER_MODE).toBe(mode);
        expect(b.bootEnv.CO_BOOTSTRAP).toBe(String(kind === "bootstrap"));
      }
    },
  );

  test("every file holding a secret or boot-time content is 0600; only the script is executable", () => {
    const { spec, plan } = cluster(3, "import", (i) => (i.rke2.registryMirror = "https://m.lab"));
    for (const n of plan.nodes) {
      for (const f of nodeBoot(spec, plan, settings(true, true), n, values).files) {
        const expected =
          f.path === BOOTSTRAP_SCRIPT_PATH ? "0755" : f.path === CIS_SYSCTL_PATH ? "0644" : "0600";
        expect({ path: f.path, permissions: f.permissions }).toEqual({ path: f.path, permissions: expected });
      }
    }
  });
});

describe("node.env: exactly the variables the boot script decides with", () => {
  const BASE_KEYS = [
    "CO_BOOTSTRAP",
    "CO_CIS_PROFILE",
    "CO_OTHER_SERVERS",
    "CO_PREVIOUS_SERVER",
    "CO_RANCHER_MODE",
    "CO_REGISTRATION_ADDRESS",
    "CO_RKE2_INSTALL_URL",
    "CO_RKE2_VERSION",
  ];

  test("a plain import-mode node has only the base variables, and no secret reaches node.env", () => {
    const { spec, plan } = cluster(3, "import");
    for (const n of plan.nodes) {
      const env = nodeBoot(spec, plan, settings(false, false), n, values).bootEnv;
      expect(Object.keys(env).sort()).toEqual(BASE_KEYS);
      const all = JSON.stringify(env);
      for (const secret of ["SRV-TOKEN", "AGT-TOKEN", "n0de-pw", values.manifestUrl!, "X7tok"])
        expect(all).not.toContain(secret);
    }
  });

  test.each([
    ["the Rancher CA checksum", { caChecksum: "c".repeat(64) }, { CO_RANCHER_CA_CHECKSUM: "c".repeat(64) }],
    ["insecure Rancher TLS", { insecure: true }, { CO_RANCHER_INSECURE: "true" }],
  ])("%s reaches every node's environment", (_, rancher, extra) => {
    const { spec, plan } = cluster(3, "import", (i) => Object.assign(i.rancher, rancher));
    for (const n of plan.nodes) {
      const env = nodeBoot(spec, plan, settings(false, false), n, values).bootEnv;
      expect(Object.keys(env).sort()).toEqual([...BASE_KEYS, ...Object.keys(extra)].sort());
      expect(env).toMatchObject(extra);
    }
  });

  test("insecure http is flagged only when allowed; an artifact mirror gets one folder per version", () => {
    const { spec, plan } = cluster(1, "import", (i) =>
      Object.assign(i.rke2, { artifactUrl: "http://files.lab/rke2//", allowInsecureHttp: true }),
    );
    const env = nodeBoot(spec, plan, settings(false, false), plan.nodes[0]!, values).bootEnv;
    expect(env.CO_ALLOW_INSECURE_HTTP).toBe("true");
    expect(env.CO_RKE2_ARTIFACT_URL).toBe("http://files.lab/rke2/v1.34.2+rke2r1");
    const plain = cluster(1, "import");
    const none = nodeBoot(
      plain.spec,
      plain.plan,
      settings(false, false),
      plain.plan.nodes[0]!,
      values,
    ).bootEnv;
    expect(none.CO_ALLOW_INSECURE_HTTP).toBeUndefined();
    expect(none.CO_RKE2_ARTIFACT_URL).toBeUndefined();
    expect(none.CO_RKE2_INSTALL_URL).toBe(plain.spec.rke2.installUrl);
    expect(none.CO_RKE2_VERSION).toBe("v1.34.2+rke2r1");
  });

  test("a pinned release with an artifact mirror is fetched from the mirror, not GitHub", () => {
    const { spec, plan } = cluster(1, "import", (i) =>
      Object.assign(i.rke2, {
        artifactUrl: "https://files.lab/rke2",
        checksums: { releases: { "v1.34.2+rke2r1": "b".repeat(64) } },
      }),
    );
    const env = nodeBoot(spec, plan, settings(false, false), plan.nodes[0]!, values).bootEnv;
    expect(env.CO_RKE2_ARTIFACT_URL).toBe("https://files.lab/rke2/v1.34.2+rke2r1");
    expect(env.CO_RKE2_RELEASE_SHA256).toBe("b".repeat(64));
    expect(env.CO_RKE2_INSTALLER_SHA256).toBeUndefined();
  });

  test("servers join in order; the bootstrap server alone lists the other servers", () => {
    const { spec, plan } = cluster(3, "import");
    const servers = plan.nodes.filter((n) => n.role === "server").sort((a, b) => a.index - b.index);
    const env = (n: NodePlan) => nodeBoot(spec, plan, settings(false, false), n, values).bootEnv;
    expect(servers.map((s) => env(s).CO_PREVIOUS_SERVER)).toEqual(["", servers[0]!.ip, servers[1]!.ip]);
    expect(servers.map((s) => env(s).CO_OTHER_SERVERS)).toEqual([
      `${servers[1]!.ip} ${servers[2]!.ip}`,
      "",
      "",
    ]);
    for (const a of plan.nodes.filter((n) => n.role === "agent")) {
      expect(env(a)).toMatchObject({
        CO_PREVIOUS_SERVER: "",
        CO_OTHER_SERVERS: "",
        CO_REGISTRATION_ADDRESS: plan.network.registrationAddress,
      });
    }
  });
});

describe("Rancher's secrets per mode", () => {
  test.each([
    ["a space", "https://r.lab/x y"],
    ["a quote", 'https://r.lab/x"y'],
    ["a backslash", "https://r.lab/x\\y"],
    ["a trailing line break", "https://r.lab/x\n"],
    ["plain http", "http://r.lab/x"],
    ["a prefix", "curl https://r.lab/x"],
    ["nothing after the scheme", "https://"],
  ])("an import manifest URL with %s is refused", (_, manifestUrl) => {
    const { spec, plan } = cluster(1, "import");
    expect(() =>
      nodeBoot(spec, plan, settings(false, false), plan.nodes[0]!, { ...values, manifestUrl }),
    ).toThrow("Rancher's registration manifest URL is not a plain https URL");
  });

  test("no manifest file without a URL; the URL is never checked outside import mode's bootstrap server", () => {
    const imp = cluster(3, "import");
    const b = nodeBoot(imp.spec, imp.plan, settings(false, false), byRole(imp.plan).bootstrap, {
      ...values,
      manifestUrl: null,
    });
    expect(paths(b.files)).not.toContain(MANIFEST_URL_PATH);
    const joining = byRole(imp.plan).joining!;
    const bad = { ...values, manifestUrl: "not a url" };
    expect(() => nodeBoot(imp.spec, imp.plan, settings(false, false), joining, bad)).not.toThrow();
  });

  test("custom mode without a node command yet writes no agent file and no install URL", () => {
    const { spec, plan } = cluster(1, "custom");
    const b = nodeBoot(spec, plan, settings(false, false), plan.nodes[0]!, { ...values, nodeCommand: null });
    expect(paths(b.files)).toEqual([BOOTSTRAP_SCRIPT_PATH, NODE_PASSWORD_PATH].sort());
    expect(b.bootEnv.CO_RANCHER_AGENT_INSTALL_URL).toBeUndefined();
    expect(b.bootEnv.CO_RANCHER_INSECURE).toBeUndefined();
  });

  test("custom mode: the install URL is the only part of the node command in node.env", () => {
    const { spec, plan } = cluster(1, "custom");
    const b = nodeBoot(spec, plan, settings(false, false), plan.nodes[0]!, values);
    expect(b.bootEnv.CO_RANCHER_AGENT_INSTALL_URL).toBe("https://r.lab/system-agent-install.sh");
    expect(b.bootEnv.CO_RANCHER_INSECURE).toBeUndefined();
    expect(JSON.stringify(b.bootEnv)).not.toContain("X7tok");
    const agentEnv = b.files.find((f) => f.path === RANCHER_AGENT_ENV_PATH)!.content;
    expect(agentEnv.split("\n")).toContain("CATTLE_TOKEN=X7tok");
  });
});

describe("registry mirror", () => {
  test("every public registry RKE2 pulls from goes through the mirror, and nothing else is set", () => {
    const { spec, plan } = cluster(1, "import", (i) => (i.rke2.registryMirror = "https://m.lab:5000"));
    const f = nodeBoot(spec, plan, settings(false, false), plan.nodes[0]!, values).files.find(
      (x) => x.path === REGISTRIES_PATH,
    )!;
    // registries.yaml: mirrors.<registry>.endpoint (docs.rke2.io, install/private_registry).
    const endpoint = { endpoint: ["https://m.lab:5000"] };
    expect(parse(f.content)).toEqual({
      mirrors: {
        "docker.io": endpoint,
        "quay.io": endpoint,
        "ghcr.io": endpoint,
        "registry.k8s.io": endpoint,
      },
    });
  });
});
