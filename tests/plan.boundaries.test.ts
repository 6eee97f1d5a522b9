/**
 * Both sides of every planner boundary: the VLAN range, the pinned-prefix limits, the cluster
 * number against its supernet, a pinned gateway at each block's first and last address, blocks
 * and DHCP ranges filled exactly and by one more. Expected addresses are worked out by hand from
 * docs/ip-plan.md (default /24 layout of cluster 3: gateway .1, reserved .2–.9, VIP .10, servers
 * .11–.19, worker slots of 40 from .20, DHCP .180–.254).
 */
import type { ClusterSpec } from "../components/config/schema";
import { planCluster } from "../components/plan/clusterPlan";
import { PlanProblems, type Problem } from "../components/plan/problems";
import { baseSpec, type RawInput } from "./helpers/fixtures";

const STACK = "legal-ai-dev";
const agent = { role: "agent", cpus: 2, memoryMiB: 2048, diskGiB: 20 };

/** The problems planCluster reports for `spec`: [] when it plans. */
function problemsOf(spec: ClusterSpec): Problem[] {
  try {
    planCluster(STACK, spec);
    return [];
  } catch (error) {
    if (!(error instanceof PlanProblems)) throw error;
    return error.problems;
  }
}

describe("VLAN range 1–4094", () => {
  test.each<[string, (i: RawInput) => void, number]>([
    ["derived VLAN 1 (vlanBase 0 + cluster 1)", (i) => ((i.network.vlanBase = 0), (i.cluster.number = 1)), 1],
    ["derived VLAN 4094 (vlanBase 4091 + cluster 3)", (i) => (i.network.vlanBase = 4091), 4094],
  ])("accepted: %s", (_, modify, vlan) => {
    expect(planCluster(STACK, baseSpec(modify)).network.vlan).toBe(vlan);
  });

  test("derived VLAN 4095 (vlanBase 4092 + cluster 3) is refused against network.vlanBase", () => {
    expect(problemsOf(baseSpec((i) => (i.network.vlanBase = 4092)))).toEqual([
      {
        path: ["network", "vlanBase"],
        message: "VLAN 4095 (network.vlanBase 4092 + cluster.number 3) is out of range 1–4094",
      },
    ]);
  });

  // The schema holds vlanBase ≥ 0 and number ≥ 1, so a derived VLAN 0 needs the spec edited after it.
  test("derived VLAN 0 is refused: the planner checks the low end too", () => {
    const spec = baseSpec((i) => (i.cluster.number = 1));
    spec.network.vlanBase = -1;
    expect(problemsOf(spec)).toEqual([
      {
        path: ["network", "vlanBase"],
        message: "VLAN 0 (network.vlanBase -1 + cluster.number 1) is out of range 1–4094",
      },
    ]);
  });

  test.each([
    [1, true],
    [4094, true],
    [0, false],
    [4095, false],
  ])("pinned VLAN %i plans: %s (checked against cluster.vlan, not the derivation)", (vlan, ok) => {
    const spec = baseSpec();
    spec.cluster.vlan = vlan;
    if (ok) expect(planCluster(STACK, spec).network.vlan).toBe(vlan);
    else
      expect(problemsOf(spec)).toEqual([
        { path: ["cluster", "vlan"], message: `VLAN ${vlan} is out of range 1–4094` },
      ]);
  });
});

