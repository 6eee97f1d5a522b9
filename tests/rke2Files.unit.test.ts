/**
 * The content of the security-relevant files a node gets, asserted item by item against what the
 * consuming system expects (sources cited per test), parsed rather than substring-matched.
 */
import { createHash, createHmac } from "crypto";
import { parse } from "yaml";
import { planCluster } from "../components/plan/clusterPlan";
import { KUBE_VIP_MANIFEST_PATH, kubeVipManifest } from "../components/rke2/kubeVip";
import { nodePassword } from "../components/rke2/nodePassword";
import { CLUSTER_EXEMPT, podSecurityConfig, RKE2_DEFAULT_EXEMPT } from "../components/rke2/podSecurity";
import { caHash, caMaterial, CLUSTER_CAS, RKE2_TLS_DIR, secureToken } from "../components/rke2/clusterCa";
import { CIS_SYSCTL_PATH, nodeBoot, type BootValues } from "../components/rke2/nodeBoot";
import { AUDIT_POLICY_PATH, type Rke2Settings } from "../components/rke2/roleConfig";
import { baseSpec } from "./helpers/fixtures";

const values: BootValues = {
  tokens: { server: "S", agent: "A" },
  installVersion: "v1.34.2+rke2r1",
  manifestUrl: null,
  nodeCommand: null,
  nodePassword: "pw",
  caFiles: [],
};
const hardened: Rke2Settings = {
  cni: "canal",
  clusterCidr: "100.64.0.0/16",
  serviceCidr: "100.65.0.0/16",
  cisProfile: true,
  etcdSnapshotSchedule: "0 */6 * * *",
  etcdSnapshotRetention: 28,
  systemDefaultRegistry: null,
  auditLog: true,
};
function serverFile(path: string): string {
  const spec = baseSpec();
  const plan = planCluster("legal-ai-dev", spec);
  const server = plan.nodes.find((n) => n.bootstrap)!;
  const file = nodeBoot(spec, plan, hardened, server, values).files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`${path} not delivered`);
  return file.content;
}

/**
 * Kubernetes' audit policy semantics (kubernetes.io/docs/reference/config-api/apiserver-audit.v1,
 * Policy and PolicyRule): rules are checked in order and the FIRST match sets the level; a rule
 * with nonResourceURLs matches only non-resource requests, a trailing `*` is a prefix wildcard;
 * a rule with resources matches only resource requests of that group ("" is the core group); a
 * rule with neither matches everything. Written here independently of our policy.
 */
interface Rule {
  level: string;
  nonResourceURLs?: string[];
  resources?: { group: string; resources: string[] }[];
}
type Request = { path: string } | { group: string; resource: string };
function levelFor(rules: Rule[], request: Request): string | undefined {
  for (const rule of rules) {
    if ("path" in request) {
      if (rule.resources !== undefined) continue;
      if (
        rule.nonResourceURLs !== undefined &&
        !rule.nonResourceURLs.some((u) =>
          u.endsWith("*") ? request.path.startsWith(u.slice(0, -1)) : request.path === u,
        )
      )
        continue;
    } else {
      if (rule.nonResourceURLs !== undefined) continue;
      if (
        rule.resources !== undefined &&
        !rule.resources.some((r) => r.group === request.group && r.resources.includes(request.resource))
      )
        continue;
    }
    return rule.level;
  }
  return undefined;
}

describe("audit policy (servers, audit log on)", () => {
  const policy = () => parse(serverFile(AUDIT_POLICY_PATH)) as { rules: Rule[] } & Record<string, unknown>;

  test("is an audit.k8s.io/v1 Policy that skips the RequestReceived stage", () => {
    const p = policy();
    expect(p.apiVersion).toBe("audit.k8s.io/v1");
    expect(p.kind).toBe("Policy");
    expect(p.omitStages).toEqual(["RequestReceived"]);
  });

  test.each([
    ["/healthz", "None"],
    ["/healthz/etcd", "None"],
    ["/livez", "None"],
    ["/livez/ping", "None"],
    ["/readyz", "None"],
    ["/readyz/shutdown", "None"],
    ["/version", "None"],
    // Only the exact /version path is noise; everything else non-resource is recorded.
    ["/version/x", "Metadata"],
    ["/metrics", "Metadata"],
    ["/api", "Metadata"],
    ["/openapi/v2", "Metadata"],
  ])("non-resource request %s is logged at %s", (path, level) => {
    expect(levelFor(policy().rules, { path })).toBe(level);
  });

  test.each([
    ["", "events", "None"],
    // Who read a secret is recorded, never its content (Metadata, not Request/RequestResponse).
    ["", "secrets", "Metadata"],
    ["", "configmaps", "Metadata"],
    ["", "pods", "Metadata"],
    ["rbac.authorization.k8s.io", "clusterrolebindings", "Metadata"],
    // events.k8s.io is another group: its events are not the core noise rule's.
    ["events.k8s.io", "events", "Metadata"],
  ])("resource request %s/%s is logged at %s", (group, resource, level) => {
    expect(levelFor(policy().rules, { group, resource })).toBe(level);
  });

  test("no rule records request or response bodies, and every request gets a level", () => {
    const rules = policy().rules;
    for (const rule of rules) expect(["None", "Metadata"]).toContain(rule.level);
    // The catch-all must be last: anything after it would never match.
    expect(rules.at(-1)).toEqual({ level: "Metadata" });
    expect(rules.filter((r) => r.nonResourceURLs === undefined && r.resources === undefined)).toHaveLength(1);
  });
});

