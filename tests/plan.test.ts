/** Unit tests of the pure cluster planner: addressing, names, MACs, DNS and every plan problem. */
import { planCluster } from "../components/plan/clusterPlan";
import { isLocalUnicast } from "../components/plan/mac";
import { PlanProblems, type Problem } from "../components/plan/problems";
import type { ClusterSpec } from "../components/config/schema";
import { baseSpec, type RawInput } from "./helpers/fixtures";

const STACK = "legal-ai-dev";

function plan(modify?: (input: RawInput) => void) {
  return planCluster(STACK, baseSpec(modify));
}

/** The problems planCluster throws (fails the test when it does not throw PlanProblems). */
function problemsOf(spec: ClusterSpec): Problem[] {
  try {
    planCluster(STACK, spec);
  } catch (error) {
    expect(error).toBeInstanceOf(PlanProblems);
    return (error as PlanProblems).problems;
  }
  throw new Error("expected planCluster to throw PlanProblems");
}

describe("VLAN, subnet and gateway", () => {
  test.each([
    // number, supernet, prefix, vlanBase → vlan, cidr, gateway, netmask
    [1, "10.10.0.0/16", 24, 100, 101, "10.10.1.0/24", "10.10.1.1", "255.255.255.0"],
    [3, "10.10.0.0/16", 24, 100, 103, "10.10.3.0/24", "10.10.3.1", "255.255.255.0"],
    [255, "10.10.0.0/16", 24, 0, 255, "10.10.255.0/24", "10.10.255.1", "255.255.255.0"],
    [2, "10.20.0.0/16", 23, 200, 202, "10.20.4.0/23", "10.20.4.1", "255.255.254.0"],
    [5, "172.16.0.0/12", 22, 3000, 3005, "172.16.20.0/22", "172.16.20.1", "255.255.252.0"],
    [7, "192.168.0.0/16", 25, 10, 17, "192.168.3.128/25", "192.168.3.129", "255.255.255.128"],
  ])(
    "cluster %i in %s (/%i, vlanBase %i) → VLAN %i, %s via %s",
    (number, supernet, clusterPrefix, vlanBase, vlan, cidr, gateway, mask) => {
      const p = plan((i) => {
        i.cluster.number = number;
        i.network = { ...i.network, supernet, clusterPrefix, vlanBase };
        if (clusterPrefix === 25) i.network.layout = { workerSlots: 2, workerSlotSize: 40 };
      });
      expect(p.network).toMatchObject({ vlan, cidr, gateway, netmask: mask, prefixLength: clusterPrefix });
    },
  );

  test("pinned VLAN, CIDR and gateway are honoured", () => {
    const p = plan((i) => {
      i.cluster = { number: 3, vlan: 42, cidr: "192.168.50.0/24", gateway: "192.168.50.5" };
    });
    expect(p.network).toMatchObject({ vlan: 42, cidr: "192.168.50.0/24", gateway: "192.168.50.5" });
    expect(p.nodes.find((n) => n.key === "server-1")?.ip).toBe("192.168.50.11");
  });

  test("a pinned CIDR outside the supernet is allowed (the supernet only drives derivation)", () => {
    expect(plan((i) => (i.cluster.cidr = "10.99.0.0/24")).network.cidr).toBe("10.99.0.0/24");
  });

  test.each([
    [
      "CIDR with host bits set",
      { cidr: "10.10.3.5/24" },
      ["cluster", "cidr"],
      "has host bits set; write 10.10.3.0/24",
    ],
    ["CIDR prefix too long", { cidr: "10.10.3.0/29" }, ["cluster", "cidr"], "must be between /16 and /28"],
    ["CIDR prefix too short", { cidr: "10.0.0.0/8" }, ["cluster", "cidr"], "must be between /16 and /28"],
    [
      "gateway outside the subnet",
      { gateway: "10.10.4.1" },
      ["cluster", "gateway"],
      "is not a host address of 10.10.3.0/24",
    ],
    ["gateway = network address", { gateway: "10.10.3.0" }, ["cluster", "gateway"], "is not a host address"],
    ["gateway = broadcast", { gateway: "10.10.3.255" }, ["cluster", "gateway"], "is not a host address"],
    ["gateway = VIP", { gateway: "10.10.3.10" }, ["cluster", "gateway"], "inside the vip block"],
    [
      "gateway in the server block",
      { gateway: "10.10.3.15" },
      ["cluster", "gateway"],
      "inside the servers block",
    ],
    [
      "gateway in a worker block",
      { gateway: "10.10.3.25" },
      ["cluster", "gateway"],
      "inside the workers-slot0 block",
    ],
    [
      "gateway in the DHCP range",
      { gateway: "10.10.3.200" },
      ["cluster", "gateway"],
      "inside the dhcp block",
    ],
  ])("pinned values are still checked: %s", (_, pinned, path, message) => {
    const problems = problemsOf(baseSpec((i) => Object.assign(i.cluster, pinned)));
    expect(problems).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  test("a pinned gateway inside the reserved block is fine", () => {
    expect(plan((i) => (i.cluster.gateway = "10.10.3.9")).network.gateway).toBe("10.10.3.9");
  });
});

describe("address blocks of a /24 with the default layout", () => {
  // A function, not a value: planning inside describe() would make every planner mutant static.
  const p = () => plan();

  test("gateway .1, reserved .2–.9, VIP .10, servers .11–.19, four worker slots of 40 from .20, DHCP to .254", () => {
    expect(p().network.gateway).toBe("10.10.3.1");
    expect(p().network.vip).toBe("10.10.3.10");
    expect(p().network.blocks).toEqual([
      { name: "reserved", first: "10.10.3.2", last: "10.10.3.9", size: 8 },
      { name: "vip", first: "10.10.3.10", last: "10.10.3.10", size: 1 },
      { name: "servers", first: "10.10.3.11", last: "10.10.3.19", size: 9 },
      { name: "workers-slot0", first: "10.10.3.20", last: "10.10.3.59", size: 40 },
      { name: "workers-slot1", first: "10.10.3.60", last: "10.10.3.99", size: 40 },
      { name: "workers-slot2", first: "10.10.3.100", last: "10.10.3.139", size: 40 },
      { name: "workers-slot3", first: "10.10.3.140", last: "10.10.3.179", size: 40 },
      { name: "dhcp", first: "10.10.3.180", last: "10.10.3.254", size: 75 },
    ]);
    expect(p().network.dhcpRange).toEqual({ first: "10.10.3.180", last: "10.10.3.254" });
  });

  test("a custom layout moves the blocks accordingly; no reserved block when reserved is 0", () => {
    const q = plan(
      (i) => (i.network.layout = { reserved: 0, serverBlock: 5, workerSlots: 2, workerSlotSize: 10 }),
    );
    expect(q.network.blocks.map((b) => [b.name, b.first, b.last])).toEqual([
      ["vip", "10.10.3.2", "10.10.3.2"],
      ["servers", "10.10.3.3", "10.10.3.7"],
      ["workers-slot0", "10.10.3.8", "10.10.3.17"],
      ["workers-slot1", "10.10.3.18", "10.10.3.27"],
      ["dhcp", "10.10.3.28", "10.10.3.254"],
    ]);
  });

  test("a layout that fills the subnet up to the broadcast leaves no DHCP range", () => {
    // Slots start at .20; 4 × 58 = 232 addresses end at .251, leaving .252–.254 for DHCP.
    const q = plan((i) => (i.network.layout = { workerSlots: 4, workerSlotSize: 58 }));
    expect(q.network.blocks.at(-2)).toEqual({
      name: "workers-slot3",
      first: "10.10.3.194",
      last: "10.10.3.251",
      size: 58,
    });
    expect(q.network.dhcpRange).toEqual({ first: "10.10.3.252", last: "10.10.3.254" });
    const full = plan((i) => (i.network.layout = { reserved: 9, workerSlots: 4, workerSlotSize: 58 }));
    expect(full.network.dhcpRange).toEqual({ first: "10.10.3.253", last: "10.10.3.254" });
    // 7 reserved: the VIP is .9, servers .10–.18, slots .19–.254; nothing is left before the broadcast.
    const exact = plan((i) => (i.network.layout = { reserved: 7, workerSlots: 4, workerSlotSize: 59 }));
    expect(exact.network.blocks.at(-1)?.last).toBe("10.10.3.254");
    expect(exact.network.dhcpRange).toBeNull();
  });
});

describe("nodes", () => {
  // A function, not a value: planning inside describe() would make every planner mutant static.
  const p = () =>
    plan((i) => {
      i.pools.worker.slot = 0;
      i.pools.search = { role: "agent", count: 3, slot: 2, cpus: 8, memoryMiB: 32768, diskGiB: 100 };
      i.pools.burst = {
        role: "agent",
        addressing: "dhcp",
        count: 2,
        slot: 1,
        cpus: 8,
        memoryMiB: 8192,
        diskGiB: 40,
      };
    });
  const byKey = () => Object.fromEntries(p().nodes.map((n) => [n.key, n]));

  test("servers first, then pools by name; keys are <pool>-<index>", () => {
    expect(p().nodes.map((n) => n.key)).toEqual([
      "server-1",
      "server-2",
      "server-3",
      "burst-1",
      "burst-2",
      "search-1",
      "search-2",
      "search-3",
      "worker-1",
      "worker-2",
    ]);
  });

  test.each([
    ["server-1", "cluster3-server1", "10.10.3.11", "02:00:0a:0a:03:0b"],
    ["server-3", "cluster3-server3", "10.10.3.13", "02:00:0a:0a:03:0d"],
    ["worker-1", "cluster3-worker1", "10.10.3.20", "02:00:0a:0a:03:14"],
    ["worker-2", "cluster3-worker2", "10.10.3.21", "02:00:0a:0a:03:15"],
    ["search-1", "cluster3-search1", "10.10.3.100", "02:00:0a:0a:03:64"],
    ["search-3", "cluster3-search3", "10.10.3.102", "02:00:0a:0a:03:66"],
    ["burst-1", "cluster3-burst1", null, "06:01:0a:0a:03:01"],
    ["burst-2", "cluster3-burst2", null, "06:01:0a:0a:03:02"],
  ])("%s → %s, %s, %s (address = block base + index − 1)", (key, hostname, ip, mac) => {
    expect(byKey()[key]).toMatchObject({
      hostname,
      fqdn: `${hostname}.legal-ai.dev.lab.example.net`,
      ip,
      mac,
    });
  });

  test("every MAC is locally administered unicast and unique", () => {
    for (const node of p().nodes) expect(isLocalUnicast(node.mac)).toBe(true);
    expect(new Set(p().nodes.map((n) => n.mac)).size).toBe(p().nodes.length);
  });

  test("only server 1 is the bootstrap node; roles and sizes come from the pool", () => {
    expect(
      p()
        .nodes.filter((n) => n.bootstrap)
        .map((n) => n.key),
    ).toEqual(["server-1"]);
    expect(byKey()["search-2"]).toMatchObject({
      pool: "search",
      index: 2,
      role: "agent",
      cpus: 8,
      memoryMiB: 32768,
      diskGiB: 100,
      dataDiskGiB: null,
      labels: {},
      taints: [],
      affinityHost: null,
    });
  });

  test("hostname pattern tokens and hostnamePrefix", () => {
    const q = plan((i) => {
      i.cluster.hostnamePattern = "{usecase}-{env}-c{cluster}-{pool}-{index}";
      i.pools.worker.hostnamePrefix = "w";
    });
    expect(q.nodes.map((n) => n.hostname)).toEqual([
      "legal-ai-dev-c3-server-1",
      "legal-ai-dev-c3-server-2",
      "legal-ai-dev-c3-server-3",
      "legal-ai-dev-c3-w-1",
      "legal-ai-dev-c3-w-2",
    ]);
    expect(q.nodes.map((n) => n.key)).toContain("worker-1");
  });

  test("cluster name defaults to the stack name", () => {
    expect(p().cluster).toEqual({ number: 3, name: STACK });
    expect(plan((i) => (i.cluster.name = "rag")).cluster.name).toBe("rag");
  });
});

describe("registration address", () => {
  test.each([
    [1, "10.10.3.11"],
    [3, "10.10.3.10"],
    [5, "10.10.3.10"],
  ])("%i server(s) → %s", (count, address) => {
    const p = plan((i) => (i.pools.server.count = count));
    expect(p.network.registrationAddress).toBe(address);
    expect(p.network.vip).toBe("10.10.3.10");
    expect(p.network.apiFqdn).toBe("api.legal-ai.dev.lab.example.net");
    expect(p.network.zone).toBe("legal-ai.dev.lab.example.net");
  });
});

describe("DNS", () => {
  // A function, not a value: planning inside describe() would make every planner mutant static.
  const p = () =>
    plan((i) => {
      i.pools.server.count = 1;
      i.pools.worker.count = 1;
      i.pools.burst = { role: "agent", addressing: "dhcp", count: 1, cpus: 1, memoryMiB: 1024, diskGiB: 10 };
    });

  test("A records for api (the registration address) and every static node, none for DHCP nodes", () => {
    expect(p().dnsRecords).toEqual([
      { name: "api.legal-ai.dev.lab.example.net", type: "A", value: "10.10.3.11" },
      { name: "cluster3-server1.legal-ai.dev.lab.example.net", type: "A", value: "10.10.3.11" },
      { name: "cluster3-worker1.legal-ai.dev.lab.example.net", type: "A", value: "10.10.3.20" },
    ]);
  });

  test("zone-file fragment", () => {
    expect(p().zoneFile).toBe(
      [
        "; cluster-orchestrator: records for legal-ai.dev.lab.example.net",
        "$ORIGIN legal-ai.dev.lab.example.net.",
        "api               300  IN  A  10.10.3.11",
        "cluster3-server1  300  IN  A  10.10.3.11",
        "cluster3-worker1  300  IN  A  10.10.3.20",
        "",
      ].join("\n"),
    );
  });

  test("with three servers, api points at the VIP", () => {
    expect(plan().dnsRecords[0]).toEqual({
      name: "api.legal-ai.dev.lab.example.net",
      type: "A",
      value: "10.10.3.10",
    });
  });
});

describe("plan problems", () => {
  const agent = { role: "agent", cpus: 2, memoryMiB: 2048, diskGiB: 20 };

  test.each<[string, (i: RawInput) => void, Problem[]]>([
    [
      "even server count",
      (i) => (i.pools.server.count = 2),
      [{ path: ["pools", "server", "count"], message: expect.stringContaining("odd number of servers") }],
    ],
    [
      "zero servers",
      (i) => (i.pools.server.count = 0),
      [{ path: ["pools", "server", "count"], message: expect.stringContaining("got 0") }],
    ],
    [
      "two server pools",
      (i) => (i.pools.control = { ...i.pools.server, count: 1 }),
      [{ path: ["pools"], message: 'exactly one pool must have role "server" (found 2)' }],
    ],
    [
      "no server pool",
      (i) => delete i.pools.server,
      [{ path: ["pools"], message: 'exactly one pool must have role "server" (found 0)' }],
    ],
    [
      "servers with DHCP addressing",
      (i) => (i.pools.server.addressing = "dhcp"),
      [{ path: ["pools", "server", "addressing"], message: "servers need static addresses" }],
    ],
    [
      "pool larger than its block",
      (i) => (i.pools.worker.count = 41),
      [
        {
          path: ["pools", "worker", "count"],
          message: "41 nodes do not fit: the pool's address block 10.10.3.20–10.10.3.59 holds 40",
        },
      ],
    ],
    [
      "too many servers for the server block",
      (i) => (i.pools.server.count = 11),
      [
        {
          path: ["pools", "server", "count"],
          message: "11 nodes do not fit: the pool's address block 10.10.3.11–10.10.3.19 holds 9",
        },
      ],
    ],
    [
      "DHCP pool larger than the DHCP range",
      (i) => (i.pools.burst = { ...agent, addressing: "dhcp", count: 76 }),
      [
        {
          path: ["pools", "burst", "count"],
          message: expect.stringContaining("10.10.3.180–10.10.3.254 holds 75"),
        },
      ],
    ],
    [
      "DHCP pool without a DHCP range",
      (i) => {
        i.network.layout = { reserved: 7, workerSlots: 4, workerSlotSize: 59 };
        i.pools.burst = { ...agent, addressing: "dhcp", count: 1 };
      },
      [{ path: ["pools", "burst", "count"], message: expect.stringContaining("needs a DHCP range") }],
    ],
    [
      "unknown hostname pattern tokens",
      (i) => (i.cluster.hostnamePattern = "c{clustr}-{pool}{index}{node}"),
      [
        {
          path: ["cluster", "hostnamePattern"],
          message: "unknown token(s) {clustr}, {node}; use {cluster}, {pool}, {index}, {usecase}, {env}",
        },
      ],
    ],
    [
      "hostname pattern without {index}",
      (i) => (i.cluster.hostnamePattern = "cluster{cluster}-{pool}"),
      [
        {
          path: ["cluster", "hostnamePattern"],
          message: expect.stringContaining("must contain {pool} and {index}"),
        },
      ],
    ],
    [
      "pattern producing a non-RFC-1123 name",
      (i) => {
        i.cluster.hostnamePattern = "Cluster{cluster}_{pool}{index}";
        i.pools.server.count = 1;
        i.pools.worker.count = 1;
      },
      [
        {
          path: ["cluster", "hostnamePattern"],
          message: "'Cluster3_server1' is not a valid RFC 1123 host name (a-z, 0-9, '-', at most 63)",
        },
        {
          path: ["cluster", "hostnamePattern"],
          message: "'Cluster3_worker1' is not a valid RFC 1123 host name (a-z, 0-9, '-', at most 63)",
        },
      ],
    ],
    [
      "pattern producing a name longer than 63",
      (i) => (i.cluster.hostnamePattern = `${"x".repeat(60)}-{pool}{index}`),
      expect.arrayContaining([
        {
          path: ["cluster", "hostnamePattern"],
          message: expect.stringContaining("not a valid RFC 1123 host name"),
        },
      ]),
    ],
    [
      "two pools producing the same host names",
      (i) => {
        i.pools.worker.slot = 0;
        i.pools.gpu = { ...agent, count: 1, slot: 1, hostnamePrefix: "worker" };
      },
      [
        {
          path: ["cluster", "hostnamePattern"],
          message:
            "two nodes would be named 'cluster3-worker1'; give the pools distinct hostnamePrefix values",
        },
      ],
    ],
    [
      "two static agent pools without slots",
      (i) => (i.pools.search = { ...agent, count: 1 }),
      expect.arrayContaining([
        {
          path: ["pools", "worker", "slot"],
          message: expect.stringContaining("required when several pools"),
        },
        {
          path: ["pools", "search", "slot"],
          message: expect.stringContaining("required when several pools"),
        },
      ]),
    ],
    [
      "duplicate slots",
      (i) => {
        i.pools.worker.slot = 1;
        i.pools.search = { ...agent, count: 1, slot: 1 };
      },
      [{ path: ["pools", "search", "slot"], message: "slot 1 is already taken by pool 'worker'" }],
    ],
    [
      "duplicate DHCP slots",
      (i) => {
        i.pools.burst = { ...agent, addressing: "dhcp", count: 1, slot: 3 };
        i.pools.spot = { ...agent, addressing: "dhcp", count: 1, slot: 3 };
      },
      [{ path: ["pools", "spot", "slot"], message: "slot 3 is already taken by pool 'burst'" }],
    ],
    [
      "slot beyond the layout",
      (i) => (i.pools.worker.slot = 7),
      [
        {
          path: ["pools", "worker", "slot"],
          message: "slot 7 does not exist (network.layout.workerSlots is 4)",
        },
      ],
    ],
    [
      "default layout in a /26",
      (i) => (i.cluster.cidr = "10.10.3.0/26"),
      [
        {
          path: ["network", "layout"],
          message:
            "the address layout needs 181 addresses but 10.10.3.0/26 has 64; shrink network.layout or use a larger network.clusterPrefix",
        },
      ],
    ],
    [
      "a layout one address too large for a /24",
      (i) => (i.network.layout = { workerSlots: 4, workerSlotSize: 59 }),
      [
        {
          path: ["network", "layout"],
          message: expect.stringContaining("needs 257 addresses but 10.10.3.0/24 has 256"),
        },
      ],
    ],
    [
      "default layout with clusterPrefix 26",
      (i) => (i.network.clusterPrefix = 26),
      [{ path: ["network", "layout"], message: expect.stringContaining("but 10.10.0.192/26 has 64") }],
    ],
    [
      "derived VLAN above 4094",
      (i) => (i.network.vlanBase = 4093),
      [
        {
          path: ["network", "vlanBase"],
          message: "VLAN 4096 (network.vlanBase 4093 + cluster.number 3) is out of range 1–4094",
        },
      ],
    ],
    [
      "cluster number beyond the supernet",
      (i) => (i.cluster.number = 256),
      [
        {
          path: ["cluster", "number"],
          message: "cluster 256 has no /24 in 10.10.0.0/16 (numbers 1–255 fit)",
        },
      ],
    ],
    [
      "cluster prefix larger than the supernet",
      (i) => {
        i.network.supernet = "10.10.0.0/24";
        i.network.clusterPrefix = 22;
      },
      [{ path: ["network", "clusterPrefix"], message: "/22 is larger than the supernet 10.10.0.0/24" }],
    ],
    [
      "supernet with host bits set",
      (i) => (i.network.supernet = "10.10.1.0/16"),
      [{ path: ["network", "supernet"], message: "10.10.1.0/16 has host bits set; write 10.10.0.0/16" }],
    ],
  ])("%s", (_, modify, expected) => {
    expect(problemsOf(baseSpec(modify))).toEqual(expected);
  });

  test("a pinned VLAN out of range is reported against cluster.vlan (the schema normally stops it first)", () => {
    const spec = baseSpec();
    spec.cluster.vlan = 5000;
    expect(problemsOf(spec)).toEqual([
      { path: ["cluster", "vlan"], message: "VLAN 5000 is out of range 1–4094" },
    ]);
  });

  test("several problems are all reported in one PlanProblems", () => {
    const spec = baseSpec((i) => {
      i.network.vlanBase = 4093;
      i.pools.server.count = 2;
      i.pools.worker.count = 41;
      i.pools.worker.slot = 1;
      i.pools.search = { ...agent, count: 1, slot: 1 };
    });
    const problems = problemsOf(spec);
    expect(problems.map((p) => p.path.join("."))).toEqual([
      "network.vlanBase",
      "pools.server.count",
      "pools.search.slot",
      "pools.worker.count",
    ]);
    let message = "";
    try {
      planCluster(STACK, spec);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("network.vlanBase: VLAN 4096");
    expect(message).toContain("pools.server.count: a server pool needs an odd number");
    expect(message).toContain("pools.search.slot: slot 1 is already taken");
    expect(message).toContain("pools.worker.count: 41 nodes do not fit");
  });

  test("layout problems and pool problems are reported together", () => {
    const problems = problemsOf(
      baseSpec((i) => {
        i.cluster.number = 256;
        i.pools.server.count = 4;
        i.cluster.hostnamePattern = "{foo}";
      }),
    );
    expect(problems.map((p) => p.path.join("."))).toEqual([
      "cluster.number",
      "pools.server.count",
      "cluster.hostnamePattern",
    ]);
  });
});

test("DHCP pools share the DHCP range: together they must fit", () => {
  const spec = baseSpec((input) => {
    input.pools.burst = {
      role: "agent",
      count: 50,
      addressing: "dhcp",
      slot: 0,
      cpus: 2,
      memoryMiB: 2048,
      diskGiB: 20,
    };
    input.pools.spot = {
      role: "agent",
      count: 30,
      addressing: "dhcp",
      slot: 1,
      cpus: 2,
      memoryMiB: 2048,
      diskGiB: 20,
    };
  });
  expect(() => planCluster("legal-ai-dev", spec)).toThrow(PlanProblems);
  try {
    planCluster("legal-ai-dev", spec);
  } catch (error) {
    expect((error as PlanProblems).problems).toEqual([
      {
        path: ["pools", "spot", "count"],
        message:
          "the DHCP pools (burst, spot) need 80 addresses together but the DHCP range 10.10.3.180–10.10.3.254 holds 75",
      },
    ]);
  }
});