describe("pinned prefix /16–/28", () => {
  const tiny = (i: RawInput) => {
    i.network.layout = { reserved: 0, serverBlock: 1, workerSlots: 1, workerSlotSize: 1 };
    i.pools.server.count = 1;
    i.pools.worker.count = 1;
  };

  test("/16 is the largest pinned subnet: its DHCP range runs to the last host address", () => {
    const p = planCluster(
      STACK,
      baseSpec((i) => (i.cluster.cidr = "10.20.0.0/16")),
    );
    expect(p.network).toMatchObject({ cidr: "10.20.0.0/16", netmask: "255.255.0.0", gateway: "10.20.0.1" });
    expect(p.network.dhcpRange).toEqual({ first: "10.20.0.180", last: "10.20.255.254" });
  });

  test("/28 is the smallest: 16 addresses hold gateway, VIP, one server, one worker and DHCP .21–.30", () => {
    const p = planCluster(
      STACK,
      baseSpec((i) => (tiny(i), (i.cluster.cidr = "10.20.0.16/28"))),
    );
    expect(p.network.blocks.map((b) => [b.name, b.first, b.last])).toEqual([
      ["vip", "10.20.0.18", "10.20.0.18"],
      ["servers", "10.20.0.19", "10.20.0.19"],
      ["workers-slot0", "10.20.0.20", "10.20.0.20"],
      ["dhcp", "10.20.0.21", "10.20.0.30"],
    ]);
    expect(p.network.gateway).toBe("10.20.0.17");
    expect(p.nodes.map((n) => n.ip)).toEqual(["10.20.0.19", "10.20.0.20"]);
  });

  test.each([
    ["/15", "10.20.0.0/15"],
    ["/29", "10.20.0.16/29"],
  ])("%s is refused", (prefix, cidr) => {
    expect(problemsOf(baseSpec((i) => (tiny(i), (i.cluster.cidr = cidr))))).toEqual([
      { path: ["cluster", "cidr"], message: `prefix ${prefix} must be between /16 and /28` },
    ]);
  });

  test("a misaligned pinned CIDR is reported with its aligned form, together with a bad prefix", () => {
    expect(problemsOf(baseSpec((i) => (i.cluster.cidr = "10.20.0.9/29")))).toEqual([
      { path: ["cluster", "cidr"], message: "10.20.0.9/29 has host bits set; write 10.20.0.8/29" },
      { path: ["cluster", "cidr"], message: "prefix /29 must be between /16 and /28" },
    ]);
  });
});

describe("cluster number and prefix against the supernet", () => {
  const in23 = (number: number) => (i: RawInput) => {
    i.network.supernet = "10.10.2.0/23";
    i.cluster.number = number;
  };

  test("the last /24 of a /23 (number 1) plans; number 2 is past it", () => {
    expect(planCluster(STACK, baseSpec(in23(1))).network.cidr).toBe("10.10.3.0/24");
    expect(problemsOf(baseSpec(in23(2)))).toEqual([
      { path: ["cluster", "number"], message: "cluster 2 has no /24 in 10.10.2.0/23 (numbers 1–1 fit)" },
    ]);
  });

  test("a cluster prefix equal to the supernet's is not 'larger'; one shorter is", () => {
    const equal = baseSpec((i) => ((i.network.supernet = "10.10.3.0/24"), (i.cluster.number = 1)));
    expect(problemsOf(equal)).toEqual([
      {
        path: ["cluster", "number"],
        message:
          "cluster 1 has no /24 in 10.10.3.0/24: it holds only one, and cluster numbers start at 1; use a longer network.clusterPrefix",
      },
    ]);
    const shorter = baseSpec((i) => ((i.network.supernet = "10.10.2.0/24"), (i.network.clusterPrefix = 23)));
    expect(problemsOf(shorter)).toEqual([
      { path: ["network", "clusterPrefix"], message: "/23 is larger than the supernet 10.10.2.0/24" },
    ]);
  });
});

describe("a pinned gateway at the edges of each block", () => {
  const host = "is not a host address of 10.10.3.0/24";
  test.each<[string, string | null]>([
    ["10.10.2.255", host], // one below the network address
    ["10.10.3.0", host], // the network address
    ["10.10.3.1", null], // the first host address (the derived gateway)
    ["10.10.3.2", null], // first of the reserved block
    ["10.10.3.9", null], // last of the reserved block
    ["10.10.3.10", "falls inside the vip block"],
    ["10.10.3.11", "falls inside the servers block"], // first of the servers
    ["10.10.3.19", "falls inside the servers block"], // last of the servers
    ["10.10.3.20", "falls inside the workers-slot0 block"],
    ["10.10.3.59", "falls inside the workers-slot0 block"],
    ["10.10.3.60", "falls inside the workers-slot1 block"],
    ["10.10.3.179", "falls inside the workers-slot3 block"],
    ["10.10.3.180", "falls inside the dhcp block"], // first of the DHCP range
    ["10.10.3.254", "falls inside the dhcp block"], // last host address
    ["10.10.3.255", host], // the broadcast address
    ["10.10.4.0", host], // one above the broadcast
  ])("%s → %s", (gateway, message) => {
    const spec = baseSpec((i) => (i.cluster.gateway = gateway));
    if (message === null) {
      expect(planCluster(STACK, spec).network.gateway).toBe(gateway);
    } else {
      expect(problemsOf(spec)).toEqual([
        {
          path: ["cluster", "gateway"],
          message:
            `${gateway} ${message}` +
            (message === host ? "" : "; pin a gateway in the first addresses of the subnet"),
        },
      ]);
    }
  });

  test("with no reserved block the address after .1 is the VIP, so a gateway there is refused", () => {
    const spec = baseSpec((i) => {
      i.network.layout = { reserved: 0 };
      i.cluster.gateway = "10.10.3.2";
    });
    expect(problemsOf(spec)).toEqual([
      {
        path: ["cluster", "gateway"],
        message: "10.10.3.2 falls inside the vip block; pin a gateway in the first addresses of the subnet",
      },
    ]);
  });
});

