/**
 * Property tests of the pure planner over arbitrary valid specs: address safety, uniqueness,
 * block membership, stability under scaling and determinism.
 *
 * The oracles are independent of the code under test: addresses are checked with the ip-address
 * library and plain octet arithmetic (never components/lib/ipv4), MACs and host names with
 * patterns written here from their definitions (never plan/mac or plan/naming's helpers).
 */
import * as assert from "assert";
import fc from "fast-check";
import { Address4 } from "ip-address";
import type { ClusterSpec } from "../components/config/schema";
import { planCluster } from "../components/plan/clusterPlan";
import type { ClusterPlan, NodePlan } from "../components/plan/types";
import { baseSpec, type RawInput } from "./helpers/fixtures";
import { runs } from "./helpers/properties";

const RUNS = runs(200);

/** An IPv4 address as a number, by octet arithmetic (independent of components/lib/ipv4). */
function toNumber(ip: string): number {
  const octets = ip.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** `value`'s low `count` bytes as colon-separated hex, most significant first (by division). */
function hexBytes(value: number, count: number): string {
  const bytes = Array.from({ length: count }, (_, k) => Math.floor(value / 256 ** (count - 1 - k)) % 256);
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/**
 * IEEE 802 (IEEE Std 802-2014 §8.2.2): in the first octet, bit 0 (I/G) clear is unicast and
 * bit 1 (U/L) set is locally administered, so its low hex digit is 2, 6, a or e.
 */
const LOCAL_UNICAST_MAC = /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/;
/** RFC 1123 §2.1 / RFC 952 label, lower case: 1–63 of a-z 0-9 '-', not starting or ending with '-'. */
const RFC1123_LABEL = /^(?=.{1,63}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** The schema's limit on a pool's count. */
const MAX_COUNT = 250;
const STACK = "legal-ai-dev";
const AGENT_NAMES = ["alpha", "beta", "gamma"];
const PATTERNS = [
  "cluster{cluster}-{pool}{index}",
  "{usecase}-{env}-{pool}-{index}",
  "c{cluster}{pool}{index}",
];

interface Generated {
  spec: ClusterSpec;
  /** The cluster's subnet and VLAN, computed here from the generator's numbers (docs/ip-plan.md). */
  expected: { cidr: string; vlan: number };
  /** How many nodes each pool may have: its block (or the DHCP range) within the schema limit. */
  capacity: Record<string, number>;
}

/** A pool count that fits a block of `size`: mostly small, sometimes anything, sometimes a full block. */
function countArb(size: number): fc.Arbitrary<number> {
  const max = Math.min(size, MAX_COUNT);
  return fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: Math.min(max, 6) }), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max }), weight: 2 },
    { arbitrary: fc.constant(max), weight: 1 },
  );
}

/**
 * A valid spec: a /16 supernet, cluster prefix /22–/25 with a layout scaled to fit, 1/3/5
 * servers, 0–3 static agent pools on distinct slots, an optional DHCP pool, counts within blocks.
 */
const validSpec: fc.Arbitrary<Generated> = fc
  .record({
    prefix: fc.integer({ min: 22, max: 25 }),
    second: fc.integer({ min: 0, max: 255 }),
    reserved: fc.integer({ min: 0, max: 10 }),
    serverBlock: fc.integer({ min: 5, max: 15 }),
    workerSlots: fc.integer({ min: 1, max: 4 }),
    servers: fc.constantFrom(1, 3, 5),
    pattern: fc.constantFrom(...PATTERNS),
  })
  .chain((base) => {
    const size = 2 ** (32 - base.prefix);
    const fixed = 2 + base.reserved + 1 + base.serverBlock;
    const maxSlotSize = Math.floor((size - 1 - fixed) / base.workerSlots);
    return fc
      .record({
        number: fc.integer({ min: 1, max: 2 ** (base.prefix - 16) - 1 }),
        slotSize: fc.integer({ min: 1, max: maxSlotSize }),
        slots: fc.uniqueArray(fc.integer({ min: 0, max: base.workerSlots - 1 }), { maxLength: 3 }),
        omitSingleSlot: fc.boolean(),
      })
      .chain((mid) => {
        const dhcpSize = size - 1 - (fixed + base.workerSlots * mid.slotSize);
        return fc
          .record({
            vlanBase: fc.integer({ min: 0, max: 4094 - mid.number }),
            counts: fc.array(countArb(mid.slotSize), {
              minLength: mid.slots.length,
              maxLength: mid.slots.length,
            }),
            dhcp:
              dhcpSize > 0
                ? fc.option(
                    fc.record({
                      count: countArb(dhcpSize),
                      slot: fc.integer({ min: 0, max: 15 }),
                    }),
                    { nil: null },
                  )
                : fc.constant(null),
          })
          .map((last) => build(base, mid, last, dhcpSize));
      });
  });