describe("CIS kernel settings", () => {
  // The values RKE2's CIS profile requires (docs.rke2.io, security/hardening_guide, kernel
  // parameters) and kubelet's protect-kernel-defaults checks (kubernetes pkg/util/sysctl:
  // VmPanicOnOOMInvokeOOMKiller 0, VmOvercommitMemoryAlways 1, KernelPanicRebootTimeout 10,
  // KernelPanicOnOopsAlways 1).
  test("exactly the four sysctls, one per line, newline-terminated", () => {
    const content = serverFile(CIS_SYSCTL_PATH);
    expect(content.endsWith("\n")).toBe(true);
    const lines = content.split("\n").filter((l) => l.length > 0);
    const entries = lines.map((l) => l.split("="));
    expect(Object.fromEntries(entries)).toEqual({
      "vm.panic_on_oom": "0",
      "vm.overcommit_memory": "1",
      "kernel.panic": "10",
      "kernel.panic_on_oops": "1",
    });
    expect(lines).toHaveLength(4);
  });
});

describe("Pod Security admission config (CIS servers)", () => {
  test("restricted everywhere, at the latest version, in enforce, audit and warn", () => {
    const config = parse(podSecurityConfig());
    expect(config.apiVersion).toBe("apiserver.config.k8s.io/v1");
    expect(config.kind).toBe("AdmissionConfiguration");
    expect(config.plugins).toHaveLength(1);
    const plugin = config.plugins[0];
    expect(plugin.name).toBe("PodSecurity");
    expect(plugin.configuration.apiVersion).toBe("pod-security.admission.config.k8s.io/v1");
    expect(plugin.configuration.kind).toBe("PodSecurityConfiguration");
    for (const mode of ["enforce", "audit", "warn"]) {
      expect(plugin.configuration.defaults[mode]).toBe("restricted");
      expect(plugin.configuration.defaults[`${mode}-version`]).toBe("latest");
    }
    expect(Object.keys(plugin.configuration.defaults)).toHaveLength(6);
  });

  test("exempts exactly RKE2's namespaces plus Rancher's, Longhorn's and Calico's; no user, no runtime class", () => {
    const { exemptions } = parse(podSecurityConfig()).plugins[0].configuration;
    expect(exemptions.usernames).toEqual([]);
    expect(exemptions.runtimeClasses).toEqual([]);
    // RKE2's own list under profile: cis (docs.rke2.io, security/pod_security_standards).
    expect([...RKE2_DEFAULT_EXEMPT].sort()).toEqual([
      "cis-operator-system",
      "kube-system",
      "tigera-operator",
    ]);
    expect(exemptions.namespaces).toEqual(
      [
        "calico-apiserver",
        "calico-system",
        "cattle-fleet-system",
        "cattle-impersonation-system",
        "cattle-system",
        "cis-operator-system",
        "kube-system",
        "longhorn-system",
        "tigera-operator",
      ].sort(),
    );
    expect(new Set(exemptions.namespaces).size).toBe(RKE2_DEFAULT_EXEMPT.length + CLUSTER_EXEMPT.length);
  });
});