describe("blocks filled exactly and by one more", () => {
  test("nine servers fill the server block .11–.19; a worker pool of 40 fills its slot .20–.59", () => {
    const p = planCluster(
      STACK,
      baseSpec((i) => ((i.pools.server.count = 9), (i.pools.worker.count = 40))),
    );
    const ips = (pool: string) => p.nodes.filter((n) => n.pool === pool).map((n) => n.ip);
    expect(ips("server")).toEqual(Array.from({ length: 9 }, (_, k) => `10.10.3.${11 + k}`));
    expect(ips("worker")).toEqual(Array.from({ length: 40 }, (_, k) => `10.10.3.${20 + k}`));
  });

  test("one DHCP pool of 75 fills the range .180–.254 (76 is refused)", () => {
    const p = planCluster(
      STACK,
      baseSpec((i) => (i.pools.burst = { ...agent, addressing: "dhcp", count: 75 })),
    );
    expect(p.nodes.filter((n) => n.pool === "burst")).toHaveLength(75);
    expect(
      problemsOf(baseSpec((i) => (i.pools.burst = { ...agent, addressing: "dhcp", count: 76 }))),
    ).toEqual([
      {
        path: ["pools", "burst", "count"],
        message: "76 nodes do not fit: the pool's address block 10.10.3.180–10.10.3.254 holds 75",
      },
    ]);
  });

  const twoDhcp = (burst: number, spot: number) => (i: RawInput) => {
    i.pools.burst = { ...agent, addressing: "dhcp", slot: 0, count: burst };
    i.pools.spot = { ...agent, addressing: "dhcp", slot: 1, count: spot };
  };

  test("two DHCP pools of 45 and 30 fill the range together; 45 and 31 are refused", () => {
    const p = planCluster(STACK, baseSpec(twoDhcp(45, 30)));
    expect(p.nodes.filter((n) => n.ip === null)).toHaveLength(75);
    expect(problemsOf(baseSpec(twoDhcp(45, 31)))).toEqual([
      {
        path: ["pools", "spot", "count"],
        message:
          "the DHCP pools (burst, spot) need 76 addresses together but the DHCP range 10.10.3.180–10.10.3.254 holds 75",
      },
    ]);
  });

  test("a layout leaving one address before the broadcast gives a DHCP range of one", () => {
    // 10 reserved: VIP .12, servers .13–.21, four slots of 58 from .22 to .253; .254 is left.
    const layout = (i: RawInput) => (i.network.layout = { reserved: 10, workerSlots: 4, workerSlotSize: 58 });
    const p = planCluster(STACK, baseSpec(layout));
    expect(p.network.dhcpRange).toEqual({ first: "10.10.3.254", last: "10.10.3.254" });
    expect(p.network.blocks.at(-1)).toEqual({
      name: "dhcp",
      first: "10.10.3.254",
      last: "10.10.3.254",
      size: 1,
    });
    const one = (count: number) => (i: RawInput) => (
      layout(i),
      (i.pools.burst = { ...agent, addressing: "dhcp", count })
    );
    expect(planCluster(STACK, baseSpec(one(1))).nodes.filter((n) => n.ip === null)).toHaveLength(1);
    expect(problemsOf(baseSpec(one(2)))).toEqual([
      {
        path: ["pools", "burst", "count"],
        message: "2 nodes do not fit: the pool's address block 10.10.3.254–10.10.3.254 holds 1",
      },
    ]);
  });
});