function build(
  base: {
    prefix: number;
    second: number;
    reserved: number;
    serverBlock: number;
    workerSlots: number;
    servers: number;
    pattern: string;
  },
  mid: { number: number; slotSize: number; slots: number[]; omitSingleSlot: boolean },
  last: { vlanBase: number; counts: number[]; dhcp: { count: number; slot: number } | null },
  dhcpSize: number,
): Generated {
  const capacity: Record<string, number> = { server: base.serverBlock };
  // The n-th /prefix of 10.second.0.0/16: its third and fourth octets are n × size split in bytes.
  const offset = mid.number * 2 ** (32 - base.prefix);
  const expected = {
    cidr: `10.${base.second}.${Math.floor(offset / 256)}.${offset % 256}/${base.prefix}`,
    vlan: Math.min(last.vlanBase, 4093) + mid.number,
  };
  const spec = baseSpec((i: RawInput) => {
    i.cluster = { number: mid.number, hostnamePattern: base.pattern };
    i.network.supernet = `10.${base.second}.0.0/16`;
    i.network.clusterPrefix = base.prefix;
    i.network.vlanBase = Math.min(last.vlanBase, 4093);
    i.network.layout = {
      reserved: base.reserved,
      serverBlock: base.serverBlock,
      workerSlots: base.workerSlots,
      workerSlotSize: mid.slotSize,
    };
    const pools: RawInput = {
      server: { role: "server", count: base.servers, cpus: 2, memoryMiB: 4096, diskGiB: 40 },
    };
    mid.slots.forEach((slot, k) => {
      const name = AGENT_NAMES[k]!;
      const omit = mid.slots.length === 1 && slot === 0 && mid.omitSingleSlot;
      pools[name] = {
        role: "agent",
        count: last.counts[k],
        cpus: 2,
        memoryMiB: 4096,
        diskGiB: 40,
        ...(omit ? {} : { slot }),
      };
      capacity[name] = Math.min(mid.slotSize, MAX_COUNT);
    });
    if (last.dhcp) {
      pools.burst = {
        role: "agent",
        addressing: "dhcp",
        slot: last.dhcp.slot,
        count: last.dhcp.count,
        cpus: 2,
        memoryMiB: 4096,
        diskGiB: 40,
      };
      capacity.burst = Math.min(dhcpSize, MAX_COUNT);
    }
    i.pools = pools;
  });
  return { spec, capacity, expected };
}

function withCount(spec: ClusterSpec, pool: string, count: number): ClusterSpec {
  const copy = structuredClone(spec);
  copy.pools[pool]!.count = count;
  return copy;
}

const identity = (n: NodePlan) => ({ key: n.key, hostname: n.hostname, ip: n.ip, mac: n.mac });
const blockOf = (plan: ClusterPlan, name: string) => {
  const block = plan.network.blocks.find((b) => b.name === name);
  if (!block) throw new Error(`no block ${name}`);
  return { first: toNumber(block.first), last: toNumber(block.last) };
};
/** The zone file with column padding removed (padding follows the longest name). */
const zoneLines = (zone: string) => zone.split("\n").map((l) => l.replace(/\s+/g, " "));

test("the generator only yields specs the planner accepts", () => {
  fc.assert(
    fc.property(validSpec, ({ spec }) => {
      expect(() => planCluster(STACK, spec)).not.toThrow();
    }),
    RUNS,
  );
});

