/**
 * Cross-stack collisions (components/stack/collisions.ts), one kind at a time. The scopes follow
 * DESIGN.md §3–4 and the module's header: cluster numbers and host names are unique within an
 * environment (its DNS zone and naming); VLANs, subnets and MACs are unique among the stacks of one
 * XO pool, whatever their environment, because they share that pool's PIFs and layer 2 and XO
 * refuses a duplicate MAC within a pool. Two XO pools are separate networks: the same VLAN, subnet
 * or MAC on each is no clash.
 */
import { checkCollisions } from "../components/stack/collisions";
import type { LoadedStack } from "../components/stack/types";
import { loadedStack, macOf, type StackShape } from "./helpers/loadedStacks";

const SELF_FILE = "stacks/Pulumi.legal-ai-dev.yaml";

/** This stack: dev, XO pool homelab, cluster 1, VLAN 101, 10.10.1.0/24. */
const self = (shape: StackShape = {}) =>
  loadedStack("legal-ai-dev", { environment: "dev", pool: "homelab", number: 1, ...shape });

/** Another stack sharing nothing with `self()` unless `shape` says so. */
const other = (shape: StackShape = {}, stack = "healthcare-dev") =>
  loadedStack(stack, { environment: "dev", pool: "homelab", number: 2, ...shape });

const keys = (self: LoadedStack, others: LoadedStack[]) => checkCollisions(self, others).map((p) => p.key);

describe("one kind of clash at a time: exactly that problem, naming this stack's file and the other stack", () => {
  test("nothing shared: no problem", () => {
    expect(checkCollisions(self(), [other()])).toEqual([]);
  });

  test.each<[string, StackShape, string, RegExp]>([
    [
      "cluster number",
      { number: 1, vlan: 150, cidr: "10.10.50.0/24", hosts: ["b-1"], macs: [macOf(50, 0)] },
      "cluster.number",
      /^cluster number 1 is already used by stack healthcare-dev \(stacks\/Pulumi\.healthcare-dev\.yaml\)$/,
    ],
    [
      "host name",
      { hosts: ["cluster1-worker1", "other"] },
      "cluster.hostnamePattern",
      /^host name\(s\) cluster1-worker1 also used by stack healthcare-dev$/,
    ],
    [
      "VLAN",
      { vlan: 101 },
      "cluster.vlan",
      /^VLAN 101 is already used by stack healthcare-dev on XO pool 'homelab'$/,
    ],
    [
      "subnet",
      { cidr: "10.10.0.0/23" },
      "cluster.cidr",
      /^subnet 10\.10\.1\.0\/24 overlaps 10\.10\.0\.0\/23 of stack healthcare-dev$/,
    ],
    [
      "MAC",
      { macs: ["02:00:00:00:00:09", macOf(1, 0)] },
      "cluster.number",
      /^MAC address\(es\) also used by stack healthcare-dev: cluster1-server1 02:00:0a:0a:01:01$/,
    ],
  ])("%s", (_kind, shape, key, message) => {
    const problems = checkCollisions(self(), [other(shape)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({
      key: `cluster-orchestrator:${key}`,
      file: SELF_FILE,
      message: expect.stringMatching(message),
    });
  });

  test("several shared host names and MACs are all listed, in this stack's node order", () => {
    const hosts = ["h-a", "h-b", "h-c"];
    const macs = [macOf(9, 0), macOf(9, 1), macOf(9, 2)];
    const mine = self({ hosts, macs });
    const problems = checkCollisions(mine, [
      other({ hosts: ["h-c", "x", "h-a"], macs: [macs[2]!, macs[0]!] }),
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      "host name(s) h-a, h-c also used by stack healthcare-dev",
      `MAC address(es) also used by stack healthcare-dev: h-a ${macs[0]}, h-c ${macs[2]}`,
    ]);
  });

  test("every other stack that clashes is reported, each by name", () => {
    const problems = checkCollisions(self(), [
      other({ vlan: 101 }),
      other({ number: 3 }, "accounting-analytics-dev"),
      other({ vlan: 101, number: 4 }, "rancher-dev"),
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      "VLAN 101 is already used by stack healthcare-dev on XO pool 'homelab'",
      "VLAN 101 is already used by stack rancher-dev on XO pool 'homelab'",
    ]);
  });
});

describe("subnet overlap: both containments clash, neighbours do not", () => {
  test.each<[string, string, boolean]>([
    ["10.10.1.0/24", "10.10.1.0/24", true],
    ["10.10.1.0/24", "10.10.1.128/25", true],
    ["10.10.1.0/24", "10.10.0.0/16", true],
    ["10.10.1.0/24", "10.10.0.0/24", false],
    ["10.10.1.0/24", "10.10.2.0/24", false],
    ["10.10.1.0/25", "10.10.1.128/25", false],
  ])("%s against %s: clash %s", (mine, theirs, clash) => {
    expect(keys(self({ cidr: mine }), [other({ cidr: theirs })])).toEqual(
      clash ? ["cluster-orchestrator:cluster.cidr"] : [],
    );
  });
});

describe("scopes: two XO pools, two environments", () => {
  /** Shares VLAN, subnet and MACs with self() (and nothing else). */
  const sameNetwork: StackShape = { vlan: 101, cidr: "10.10.1.0/24", macs: [macOf(1, 0), macOf(1, 1)] };

  test("same VLAN, subnet and MACs on another XO pool: no clash (a separate network)", () => {
    expect(checkCollisions(self(), [other({ ...sameNetwork, pool: "lab2" })])).toEqual([]);
  });

  test("the same on the same XO pool in another environment: VLAN, subnet and MAC all clash", () => {
    expect(keys(self(), [other({ ...sameNetwork, environment: "prod" }, "healthcare-prod")])).toEqual([
      "cluster-orchestrator:cluster.vlan",
      "cluster-orchestrator:cluster.cidr",
      "cluster-orchestrator:cluster.number",
    ]);
  });

  test("the pool named in the VLAN message is the shared pool", () => {
    const problems = checkCollisions(self({ pool: "rack-b" }), [other({ vlan: 101, pool: "rack-b" })]);
    expect(problems.map((p) => p.message)).toEqual([
      "VLAN 101 is already used by stack healthcare-dev on XO pool 'rack-b'",
    ]);
  });

  test("same cluster number and host names in another environment: no clash, even on the same XO pool", () => {
    const twin: StackShape = { number: 1, vlan: 201, cidr: "10.20.1.0/24", macs: [macOf(7, 0), macOf(7, 1)] };
    expect(checkCollisions(self(), [other({ ...twin, environment: "prod" }, "legal-ai-prod")])).toEqual([]);
  });

  test("same cluster number and host names on another XO pool of the same environment: both clash", () => {
    const twin: StackShape = { number: 1, pool: "lab2", vlan: 101, cidr: "10.10.1.0/24" };
    expect(keys(self(), [other(twin)])).toEqual([
      "cluster-orchestrator:cluster.number",
      "cluster-orchestrator:cluster.hostnamePattern",
    ]);
  });
});
