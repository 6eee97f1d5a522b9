/**
 * The estate-wide check's scoping: only stacks on the same XO pool share its hosts, a stack is
 * counted once, stacks in name order after the reservations; a stack without a model is not checked.
 */
import {
  checkCapacity,
  estateDemand,
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