/** A cheap assertion for per-node checks (jest's expect is too slow for thousands of nodes per run). */
function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

test("addresses, MACs and host names are safe and unique; nodes stay in their blocks", () => {
  fc.assert(
    fc.property(validSpec, ({ spec, expected }) => {
      const plan = planCluster(STACK, spec);
      expect(plan.network.cidr).toBe(expected.cidr);
      expect(plan.network.vlan).toBe(expected.vlan);
      const subnet = new Address4(expected.cidr);
      const network = toNumber(subnet.startAddress().address);
      const broadcast = toNumber(subnet.endAddress().address);
      expect(plan.network.netmask).toBe(
        new Address4(`0.0.0.0/${subnet.subnetMask}`).subnetMaskAddress().address,
      );
      const gateway = toNumber(plan.network.gateway);
      const vip = toNumber(plan.network.vip);
      expect(new Set([network, broadcast, gateway, vip]).size).toBe(4);
      // Derived gateways are the subnet's first host address.
      expect(gateway).toBe(network + 1);

      const expectedCount = Object.values(spec.pools).reduce((sum, p) => sum + p.count, 0);
      expect(plan.nodes).toHaveLength(expectedCount);

      for (const node of plan.nodes) {
        const pool = spec.pools[node.pool]!;
        const what = () => `${node.key} ${node.hostname} ${node.ip} ${node.mac} in ${plan.network.cidr}`;
        check(LOCAL_UNICAST_MAC.test(node.mac), () => `MAC not locally administered unicast: ${what()}`);
        check(RFC1123_LABEL.test(node.hostname), () => `host name not RFC 1123: ${what()}`);
        if (pool.addressing === "dhcp") {
          // 06, the pool's slot, then the four bytes of the subnet's network address + index.
          const id = hexBytes(network + node.index, 4);
          const want = `06:${hexBytes(pool.slot ?? 0, 1)}:${id}`;
          check(node.ip === null && node.mac === want, () => `DHCP node (want ${want}): ${what()}`);
          continue;
        }
        const ip = toNumber(node.ip!);
        check(new Address4(node.ip!).isInSubnet(subnet), () => `outside the subnet: ${what()}`);
        check(![network, broadcast, gateway, vip].includes(ip), () => `reserved address: ${what()}`);
        check(node.mac === `02:00:${hexBytes(ip, 4)}`, () => `static MAC is not 02:00 + the IP: ${what()}`);
        const block = blockOf(plan, pool.role === "server" ? "servers" : `workers-slot${pool.slot ?? 0}`);
        check(ip >= block.first && ip <= block.last, () => `outside its block: ${what()}`);
        check(ip === block.first + node.index - 1, () => `not block base + index − 1: ${what()}`);
      }

      const statics = plan.nodes.filter((n) => n.ip !== null);
      expect(new Set(statics.map((n) => n.ip)).size).toBe(statics.length);
      expect(new Set(plan.nodes.map((n) => n.mac)).size).toBe(plan.nodes.length);
      expect(new Set(plan.nodes.map((n) => n.hostname)).size).toBe(plan.nodes.length);
      expect(new Set(plan.nodes.map((n) => n.key)).size).toBe(plan.nodes.length);

      // Blocks lie inside the subnet, avoid network/gateway/broadcast and never overlap.
      const ranges = plan.network.blocks
        .map((b) => [toNumber(b.first), toNumber(b.last)] as const)
        .sort((a, b) => a[0] - b[0]);
      ranges.forEach(([first, last], k) => {
        expect(first).toBeGreaterThan(network);
        expect(last).toBeLessThan(broadcast);
        expect(gateway < first || gateway > last).toBe(true);
        if (k > 0) expect(first).toBeGreaterThan(ranges[k - 1]![1]);
      });

      const servers = plan.nodes.filter((n) => n.role === "server");
      expect(plan.network.registrationAddress).toBe(servers.length > 1 ? plan.network.vip : servers[0]!.ip);
    }),
    RUNS,
  );
});

