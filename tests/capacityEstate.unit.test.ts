/**
 * The estate-wide check's scoping: only stacks on the same XO pool share its hosts, a stack is
 * counted once, stacks in name order after the reservations; a stack without a model is not checked.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../components/config/errors";
import { PlanProblems } from "../components/plan/problems";
import {
  checkCapacity,
  estateDemand,
  placeOnPool,
  type PlannedStack,
  type StackCapacity,
} from "../components/plan/capacityEstate";
import { poolCapacitySchema } from "../components/plan/capacityModel";
import { planCluster } from "../components/plan/clusterPlan";
import { baseSpec } from "./helpers/fixtures";

const model = poolCapacitySchema.parse({
  hosts: [{ name: "h1", cores: 8, memoryGiB: 64 }],
  srs: [{ name: "local-ssd", sizeGiB: 1000 }],
  reserved: [{ name: "xo", vcpus: 2, memoryGiB: 4 }],
});

/** A one-server, one-worker stack on XO pool `xoPool`. */
function stack(name: string, number: number, xoPool: string): PlannedStack {
  const spec = baseSpec((i) => {
    i.cluster.number = number;
    i.xo.pool = xoPool;
    i.pools.server.count = 1;
    i.pools.worker.count = 1;
  });
  return { stack: name, spec, plan: planCluster(name, spec) };
}

test("only stacks on the same XO pool count, each once, in name order after the reservations", () => {
  const self = stack("m-dev", 2, "homelab");
  const others = [
    stack("z-dev", 3, "homelab"),
    stack("a-dev", 1, "homelab"),
    stack("b-dev", 4, "annex"), // another XO pool: other hosts
    self, // the loader passes every stack, this one included
  ];
  expect(estateDemand(self, others, model).map((d) => `${d.consumer}/${d.vm}`)).toEqual([
    "reserved xo/xo-1",
    "a-dev/cluster1-server1",
    "a-dev/cluster1-worker1",
    "m-dev/cluster2-server1",
    "m-dev/cluster2-worker1",
    "z-dev/cluster3-server1",
    "z-dev/cluster3-worker1",
  ]);
});

test("the check runs on the stack's pool only: a full other XO pool does not fail it", () => {
  const capacity: StackCapacity = { modelFile: "xo-pools.yaml", pool: model };
  const self = { ...stack("m-dev", 2, "homelab"), capacity };
  // 20 stacks of 2 × 8 GiB on 'annex' would not fit 64 GiB; on another XO pool they do not count.
  const annex = Array.from({ length: 20 }, (_, k) => stack(`x${k}`, k + 5, "annex"));
  expect(checkCapacity(self, annex)).toEqual([]);
  expect(capacity.report!.consumers).toEqual(["m-dev", "reserved xo"]);
  // The same stacks on its own pool do not fit, and the problem is the stack's, at its pools key.
  const crowd = annex.map((s) => ({ ...s, spec: { ...s.spec, xo: { ...s.spec.xo, pool: "homelab" } } }));
  const problems = checkCapacity(self, crowd);
  expect(problems.length).toBeGreaterThan(0);
  expect(problems[0]).toMatchObject({
    key: "cluster-orchestrator:pools",
    file: "stacks/Pulumi.m-dev.yaml",
    message: expect.stringContaining("does not fit on XO pool 'homelab' (xo-pools.yaml)"),
  });
  expect(capacity.vms!.length).toBe(1 + 2 * 21);
});

test("a stack without a capacity model is not checked", () => {
  expect(checkCapacity(stack("m-dev", 2, "homelab"), [])).toEqual([]);
});

describe("placing a stack on its pool's model", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const withModel = (name: string, text: string | null, modify?: (s: PlannedStack) => void) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "capacity-model-"));
    dirs.push(root);
    if (text !== null) fs.writeFileSync(path.join(root, "xo-pools.yaml"), text);
    const s = stack(name, 2, "homelab");
    s.spec.capacity.model = "xo-pools.yaml";
    modify?.(s);
    return { root, s };
  };
  const twoHosts =
    "pools:\n  homelab:\n    hosts: [{name: h1, cores: 8, memoryGiB: 64}, {name: h2, cores: 8, memoryGiB: 64}]\n    srs: [{name: local-ssd, sizeGiB: 1000}]\n";
  const problemsOf = (f: () => unknown): unknown[] => {
    try {
      f();
    } catch (e) {
      if (e instanceof PlanProblems) return e.problems;
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    throw new Error("expected problems");
  };

  test("no model configured: the stack comes back as it was", () => {
    const s = stack("m-dev", 2, "homelab");
    expect(placeOnPool(s, "/nonexistent")).toBe(s);
  });

  test("the nodes are placed over the pool's hosts and the pool is attached", () => {
    const { root, s } = withModel("m-dev", twoHosts);
    const placed = placeOnPool(s, root);
    // Cluster 2: servers start at host (2 − 1) mod 2 = h2; an agent of slot 0 at (2 + 0) mod 2 = h1.
    expect(placed.plan.nodes.map((n) => [n.hostname, n.affinityHost])).toEqual([
      ["cluster2-server1", "h2"],
      ["cluster2-worker1", "h1"],
    ]);
    expect(placed.capacity).toEqual({
      modelFile: "xo-pools.yaml",
      pool: expect.objectContaining({ srRatio: 1 }),
    });
    expect(s.plan.nodes.every((n) => n.affinityHost === null)).toBe(true); // the input is not changed
  });

  test.each<[string, string | null, ((s: PlannedStack) => void) | undefined, unknown[]]>([
    [
      "the file is missing",
      null,
      undefined,
      [{ path: ["capacity", "model"], message: "no file xo-pools.yaml in the project root" }],
    ],
    [
      "the model has no pool at all",
      "pools: {}\n",
      undefined,
      [
        {
          path: ["xo", "pool"],
          message: "XO pool 'homelab' has no entry in the capacity model xo-pools.yaml (pools: none)",
        },
      ],
    ],
    [
      "a pool's affinity host is not in the model",
      twoHosts,
      (s) => (s.spec.pools.worker!.affinityHost = "h9"),
      [
        {
          path: ["pools", "worker", "affinityHost"],
          message: "no host 'h9' in the capacity model of this XO pool (hosts: h1, h2)",
        },
      ],
    ],
    [
      "the model is broken",
      "pools:\n  homelab:\n    hosts: [{name: h1, cores: 0, memoryGiB: 64}]\n    srs: [{name: s, sizeGiB: 1}]\n",
      undefined,
      [
        {
          key: "capacity model: pools.homelab.hosts[0].cores",
          file: "xo-pools.yaml",
          message: expect.stringMatching(/>=\s*1/),
        },
      ],
    ],
  ])("%s: refused with where to look", (_, text, modify, expected) => {
    const { root, s } = withModel(`m-${text === null ? "x" : text.length}`, text, modify);
    expect(problemsOf(() => placeOnPool(s, root))).toEqual(expected);
  });
});
