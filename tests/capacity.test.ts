/**
 * The capacity model, placement over a pool's hosts and the estate-wide fit check: unit tables,
 * fast-check properties (placement stable under scaling, servers never two on a host while
 * another host has none, agents balanced, sums equal the plan), the error messages, XO's figures,
 * and the loader on the repo's stacks and on throw-away projects.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { ConfigError } from "../components/config/errors";
import { loadStack, type LoadedStack } from "../components/stack/load";
import { listStacks } from "../components/config/sources";
import { fitProblems, poolReport } from "../components/plan/capacity";
import { reservedDemand, stackDemand } from "../components/plan/capacityDemand";
import { withXoFigures } from "../components/plan/capacityLive";
import { parseCapacityModel, poolCapacitySchema, type PoolCapacity } from "../components/plan/capacityModel";
import { hostIndex, placeNodes } from "../components/plan/placement";
import type { Problem } from "../components/plan/problems";
import type { NodePlan } from "../components/plan/types";
import { profiles } from "../stacks/profiles";
import { baseSpec, pool, useTempProjects } from "./helpers/fixtures";
import { planCluster } from "../components/plan/clusterPlan";
import { runs } from "./helpers/properties";

const REPO = path.resolve(__dirname, "..");
const RUNS = runs(200);

function poolModel(hosts: number, extra: Partial<Record<string, unknown>> = {}): PoolCapacity {
  return poolCapacitySchema.parse({
    hosts: Array.from({ length: hosts }, (_, i) => ({ name: `xcp${i + 1}`, cores: 32, memoryGiB: 256 })),
    srs: [{ name: "shared-nfs", sizeGiB: 10000 }],
    ...extra,
  });
}

/** Nodes of pool `name` with indices 1..count (only the fields placement and demand read). */
function nodes(name: string, role: "server" | "agent", count: number, memoryMiB = 8192): NodePlan[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${name}-${i + 1}`,
    hostname: `${name}${i + 1}`,
    fqdn: `${name}${i + 1}.example`,
    pool: name,
    index: i + 1,
    role,
    bootstrap: role === "server" && i === 0,
    ip: null,
    mac: "02:00:00:00:00:00",
    cpus: 4,
    memoryMiB,
    diskGiB: 40,
    dataDiskGiB: role === "agent" ? 100 : null,
    labels: {},
    taints: [],
    affinityHost: null,
  }));
}

describe("the capacity model file", () => {
  test("a valid model gets the code defaults (dom0 8 GiB, 5 % headroom, 4 vCPU per thread, SR ratio 1)", () => {
    const { model, problems } = parseCapacityModel(
      "pools:\n  lab:\n    hosts: [{name: h1, cores: 16, memoryGiB: 128}]\n    srs: [{name: ssd, sizeGiB: 900}]\n",
    );
    expect(problems).toEqual([]);
    expect(model!.pools.lab).toMatchObject({
      hosts: [{ name: "h1", cores: 16, memoryGiB: 128, controlDomainGiB: 8 }],
      headroomPercent: 5,
      vcpuRatio: 4,
      srRatio: 1,
      reserved: [],
    });
  });

  test.each([
    ["a YAML error", "pools: [", [[], /line 1/]],
    [
      "no hosts",
      "pools:\n  lab:\n    hosts: []\n    srs: [{name: s, sizeGiB: 1}]",
      [["pools", "lab", "hosts"], /at least 1|>=1/],
    ],
    [
      "a misspelt key",
      "pools:\n  lab:\n    hosts: [{name: h, cores: 1, memoryGiB: 1, ram: 2}]\n    srs: [{name: s, sizeGiB: 1}]",
      [["pools", "lab", "hosts", 0, "ram"], /unknown key/],
    ],
    [
      "a host listed twice",
      "pools:\n  lab:\n    hosts: [{name: h, cores: 1, memoryGiB: 1}, {name: h, cores: 1, memoryGiB: 1}]\n    srs: [{name: s, sizeGiB: 1}]",
      [["pools", "lab", "hosts", 1, "name"], /listed twice/],
    ],
    [
      "a reservation on an unknown host",
      "pools:\n  lab:\n    hosts: [{name: h, cores: 1, memoryGiB: 1}]\n    srs: [{name: s, sizeGiB: 1}]\n    reserved: [{name: xo, vcpus: 1, memoryGiB: 1, host: nope}]",
      [["pools", "lab", "reserved", 0, "host"], /no host 'nope'/],
    ],
    [
      "a local SR of an unknown host",
      "pools:\n  lab:\n    hosts: [{name: h, cores: 1, memoryGiB: 1}]\n    srs: [{name: s, sizeGiB: 1, host: other}]",
      [["pools", "lab", "srs", 0, "host"], /no host 'other'/],
    ],
  ] as [string, string, [(string | number)[], RegExp]][])(
    "%s is reported with its key path",
    (_, text, [p, message]) => {
      const { model, problems } = parseCapacityModel(text);
      expect(model).toBeNull();
      expect(problems).toContainEqual({ path: p, message: expect.stringMatching(message) });
    },
  );
});

describe("placement over a pool's hosts", () => {
  test("one host: no affinity is set (XO places every VM on it)", () => {
    const spec = baseSpec();
    const plan = planCluster("legal-ai-dev", spec);
    expect(placeNodes(3, spec.pools, plan.nodes, ["xcp1"], [])).toEqual(plan.nodes);
  });

  test("three hosts: cluster N's servers start at host N−1 and take one host each; agents start one further", () => {
    const spec = baseSpec();
    const placed = placeNodes(3, spec.pools, planCluster("x", spec).nodes, ["a", "b", "c"], []);
    expect(placed.map((n) => [n.hostname, n.affinityHost])).toEqual([
      ["cluster3-server1", "c"],
      ["cluster3-server2", "a"],
      ["cluster3-server3", "b"],
      ["cluster3-worker1", "a"],
      ["cluster3-worker2", "b"],
    ]);
  });

  test("an explicit affinityHost wins, and must name a host of the model", () => {
    const spec = baseSpec((s) => {
      s.pools.server.affinityHost = "b";
      s.pools.worker.affinityHost = "zz";
    });
    const problems: Problem[] = [];
    const placed = placeNodes(1, spec.pools, planCluster("x", spec).nodes, ["a", "b"], problems);
    expect(placed.filter((n) => n.role === "server").map((n) => n.affinityHost)).toEqual(["b", "b", "b"]);
    expect(problems).toEqual([
      { path: ["pools", "worker", "affinityHost"], message: expect.stringContaining("no host 'zz'") },
    ]);
  });

  const shape = fc.record({
    cluster: fc.integer({ min: 1, max: 4000 }),
    hosts: fc.integer({ min: 1, max: 7 }),
    servers: fc.integer({ min: 0, max: 9 }),
    agents: fc.array(
      fc.record({ slot: fc.integer({ min: 0, max: 15 }), count: fc.integer({ min: 0, max: 40 }) }),
      {
        maxLength: 4,
      },
    ),
    grow: fc.integer({ min: 1, max: 10 }),
  });

  const placeAll = (
    s: { cluster: number; hosts: number },
    servers: number,
    agents: { slot: number; count: number }[],
  ) => {
    const pools = {
      server: pool({ role: "server", count: servers, cpus: 2, memoryMiB: 4096, diskGiB: 20 }),
      ...Object.fromEntries(
        agents.map((a, i) => [
          `a${i}`,
          pool({ role: "agent", slot: a.slot, count: a.count, cpus: 2, memoryMiB: 4096, diskGiB: 20 }),
        ]),
      ),
    };
    const all = [
      nodes("server", "server", servers),
      ...agents.map((a, i) => nodes(`a${i}`, "agent", a.count)),
    ].flat();
    const hosts = Array.from({ length: s.hosts }, (_, i) => `h${i}`);
    return placeNodes(s.cluster, pools, all, hosts, []);
  };

  test("stable under scaling: growing any pool moves no existing node", () => {
    fc.assert(
      fc.property(shape, (s) => {
        const before = placeAll(s, s.servers, s.agents);
        const after = placeAll(
          s,
          s.servers + s.grow,
          s.agents.map((a) => ({ ...a, count: a.count + s.grow })),
        );
        const hostOf = new Map(after.map((n) => [n.key, n.affinityHost]));
        for (const n of before) expect(hostOf.get(n.key)).toBe(n.affinityHost);
      }),
      RUNS,
    );
  });

  test("servers never share a host while another host has none; every pool is balanced (±1 per host)", () => {
    fc.assert(
      fc.property(shape, (s) => {
        const placed = placeAll(s, s.servers, s.agents);
        if (s.hosts < 2) {
          expect(placed.every((n) => n.affinityHost === null)).toBe(true);
          return;
        }
        for (const poolName of new Set(placed.map((n) => n.pool))) {
          const perHost = new Map<string, number>(Array.from({ length: s.hosts }, (_, i) => [`h${i}`, 0]));
          for (const n of placed.filter((x) => x.pool === poolName))
            perHost.set(n.affinityHost!, perHost.get(n.affinityHost!)! + 1);
          const counts = [...perHost.values()];
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
        const servers = placed.filter((n) => n.role === "server").map((n) => n.affinityHost);
        if (servers.length <= s.hosts) expect(new Set(servers).size).toBe(servers.length);
      }),
      RUNS,
    );
  });

  test("a node's host depends on its index, not on the pool's count", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 9 }),
        (n, slot, index, h) => {
          const h1 = hostIndex(n, { role: "agent", slot }, index, h);
          expect(h1).toBeGreaterThanOrEqual(0);
          expect(h1).toBeLessThan(h);
          expect(hostIndex(n, { role: "agent", slot }, index + h, h)).toBe(h1);
        },
      ),
      RUNS,
    );
  });
});

describe("the estate-wide fit check", () => {
  const stackShape = (stack: string, clusterNumber: number, list: NodePlan[]) => ({
    stack,
    clusterNumber,
    pools: {
      server: pool({ role: "server", count: 1, cpus: 4, memoryMiB: 8192, diskGiB: 40 }),
      worker: pool({ role: "agent", count: 1, cpus: 4, memoryMiB: 8192, diskGiB: 40 }),
    },
    nodes: list,
    sr: "shared-nfs",
  });

  test("sums per host and SR equal the plan's VMs plus the reservations (any host count)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({
            servers: fc.integer({ min: 1, max: 5 }),
            workers: fc.integer({ min: 0, max: 12 }),
            mem: fc.integer({ min: 1, max: 64 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (hostCount, stacks) => {
          const model = poolModel(hostCount, {
            reserved: [{ name: "mgmt", count: 3, vcpus: 4, memoryGiB: 16, diskGiB: 100 }],
          });
          const shapes = stacks.map((s, i) =>
            stackShape(`s${i}`, i + 1, [
              ...nodes("server", "server", s.servers),
              ...nodes("worker", "agent", s.workers, s.mem * 1024),
            ]),
          );
          const vms = [...reservedDemand(model), ...shapes.flatMap((s) => stackDemand(s, model))];
          const report = poolReport("lab", "model.yaml", model, vms);
          const sum = (resource: string, f: (u: { asked: number }) => number) =>
            report.uses.filter((u) => u.resource === resource).reduce((a, u) => a + f(u), 0);
          const allNodes = shapes.flatMap((s) => s.nodes);
          expect(sum("memory", (u) => u.asked)).toBeCloseTo(
            allNodes.reduce((a, n) => a + n.memoryMiB / 1024, 0) + 48,
            5,
          );
          expect(sum("vCPU", (u) => u.asked)).toBe(allNodes.reduce((a, n) => a + n.cpus, 0) + 12);
          expect(sum("SR", (u) => u.asked)).toBe(
            allNodes.reduce((a, n) => a + n.diskGiB + (n.dataDiskGiB ?? 0), 0) + 300,
          );
          for (const u of report.uses) {
            expect(u.byConsumer.reduce((a, c) => a + c.amount, 0)).toBeCloseTo(u.asked, 5);
            expect(u.free).toBeCloseTo(u.capacity - u.asked, 5);
          }
        },
      ),
      RUNS,
    );
  });

  test("a stack that does not fit: one message per resource naming pool, resource, asked, free, largest consumers", () => {
    const model = poolModel(1, {
      reserved: [{ name: "xo", vcpus: 2, memoryGiB: 4, diskGiB: 20 }],
      vcpuRatio: 1,
    });
    const big = stackShape("big-prod", 2, nodes("worker", "agent", 4, 64 * 1024));
    const small = stackShape("small-dev", 1, nodes("worker", "agent", 2, 8 * 1024));
    const vms = [...reservedDemand(model), ...stackDemand(big, model), ...stackDemand(small, model)];
    const report = poolReport("lab", "xo-pools.yaml", model, vms);
    // memory: 256 − 8 − 12.8 = 235.2 GiB; asked 256 + 16 + 4 = 276; vCPU: 32 × 1 = 32, asked 16 + 8 + 2 = 26
    expect(fitProblems(report, model, "big-prod", vms)).toEqual([
      "does not fit on XO pool 'lab' (xo-pools.yaml): memory of host 'xcp1': this stack asks 256.0 GiB, 215.2 GiB free " +
        "(capacity 235.2 GiB = 256 GiB − 8 GiB control domain − 5 % headroom; the others take 20.0 GiB); short by 40.8 GiB. " +
        "Largest consumers: big-prod 256.0 GiB, small-dev 16.0 GiB, reserved xo 4.0 GiB",
    ]);
    // The small stack is also over (the estate is), so its preview fails too, with its own figures.
    expect(fitProblems(report, model, "small-dev", vms)[0]).toMatch(/this stack asks 16.0 GiB, 0.0 GiB free/);
    // Nothing is reported for a resource that fits.
    expect(report.uses.find((u) => u.resource === "vCPU")!.free).toBe(6);
  });

  test("an SR missing from the model, or a node on another host's local SR, is named", () => {
    const model = poolModel(2, { srs: [{ name: "local-a", sizeGiB: 1000, host: "xcp1" }] });
    const s = { ...stackShape("st", 1, nodes("server", "server", 3)), sr: "local-a" };
    const vms = stackDemand(s, model);
    expect(fitProblems(poolReport("lab", "m", model, vms), model, "st", vms)).toEqual([
      "server2 is placed on host 'xcp2' but its disks are on 'local-a', local to host 'xcp1' (XO pool 'lab' (m))",
    ]);
    const other = { ...s, sr: "nope" };
    const vms2 = stackDemand(other, model);
    expect(fitProblems(poolReport("lab", "m", model, vms2), model, "st", vms2)).toEqual([
      "SR 'nope' is not in the capacity model of XO pool 'lab' (m) (SRs: local-a)",
    ]);
  });

  test("XO's figures: the smaller of model and XO counts; a model host XO lacks is a problem", () => {
    const model = poolModel(2);
    const GiB = 1024 ** 3;
    const live = withXoFigures("lab", model, {
      hosts: [{ name: "xcp1", memoryBytes: 128 * GiB, cores: 64 }],
      srs: [{ name: "shared-nfs", sizeBytes: 20000 * GiB }],
    });
    expect(live.pool.hosts.map((h) => [h.name, h.memoryGiB, h.cores])).toEqual([
      ["xcp1", 128, 32],
      ["xcp2", 0, 0],
    ]);
    expect(live.pool.srs[0]!.sizeGiB).toBe(10000);
    expect(live.smaller).toEqual(["xcp1 has 128 GiB of RAM in XO"]);
    expect(live.problems).toEqual([
      expect.stringContaining("host 'xcp2' of the capacity model is not in XO pool 'lab'"),
    ]);
    // A figure XO leaves blank (0) keeps the model's instead of failing every preview.
    const blank = withXoFigures("lab", poolModel(1), {
      hosts: [{ name: "xcp1", memoryBytes: 0, cores: 0 }],
      srs: [{ name: "shared-nfs", sizeBytes: 0 }],
    });
    expect([blank.pool.hosts[0]!.memoryGiB, blank.pool.hosts[0]!.cores, blank.pool.srs[0]!.sizeGiB]).toEqual([
      256, 32, 10000,
    ]);
    expect(blank.smaller).toEqual([]);
  });
});

describe("the loader", () => {
  test("the repo's six stacks plus the reservations fit the reference host, and the report sums equal the plans", () => {
    // Loaded inside the test: work in describe() would make every capacity mutant static.
    const stacks = listStacks(REPO);
    const loaded: LoadedStack[] = stacks.map((stack) => loadStack(stack, { rootDir: REPO, profiles }));
    const report = loaded[0]!.capacity!.report!;
    expect(report.consumers).toEqual(
      // The management cluster is the stack rancher-prod now, no longer a reservation.
      [...stacks, "reserved xen-orchestra"].sort(),
    );
    const memory = report.uses.find((u) => u.resource === "memory")!;
    const planned = loaded.flatMap((l) => l.plan.nodes).reduce((a, n) => a + n.memoryMiB / 1024, 0);
    const reserved = loaded[0]!.capacity!.pool.reserved.reduce((a, r) => a + r.count * r.memoryGiB, 0);
    expect(memory.asked).toBeCloseTo(planned + reserved, 5);
    for (const u of report.uses) expect(u.free).toBeGreaterThanOrEqual(0);
    // Every stack sees the same estate.
    for (const l of loaded) expect(l.capacity!.report).toEqual(report);
  });

  const temp = useTempProjects();
  function project(model: string | null, stackExtra: Record<string, unknown> = {}): string {
    // Without rancher-prod in this project, the layer's rancher.managementStack would name nothing.
    const env = fs
      .readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8")
      .replace(/^\s+managementStack: .*$/m, "");
    const files = {
      environments: { dev: env },
      stacks: Object.fromEntries(
        ["legal-ai-dev", "healthcare-dev"].map((s) => [
          s,
          {
            environment: "dev",
            useCase: s.replace("-dev", ""),
            cluster: { number: s === "legal-ai-dev" ? 1 : 3 },
            ...(s === "legal-ai-dev" ? stackExtra : {}),
          },
        ]),
      ),
    };
    const root = temp(files);
    if (model !== null) fs.writeFileSync(path.join(root, "xo-pools.yaml"), model);
    return root;
  }
  const error = (root: string) => {
    try {
      loadStack("legal-ai-dev", { rootDir: root, profiles });
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error("expected a ConfigError");
  };
  const smallModel =
    "pools:\n  homelab:\n    hosts: [{name: xcp-ng-01, cores: 16, memoryGiB: 64}]\n    srs: [{name: local-ssd, sizeGiB: 2000}]\n";

  test("a stack made bigger than the host fails with the pool, the resource, asked, free and the largest consumers", () => {
    const root = project(smallModel, { pools: { worker: { count: 4 } } });
    const e = error(root);
    expect(e.problems).toEqual([
      {
        key: "cluster-orchestrator:pools",
        file: "stacks/Pulumi.legal-ai-dev.yaml",
        message: expect.stringMatching(
          /^does not fit on XO pool 'homelab' \(xo-pools.yaml\): memory of host 'xcp-ng-01': this stack asks 70.0 GiB, 30.8 GiB free .*Largest consumers: legal-ai-dev 70.0 GiB, healthcare-dev 22.0 GiB$/,
        ),
      },
    ]);
    expect(e.message).toMatch(/nothing was created or changed/);
  });

  test("while the estate does not fit, every stack on the pool fails; alone (no cross-check) it loads", () => {
    // healthcare-dev alone fits 64 GiB; with legal-ai-dev grown, healthcare-dev fails as well.
    const root = project(smallModel, { pools: { worker: { count: 4 } } });
    expect(() => loadStack("healthcare-dev", { rootDir: root, profiles })).toThrow(
      /this stack asks 22.0 GiB/,
    );
    expect(() => loadStack("healthcare-dev", { rootDir: root, profiles, crossCheck: false })).not.toThrow();
  });

  test.each([
    [
      "the model file is missing",
      null,
      /cluster-orchestrator:capacity.model \(Pulumi.dev.yaml\): no file xo-pools.yaml/,
    ],
    [
      "the pool is not in the model",
      smallModel.replace("homelab", "annex"),
      /cluster-orchestrator:xo.pool \(Pulumi.dev.yaml\): XO pool 'homelab' has no entry in the capacity model xo-pools.yaml \(pools: annex\)/,
    ],
    [
      "the model has a mistake",
      smallModel.replace("cores: 16", "cores: -1"),
      /capacity model: pools.homelab.hosts\[0\].cores \(xo-pools.yaml\): /,
    ],
  ])("%s: a clear error naming the key and the file", (_, model, message) => {
    expect(error(project(model)).message).toMatch(message);
  });
});

describe("pull-request previews", () => {
  test("a change to the capacity model previews every stack (each is checked against it)", () => {
    const out = execFileSync("bash", [path.join(REPO, ".github/scripts/changed-stacks.sh"), "--root", REPO], {
      input: "xo-pools.yaml\n",
      encoding: "utf8",
    });
    const all = listStacks(REPO);
    // Every stack, the management stack first (the deploy order).
    expect(JSON.parse(out)).toEqual(["rancher-prod", ...all.filter((s) => s !== "rancher-prod")]);
  });
});
