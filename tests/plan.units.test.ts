/**
 * The planner's small modules on their own: MACs, host names and patterns, the DNS zone, the
 * people-facing summaries, the kubeconfig rewrite and the management charts' Kubernetes bound.
 * Expected values are written out by hand from the definitions cited.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dnsRecords, zoneFile } from "../components/plan/dns";
import {
  checkNodeKubeconfigAccess,
  FETCH_KUBECONFIG_COMMAND,
  kubeconfigSource,
  KubeconfigError,
  pointKubeconfigAt,
  RKE2_ADMIN_KUBECONFIG,
} from "../components/plan/kubeconfig";
import { dhcpMac, isLocalUnicast, staticMac } from "../components/plan/mac";
import { chartKubeProblem, MANAGEMENT_CHARTS } from "../components/plan/managementCharts";
import {
  checkHostnamePattern,
  clusterZone,
  hostname,
  isRfc1123Label,
  networkName,
} from "../components/plan/naming";
import { PlanProblems, type Problem } from "../components/plan/problems";
import { networkSummary, nodeSummary } from "../components/plan/summary";
import type { NodePlan } from "../components/plan/types";
import { planCluster } from "../components/plan/clusterPlan";
import { baseSpec } from "./helpers/fixtures";

describe("MACs", () => {
  test("static: 02:00 then the four bytes of the address", () => {
    expect(staticMac("10.10.3.11")).toBe("02:00:0a:0a:03:0b");
    expect(staticMac("255.0.128.1")).toBe("02:00:ff:00:80:01");
  });

  test("DHCP: 06, the slot, then the four bytes of network + index", () => {
    // 10.10.3.0 + 300 = 10.10.4.44
    expect(dhcpMac(0x0a0a0300, 5, 300)).toBe("06:05:0a:0a:04:2c");
    expect(dhcpMac(0xfffffff0, 15, 15)).toBe("06:0f:ff:ff:ff:ff");
  });

  // IEEE 802: first octet bit 0 (I/G) 0 = unicast, bit 1 (U/L) 1 = locally administered.
  test.each([
    ["02:00:00:00:00:00", true],
    ["06:00:00:00:00:00", true],
    ["fe:00:00:00:00:00", true],
    ["00:00:00:00:00:00", false], // universally administered
    ["03:00:00:00:00:00", false], // multicast
    ["01:00:00:00:00:00", false],
    ["ff:ff:ff:ff:ff:ff", false], // broadcast
  ])("%s locally administered unicast: %s", (mac, expected) => {
    expect(isLocalUnicast(mac)).toBe(expected);
  });
});

describe("host names", () => {
  // RFC 1123 §2.1: letters, digits and '-', not starting or ending with '-', at most 63 (lower case here).
  test.each([
    ["a", true],
    ["0", true],
    ["cluster3-worker1", true],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    ["", false],
    ["-a", false],
    ["a-", false],
    ["A", false],
    ["a_b", false],
    ["a.b", false],
  ])("%p is an RFC 1123 label: %s", (label, expected) => {
    expect(isRfc1123Label(label)).toBe(expected);
  });

  test("the pattern's tokens are replaced by their values", () => {
    expect(
      hostname("{usecase}-{env}-c{cluster}-{pool}{index}", {
        cluster: 3,
        pool: "gpu",
        index: 12,
        usecase: "legal-ai",
        env: "dev",
      }),
    ).toBe("legal-ai-dev-c3-gpu12");
  });

  test.each<[string, Problem[], boolean]>([
    ["cluster{cluster}-{pool}{index}", [], true],
    ["{pool}{index}", [], true],
    [
      "{pool}-{idx}-{x}",
      [
        {
          path: ["cluster", "hostnamePattern"],
          message: "unknown token(s) {idx}, {x}; use {cluster}, {pool}, {index}, {usecase}, {env}",
        },
      ],
      false,
    ],
    [
      "c{cluster}-{index}",
      [
        {
          path: ["cluster", "hostnamePattern"],
          message: "must contain {pool} and {index} so every node gets its own name",
        },
      ],
      false,
    ],
    [
      "c{cluster}-{pool}",
      [
        {
          path: ["cluster", "hostnamePattern"],
          message: "must contain {pool} and {index} so every node gets its own name",
        },
      ],
      false,
    ],
  ])("pattern %p", (pattern, problems, ok) => {
    const found: Problem[] = [];
    expect(checkHostnamePattern(pattern, found)).toBe(ok);
    expect(found).toEqual(problems);
  });

  test("zone and XO network names", () => {
    expect(clusterZone("legal-ai", "dev", "lab.example.net")).toBe("legal-ai.dev.lab.example.net");
    expect(networkName("legal-ai-dev", 103)).toBe("legal-ai-dev-vlan103");
  });
});

describe("DNS", () => {
  const node = (fqdn: string, ip: string | null) => ({ fqdn, ip }) as NodePlan;

  test("api first, then one A record per static node; DHCP nodes get none", () => {
    expect(
      dnsRecords("z.example", "10.0.0.10", [node("a.z.example", "10.0.0.11"), node("b.z.example", null)]),
    ).toEqual([
      { name: "api.z.example", type: "A", value: "10.0.0.10" },
      { name: "a.z.example", type: "A", value: "10.0.0.11" },
    ]);
  });

  test("zone fragment: relative names padded to the longest, the apex as @, TTL 300 unless given", () => {
    const records = [
      { name: "z.example", type: "A" as const, value: "10.0.0.1" },
      { name: "server1.z.example", type: "A" as const, value: "10.0.0.11" },
    ];
    expect(zoneFile("z.example", records)).toBe(
      [
        "; cluster-orchestrator: records for z.example",
        "$ORIGIN z.example.",
        "@        300  IN  A  10.0.0.1",
        "server1  300  IN  A  10.0.0.11",
        "",
      ].join("\n"),
    );
    expect(zoneFile("z.example", records.slice(1), 60)).toContain("server1  60  IN  A  10.0.0.11");
  });
});

describe("summaries show only what people need", () => {
  // A function, not a value: planning inside describe() would make every planner mutant static.
  const plan = () => planCluster("legal-ai-dev", baseSpec());

  test("network: VLAN, CIDR, gateway, VIP, registration address, API name, DHCP range; no blocks or resolvers", () => {
    expect(networkSummary(plan().network)).toEqual({
      vlan: 103,
      cidr: "10.10.3.0/24",
      gateway: "10.10.3.1",
      vip: "10.10.3.10",
      registrationAddress: "10.10.3.10",
      apiFqdn: "api.legal-ai.dev.lab.example.net",
      dhcpRange: { first: "10.10.3.180", last: "10.10.3.254" },
    });
  });

  test("node: names, pool, role, address and MAC; no sizes, labels or taints", () => {
    expect(nodeSummary(plan().nodes[0]!)).toEqual({
      hostname: "cluster3-server1",
      fqdn: "cluster3-server1.legal-ai.dev.lab.example.net",
      pool: "server",
      role: "server",
      ip: "10.10.3.11",
      mac: "02:00:0a:0a:03:0b",
    });
  });
});

describe("kubeconfig from the node", () => {
  const kubeconfig = (clusters: string) =>
    `apiVersion: v1\nclusters:\n${clusters}\nusers:\n- name: default\n  user:\n    client-key-data: c2VjcmV0\n`;
  const entry = (name: string) =>
    `- name: ${name}\n  cluster:\n    certificate-authority-data: Q0E=\n    server: https://127.0.0.1:6443`;

  test("every cluster entry points at the address; an IPv6 address is bracketed", () => {
    const text = pointKubeconfigAt(kubeconfig(`${entry("a")}\n${entry("b")}`), "10.0.0.10");
    expect(text.match(/server: https:\/\/10\.0\.0\.10:6443/g)).toHaveLength(2);
    expect(text).not.toContain("127.0.0.1");
    expect(text).toContain("certificate-authority-data: Q0E=");
    expect(pointKubeconfigAt(kubeconfig(entry("a")), "fd00::10")).toContain(
      "server: https://[fd00::10]:6443",
    );
  });

  test.each([
    ["not YAML", "clusters: [\nclient-key-data: c2VjcmV0", "the node's kubeconfig is not valid YAML"],
    [
      "no clusters key",
      "users: []\nclient-key-data: c2VjcmV0\n",
      "the node's kubeconfig has no clusters entry",
    ],
    ["an empty clusters list", "clusters: []\nclient-key-data: c2VjcmV0\n", "has no clusters entry"],
    ["clusters not a list", "clusters: {a: 1}\nclient-key-data: c2VjcmV0\n", "has no clusters entry"],
    [
      "an entry without cluster",
      kubeconfig("- name: a"),
      "a clusters entry of the node's kubeconfig has no cluster",
    ],
    ["an entry not a map", kubeconfig("- just-a-string"), "has no cluster"],
  ])("%s: refused without echoing the text (it holds the admin key)", (_, text, message) => {
    let error: unknown;
    try {
      pointKubeconfigAt(text, "10.0.0.1");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubeconfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("c2VjcmV0");
  });

  test.each<[string | undefined, string, string]>([
    [undefined, "none", "node"],
    [undefined, "import", "rancher"],
    ["rancher", "none", "rancher"],
    ["node", "import", "node"],
  ])("source %p with rancher mode %s → %s", (source, mode, expected) => {
    expect(
      kubeconfigSource({
        kubeconfig: { source: source as "node" | undefined },
        rancher: { mode: mode as "none" },
      }),
    ).toBe(expected);
  });

  test.each<[string | undefined, string, unknown, boolean]>([
    [undefined, "none", "all", false],
    [undefined, "none", "none", true],
    ["node", "import", ["/usr/bin/true"], true],
    ["rancher", "none", "none", false],
    [undefined, "import", "none", false],
  ])("source %p, mode %s, adminSudo %j → refused %s", (source, mode, adminSudo, refused) => {
    const problems: Problem[] = [];
    checkNodeKubeconfigAccess(
      {
        kubeconfig: { source: source as "node" | undefined },
        rancher: { mode: mode as "none" },
        nodes: { adminSudo } as never,
      },
      problems,
    );
    expect(problems).toEqual(
      refused
        ? [
            {
              path: ["nodes", "adminSudo"],
              message: expect.stringContaining(`not ${JSON.stringify(adminSudo)}`),
            },
          ]
        : [],
    );
  });

  /**
   * The remote command under sh, with sudo, kubectl and sleep stubbed: RKE2's paths are swapped for
   * temp ones (the command's words are otherwise run as written).
   */
  function runFetch(readyAfter: number): { status: number; stdout: string; stderr: string; sleeps: number } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fetch-kubeconfig-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const stub = (name: string, body: string) =>
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    stub("sudo", 'exec "$@"');
    stub("sleep", `echo x >> ${dir}/sleeps`);
    stub(
      "kubectl",
      `n=$(cat ${dir}/calls 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${dir}/calls; [ "$3 $4 $5" = "get --raw /readyz" ] && [ $n -ge ${readyAfter} ]`,
    );
    fs.writeFileSync(path.join(dir, "rke2.yaml"), "apiVersion: v1\n");
    const command = FETCH_KUBECONFIG_COMMAND.split(RKE2_ADMIN_KUBECONFIG)
      .join(path.join(dir, "rke2.yaml"))
      .split("/var/lib/rancher/rke2/bin/kubectl")
      .join(path.join(bin, "kubectl"));
    try {
      const stdout = execFileSync("sh", ["-c", command], {
        env: { PATH: `${bin}:/usr/bin:/bin` },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      return { status: 0, stdout, stderr: "", sleeps: countLines(`${dir}/sleeps`) };
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      return {
        status: err.status,
        stdout: err.stdout,
        stderr: err.stderr,
        sleeps: countLines(`${dir}/sleeps`),
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const countLines = (file: string) =>
    fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").length - 1 : 0;

  test("the remote command waits for /readyz (10 s apart), then prints the admin kubeconfig", () => {
    expect(FETCH_KUBECONFIG_COMMAND).toContain(RKE2_ADMIN_KUBECONFIG);
    expect(RKE2_ADMIN_KUBECONFIG).toBe("/etc/rancher/rke2/rke2.yaml");
    expect(runFetch(4)).toEqual({ status: 0, stdout: "apiVersion: v1\n", stderr: "", sleeps: 3 });
  });

  test("the remote command gives up after 180 tries (30 min) with a message, printing nothing", () => {
    const result = runFetch(1000);
    expect(result).toMatchObject({ status: 1, stdout: "", sleeps: 179 });
    expect(result.stderr).toContain("RKE2 API not ready after 30 min");
  });
});

describe("management charts' Kubernetes bound", () => {
  const rancher = MANAGEMENT_CHARTS.rancher;

  test("the pinned Rancher chart admits Kubernetes below 1.35", () => {
    expect(rancher.kubeMinorBelow).toEqual([1, 35]);
  });

  test.each([
    ["v1.34.2+rke2r1", false],
    ["v0.99.0+rke2r1", false],
    ["v1.35.0+rke2r1", true],
    ["v1.36.1+rke2r1", true],
    ["v2.0.0+rke2r1", true],
    ["1.36.1", false], // not an RKE2 version: no verdict (the schema checks the form)
  ])("%s outside the bound: %s", (version, outside) => {
    const problem = chartKubeProblem(rancher, version);
    if (outside) {
      expect(problem).toBe(
        `RKE2 ${version} is outside the rancher 2.13.8 chart's kubeVersion (< 1.35.0); pin a newer chart in components/management/charts.ts (docs/rancher.md)`,
      );
    } else expect(problem).toBeNull();
  });

  test("a chart without an upper bound admits any version", () => {
    expect(chartKubeProblem(MANAGEMENT_CHARTS.certManager, "v9.99.0+rke2r1")).toBeNull();
  });
});

describe("what a node and the plan carry from the spec", () => {
  const spec = () =>
    baseSpec((i) => {
      i.network.mtu = 9000;
      i.pools.server.count = 1;
      i.pools.worker = {
        role: "agent",
        count: 1,
        cpus: 6,
        memoryMiB: 12288,
        diskGiB: 50,
        dataDiskGiB: 200,
        labels: { tier: "gpu" },
        taints: ["gpu=true:NoSchedule"],
        affinityHost: "xcp-ng-02",
      };
      i.pools.burst = { role: "agent", addressing: "dhcp", count: 1, cpus: 1, memoryMiB: 1024, diskGiB: 10 };
    });

  test("a data disk adds Longhorn's default-disk label to the pool's labels; taints and affinity pass through", () => {
    const worker = planCluster("legal-ai-dev", spec()).nodes.find((n) => n.pool === "worker")!;
    expect(worker).toMatchObject({
      cpus: 6,
      memoryMiB: 12288,
      diskGiB: 50,
      dataDiskGiB: 200,
      labels: { tier: "gpu", "node.longhorn.io/create-default-disk": "true" },
      taints: ["gpu=true:NoSchedule"],
      affinityHost: "xcp-ng-02",
    });
  });

  test("a DHCP pool without a slot takes slot 0 in its MACs (06:00, then network + index)", () => {
    const burst = planCluster("legal-ai-dev", spec()).nodes.find((n) => n.pool === "burst")!;
    expect(burst).toMatchObject({ ip: null, mac: "06:00:0a:0a:03:01", dataDiskGiB: null });
    // toMatchObject takes {} as "any object": without a data disk the labels must be exactly none,
    // or Longhorn would create its default disk on the node's root disk.
    expect(burst.labels).toEqual({});
  });

  test("the plan names its stack, environment and use case; the network keeps resolvers and MTU", () => {
    const p = planCluster("legal-ai-dev", spec());
    expect([p.stack, p.environment, p.useCase]).toEqual(["legal-ai-dev", "dev", "legal-ai"]);
    expect(p.network).toMatchObject({ resolvers: ["10.10.0.2"], mtu: 9000, prefixLength: 24 });
  });
});

test("PlanProblems: every problem in one message, each as its key path and text", () => {
  const error = new PlanProblems([
    { path: ["cluster", "vlan"], message: "out of range" },
    { path: ["pools", "worker", "count"], message: "too many" },
  ]);
  expect(error.name).toBe("PlanProblems");
  expect(error.message).toBe("cluster.vlan: out of range; pools.worker.count: too many");
  expect(error.problems).toHaveLength(2);
});