describe("kube-vip static pod", () => {
  // kube-vip's static-pod manifest for ARP mode with control-plane load balancing and leader
  // election (kube-vip.io/docs/installation/static, the `manifest pod --arp --controlplane
  // --leaderElection` output; env names from kube-vip pkg/kubevip/config_envvar.go).
  const pod = () => parse(kubeVipManifest("10.10.3.10", "ghcr.io/kube-vip/kube-vip:v0.8.9"));

  test("holds the VIP as a /32 on the node interface, API port 6443, leader election, no service LB", () => {
    const container = pod().spec.containers[0];
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env).toEqual({
      vip_arp: "true",
      port: "6443",
      vip_interface: "eth0",
      vip_cidr: "32",
      cp_enable: "true",
      cp_namespace: "kube-system",
      vip_leaderelection: "true",
      vip_leasename: "plndr-cp-lock",
      vip_leaseduration: "5",
      vip_renewdeadline: "3",
      vip_retryperiod: "1",
      svc_enable: "false",
      address: "10.10.3.10",
    });
    // Lease timing must hold: retry < renew deadline < lease duration.
    expect(Number(env.vip_retryperiod)).toBeLessThan(Number(env.vip_renewdeadline));
    expect(Number(env.vip_renewdeadline)).toBeLessThan(Number(env.vip_leaseduration));
  });

  test("a host-network pod in kube-system with only NET_ADMIN and NET_RAW, reading RKE2's admin kubeconfig", () => {
    const p = pod();
    expect(p).toMatchObject({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kube-vip", namespace: "kube-system", labels: { app: "kube-vip" } },
    });
    expect(p.spec.hostNetwork).toBe(true);
    expect(p.spec.containers).toHaveLength(1);
    const c = p.spec.containers[0];
    expect(c).toMatchObject({
      name: "kube-vip",
      image: "ghcr.io/kube-vip/kube-vip:v0.8.9",
      imagePullPolicy: "IfNotPresent",
      args: ["manager"],
    });
    expect(c.securityContext).toEqual({ capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] } });
    expect(c.volumeMounts).toEqual([
      { name: "kubeconfig", mountPath: "/etc/kubernetes/admin.conf", readOnly: true },
    ]);
    // type File: the pod waits for RKE2 to write the kubeconfig instead of mounting an empty dir.
    expect(p.spec.volumes).toEqual([
      { name: "kubeconfig", hostPath: { path: "/etc/rancher/rke2/rke2.yaml", type: "File" } },
    ]);
  });

  // RKE2 starts every manifest in agent/pod-manifests as a static pod (docs.rke2.io, advanced).
  test("is written to RKE2's static pod folder", () => {
    expect(KUBE_VIP_MANIFEST_PATH).toBe("/var/lib/rancher/rke2/agent/pod-manifests/kube-vip.yaml");
  });
});

describe("cluster CA material and node passwords", () => {
  test("caHash is sha256 hex of the bytes as written (known vector)", () => {
    // FIPS 180-2 test vector: sha256("abc").
    expect(caHash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(caHash("abc\n")).not.toBe(caHash("abc"));
  });

  test("secure tokens: K10 + hash, two colons, the user, a colon, the password", () => {
    expect(secureToken("ab12", "node", "p:w")).toBe("K10ab12::node:p:w");
    expect(secureToken("ab12", "server", "x")).toBe("K10ab12::server:x");
  });

  test("each CA's cert and key land side by side in RKE2's tls folder; the hash is the server CA's", () => {
    const pems = CLUSTER_CAS.map((ca) => [`C-${ca.id}`, `K-${ca.id}`] as [string, string]);
    const m = caMaterial(pems, "SVC");
    const byPath = Object.fromEntries(m.files.map((f) => [f.path, f.content]));
    expect(byPath).toEqual({
      [`${RKE2_TLS_DIR}/server-ca.crt`]: "C-server-ca",
      [`${RKE2_TLS_DIR}/server-ca.key`]: "K-server-ca",
      [`${RKE2_TLS_DIR}/client-ca.crt`]: "C-client-ca",
      [`${RKE2_TLS_DIR}/client-ca.key`]: "K-client-ca",
      [`${RKE2_TLS_DIR}/request-header-ca.crt`]: "C-request-header-ca",
      [`${RKE2_TLS_DIR}/request-header-ca.key`]: "K-request-header-ca",
      [`${RKE2_TLS_DIR}/etcd/peer-ca.crt`]: "C-etcd-peer-ca",
      [`${RKE2_TLS_DIR}/etcd/peer-ca.key`]: "K-etcd-peer-ca",
      [`${RKE2_TLS_DIR}/etcd/server-ca.crt`]: "C-etcd-server-ca",
      [`${RKE2_TLS_DIR}/etcd/server-ca.key`]: "K-etcd-server-ca",
      [`${RKE2_TLS_DIR}/service.key`]: "SVC",
    });
    expect(RKE2_TLS_DIR).toBe("/var/lib/rancher/rke2/server/tls");
    expect(m.serverCaHash).toBe(createHash("sha256").update("C-server-ca").digest("hex"));
  });

  test("missing PEMs give empty files, not a crash (the material is built once all are resolved)", () => {
    const m = caMaterial([], "SVC");
    expect(m.files.filter((f) => f.content === "")).toHaveLength(10);
    expect(m.serverCaHash).toBe(createHash("sha256").update("").digest("hex"));
  });

  test("the node password derivation never changes: HMAC-SHA256(seed, 'rke2-node-password:' + name)", () => {
    // RKE2 refuses a node whose password differs from the one first registered under its name
    // (docs.rke2.io, security/node_password): a changed derivation would lock every re-created VM out.
    const expected = createHmac("sha256", "s33d").update("rke2-node-password:cluster1-worker1").digest("hex");
    expect(nodePassword("s33d", "cluster1-worker1")).toBe(expected);
  });
});