test("scaling an agent pool by one adds or removes only its highest-index node", () => {
  fc.assert(
    fc.property(validSpec, ({ spec, capacity }) => {
      const before = planCluster(STACK, spec);
      for (const [name, pool] of Object.entries(spec.pools)) {
        if (pool.role !== "agent") continue;

        if (pool.count < capacity[name]!) {
          const grown = planCluster(STACK, withCount(spec, name, pool.count + 1));
          const keys = new Set(before.nodes.map((n) => n.key));
          const added = grown.nodes.filter((n) => !keys.has(n.key));
          expect(added.map((n) => n.key)).toEqual([`${name}-${pool.count + 1}`]);
          expect(added[0]!.index).toBe(pool.count + 1);
          const kept = grown.nodes.filter((n) => n !== added[0]);
          check(same(kept.map(identity), before.nodes.map(identity)), () => `${name} +1 moved a node`);
          check(same(kept, before.nodes), () => `${name} +1 changed a node`);
          expect(grown.network).toEqual(before.network);
          check(
            same(
              grown.dnsRecords.filter((r) => r.name !== added[0]!.fqdn),
              before.dnsRecords,
            ),
            () => `${name} +1 changed a DNS record`,
          );
        }

        if (pool.count > 0) {
          const shrunk = planCluster(STACK, withCount(spec, name, pool.count - 1));
          const highest = before.nodes.find((n) => n.pool === name && n.index === pool.count)!;
          expect(highest).toBeDefined();
          expect(shrunk.nodes).toHaveLength(before.nodes.length - 1);
          check(
            same(
              shrunk.nodes,
              before.nodes.filter((n) => n !== highest),
            ),
            () => `${name} −1 changed a node`,
          );
          expect(shrunk.network).toEqual(before.network);
          check(
            same(
              shrunk.dnsRecords,
              before.dnsRecords.filter((r) => r.name !== highest.fqdn),
            ),
            () => `${name} −1 changed a DNS record`,
          );
          const beforeLines = zoneLines(before.zoneFile);
          const removed =
            highest.ip === null ? undefined : beforeLines.find((l) => l.startsWith(`${highest.hostname} `));
          check(
            same(
              zoneLines(shrunk.zoneFile),
              beforeLines.filter((l) => l !== removed),
            ),
            () => `${name} −1 changed the zone file beyond its record`,
          );
        }
      }
    }),
    RUNS,
  );
});

test("scaling the servers by two keeps every existing node", () => {
  fc.assert(
    fc.property(validSpec, ({ spec, capacity }) => {
      const before = planCluster(STACK, spec);
      const count = spec.pools.server!.count;
      for (const next of [count + 2, count - 2]) {
        if (next < 1 || next > capacity.server!) continue;
        const after = planCluster(STACK, withCount(spec, "server", next));
        const [small, large] = next > count ? [before, after] : [after, before];
        const keys = new Set(small.nodes.map((n) => n.key));
        const extra = large.nodes.filter((n) => !keys.has(n.key));
        expect(extra.map((n) => n.key)).toEqual([
          `server-${Math.min(count, next) + 1}`,
          `server-${Math.max(count, next)}`,
        ]);
        check(
          same(
            large.nodes.filter((n) => keys.has(n.key)),
            small.nodes,
          ),
          () => "server scaling changed a node",
        );
      }
    }),
    RUNS,
  );
});

test("planning is deterministic and independent of the order pools are written in", () => {
  fc.assert(
    fc.property(validSpec, ({ spec }) => {
      const first = planCluster(STACK, spec);
      const second = planCluster(STACK, spec);
      assert.deepStrictEqual(second, first);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      // A copy of the spec (structuredClone builds objects outside jest's realm: compare as JSON).
      expect(JSON.stringify(planCluster(STACK, structuredClone(spec)))).toBe(JSON.stringify(first));
      const reversed = { ...spec, pools: Object.fromEntries(Object.entries(spec.pools).reverse()) };
      expect(JSON.stringify(planCluster(STACK, reversed))).toBe(JSON.stringify(first));
    }),
    RUNS,
  );
});
