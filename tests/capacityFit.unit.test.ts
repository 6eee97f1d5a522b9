/**
 * The estate-wide fit check's decisions at their edges: a resource exactly full fits and one
 * tenth more does not, a stack asking nothing of an over-full resource is not blamed, the free
 * figure never goes negative, at most four consumers are named; XO's figures (rounded down, the
 * smaller wins, a blank keeps the model's); where reservations and nodes land. Expected figures
 * are worked out by hand in each test.
 */
import { fitProblems, poolReport } from "../components/plan/capacity";
import { reservedDemand, stackDemand, type VmDemand } from "../components/plan/capacityDemand";
import { withXoFigures } from "../components/plan/capacityLive";
import { poolCapacitySchema, type PoolCapacity } from "../components/plan/capacityModel";
import type { NodePlan } from "../components/plan/types";
import { pool as poolSpec } from "./helpers/fixtures";

const GiB = 1024 ** 3;

/** A pool whose host gives exactly `memory` GiB to VMs (no control domain, no headroom) and `vcpus`. */
function exactPool(memory: number, vcpus: number, extra: Record<string, unknown> = {}): PoolCapacity {
  return poolCapacitySchema.parse({
    hosts: [{ name: "h1", cores: vcpus, memoryGiB: memory, controlDomainGiB: 0.001 }],
    srs: [{ name: "ssd", sizeGiB: 1000 }],
    headroomPercent: 0,
    vcpuRatio: 1,
    ...extra,
  });
}

function vm(consumer: string, memoryGiB: number, fields: Partial<VmDemand> = {}): VmDemand {
  return {
    consumer,
    vm: `${consumer}-vm`,
    host: "h1",
    vcpus: 1,
    memoryGiB,
    sr: "ssd",
    diskGiB: 10,
    ...fields,
  };
}

const problemsFor = (p: PoolCapacity, stack: string, vms: VmDemand[]) =>
  fitProblems(poolReport("lab", "m.yaml", p, vms), p, stack, vms);

describe("fit at the edge", () => {
  // Capacity 64 − 0.001 rounds to 64.0 GiB: the report works in tenths.
  test("asked equal to the capacity fits; a tenth more does not", () => {
    const p = exactPool(64, 8);
    expect(problemsFor(p, "a", [vm("a", 32), vm("b", 32)])).toEqual([]);
    const over = problemsFor(p, "a", [vm("a", 32.1), vm("b", 32)]);
    expect(over).toHaveLength(1);
    expect(over[0]).toContain("memory of host 'h1': this stack asks 32.1 GiB, 32.0 GiB free");
    expect(over[0]).toContain("short by 0.1 GiB");
  });

  test("a stack asking nothing of the over-full resource is not blamed; the one that asks is", () => {
    const p = exactPool(64, 8);
    const vms = [vm("a", 70, { vcpus: 0 }), vm("b", 0, { vcpus: 2 })];
    expect(problemsFor(p, "b", vms)).toEqual([]);
    expect(problemsFor(p, "a", vms)).toHaveLength(1);
  });

  test("vCPUs: 8 of 8 fit, 9 do not, counted in whole vCPUs; free never goes below zero", () => {
    const p = exactPool(1000, 8);
    expect(problemsFor(p, "a", [vm("a", 1, { vcpus: 4 }), vm("b", 1, { vcpus: 4 })])).toEqual([]);
    expect(problemsFor(p, "a", [vm("a", 1, { vcpus: 1 }), vm("b", 1, { vcpus: 8 })])).toEqual([
      "does not fit on XO pool 'lab' (m.yaml): vCPU of host 'h1': this stack asks 1 vCPUs, 0 vCPUs free " +
        "(capacity 8 vCPUs = 8 logical CPUs × 1; the others take 8 vCPUs); short by 1 vCPUs. " +
        "Largest consumers: b 8 vCPUs, a 1 vCPUs",
    ]);
  });

  test("the four largest consumers are named, largest first, ties by name; the fifth is left out", () => {
    const p = exactPool(10, 100);
    const vms = [vm("e", 1), vm("d", 2), vm("c", 3), vm("b", 3), vm("a", 4)];
    const [message] = problemsFor(p, "e", vms);
    expect(message).toMatch(/Largest consumers: a 4\.0 GiB, b 3\.0 GiB, c 3\.0 GiB, d 2\.0 GiB$/);
    expect(message).not.toContain("e 1.0 GiB");
  });

  test("memory capacity is the host's RAM less its control domain and headroom", () => {
    const p = poolCapacitySchema.parse({
      hosts: [{ name: "h1", cores: 4, memoryGiB: 100, controlDomainGiB: 6 }],
      srs: [{ name: "ssd", sizeGiB: 100 }],
      headroomPercent: 10,
      srRatio: 2,
    });
    const report = poolReport("lab", "m.yaml", p, [vm("a", 1), vm("b", 2.25)]);
    expect(report.uses.map((u) => [u.resource, u.where, u.capacity, u.asked, u.free, u.basis])).toEqual([
      ["memory", "h1", 84, 3.3, 80.7, "100 GiB − 6 GiB control domain − 10 % headroom"],
      ["vCPU", "h1", 16, 2, 14, "4 logical CPUs × 4"],
      ["SR", "ssd", 200, 20, 180, "100 GiB × 2"],
    ]);
    expect(report.consumers).toEqual(["a", "b"]);
  });

  test("VMs on another host or SR count where they are, not here", () => {
    const p = exactPool(10, 100, {
      hosts: [
        { name: "h1", cores: 4, memoryGiB: 10 },
        { name: "h2", cores: 4, memoryGiB: 10 },
      ],
      srs: [
        { name: "ssd", sizeGiB: 100 },
        { name: "nfs", sizeGiB: 100 },
      ],
    });
    const report = poolReport("lab", "m.yaml", p, [vm("a", 1, { host: "h2", sr: "nfs", diskGiB: 7 })]);
    expect(report.uses.map((u) => [u.resource, u.where, u.asked])).toEqual([
      ["memory", "h1", 0],
      ["vCPU", "h1", 0],
      ["memory", "h2", 1],
      ["vCPU", "h2", 1],
      ["SR", "ssd", 0],
      ["SR", "nfs", 7],
    ]);
  });

  test("an SR the model lacks is named once however many VMs use it; other stacks' VMs are not this stack's", () => {
    const p = exactPool(100, 100);
    const vms = [vm("a", 1, { sr: "gone" }), vm("a", 1, { sr: "gone" }), vm("b", 1, { sr: "other" })];
    expect(problemsFor(p, "a", vms)).toEqual([
      "SR 'gone' is not in the capacity model of XO pool 'lab' (m.yaml) (SRs: ssd)",
    ]);
  });

  test("a VM on the host of its local SR is fine", () => {
    const p = exactPool(100, 100, { srs: [{ name: "ssd", sizeGiB: 100, host: "h1" }] });
    expect(problemsFor(p, "a", [vm("a", 1)])).toEqual([]);
  });
});

describe("XO's figures", () => {
  const model = () =>
    poolCapacitySchema.parse({
      hosts: [{ name: "h1", cores: 16, memoryGiB: 128 }],
      srs: [
        { name: "ssd", sizeGiB: 1000 },
        { name: "nfs", sizeGiB: 500 },
      ],
    });

  test("memory is rounded down to a tenth of a GiB; equal figures are not 'smaller'", () => {
    const live = withXoFigures("lab", model(), {
      hosts: [{ name: "h1", memoryBytes: 127.96 * GiB, cores: 16 }],
      srs: [{ name: "ssd", sizeBytes: 1000 * GiB }],
    });
    expect(live.pool.hosts[0]).toMatchObject({ memoryGiB: 127.9, cores: 16 });
    expect(live.smaller).toEqual(["h1 has 127.9 GiB of RAM in XO"]);
    expect(live.problems).toEqual([]);
  });

  test("fewer cores and a smaller SR (rounded down to a GiB) win and are named; an SR XO did not report keeps the model's", () => {
    const live = withXoFigures("lab", model(), {
      hosts: [{ name: "h1", memoryBytes: 256 * GiB, cores: 12 }],
      srs: [{ name: "ssd", sizeBytes: 999.9 * GiB }],
    });
    expect(live.pool.hosts[0]).toMatchObject({ memoryGiB: 128, cores: 12 });
    expect(live.pool.srs.map((s) => [s.name, s.sizeGiB])).toEqual([
      ["ssd", 999],
      ["nfs", 500],
    ]);
    expect(live.smaller).toEqual(["h1 has 12 logical CPUs in XO", "SR ssd has 999 GiB in XO"]);
  });

  test("XO listing no host: every model host is a problem and counts for nothing", () => {
    const live = withXoFigures("lab", model(), { hosts: [], srs: [] });
    expect(live.problems).toEqual([
      "host 'h1' of the capacity model is not in XO pool 'lab' (XO lists: no host)",
    ]);
    expect(live.pool.hosts[0]).toMatchObject({ memoryGiB: 0, cores: 0 });
    expect(live.pool.srs.map((s) => s.sizeGiB)).toEqual([1000, 500]);
  });
});

describe("where the VMs land", () => {
  test("reservations spread over the hosts from the first, unless pinned; their disks on the first SR by default", () => {
    const p = poolCapacitySchema.parse({
      hosts: [
        { name: "h1", cores: 4, memoryGiB: 10 },
        { name: "h2", cores: 4, memoryGiB: 10 },
      ],
      srs: [
        { name: "ssd", sizeGiB: 100 },
        { name: "nfs", sizeGiB: 100 },
      ],
      reserved: [
        { name: "mgmt", count: 3, vcpus: 2, memoryGiB: 8, diskGiB: 50 },
        { name: "xo", vcpus: 1, memoryGiB: 2, host: "h2", sr: "nfs" },
      ],
    });
    expect(
      reservedDemand(p).map((d) => [d.consumer, d.vm, d.host, d.sr, d.vcpus, d.memoryGiB, d.diskGiB]),
    ).toEqual([
      ["reserved mgmt", "mgmt-1", "h1", "ssd", 2, 8, 50],
      ["reserved mgmt", "mgmt-2", "h2", "ssd", 2, 8, 50],
      ["reserved mgmt", "mgmt-3", "h1", "ssd", 2, 8, 50],
      ["reserved xo", "xo-1", "h2", "nfs", 1, 2, 0],
    ]);
  });

  test("one host: every node runs on it; memory in GiB, disk plus data disk", () => {
    const node = {
      pool: "worker",
      index: 1,
      hostname: "w1",
      cpus: 3,
      memoryMiB: 1536,
      diskGiB: 40,
      dataDiskGiB: 60,
      affinityHost: null,
    } as NodePlan;
    const p = exactPool(100, 100);
    const demand = stackDemand(
      {
        stack: "s",
        clusterNumber: 2,
        pools: { worker: poolSpec({ role: "agent", count: 1, cpus: 3, memoryMiB: 1536, diskGiB: 40 }) },
        nodes: [node, { ...node, index: 2, hostname: "w2", dataDiskGiB: null }],
        sr: "ssd",
      },
      p,
    );
    expect(demand).toEqual([
      { consumer: "s", vm: "w1", host: "h1", vcpus: 3, memoryGiB: 1.5, sr: "ssd", diskGiB: 100 },
      { consumer: "s", vm: "w2", host: "h1", vcpus: 3, memoryGiB: 1.5, sr: "ssd", diskGiB: 40 },
    ]);
  });
});

describe("the remaining edges", () => {
  test("an over-full SR is named as an SR, in GiB; each use reports its unit", () => {
    const p = exactPool(1000, 100, { srs: [{ name: "ssd", sizeGiB: 30 }] });
    const vms = [vm("a", 1, { diskGiB: 20 }), vm("b", 1, { diskGiB: 15 })];
    expect(poolReport("lab", "m.yaml", p, vms).uses.map((u) => [u.resource, u.unit])).toEqual([
      ["memory", "GiB"],
      ["vCPU", "vCPU"],
      ["SR", "GiB"],
    ]);
    expect(problemsFor(p, "a", vms)).toEqual([
      "does not fit on XO pool 'lab' (m.yaml): SR 'ssd': this stack asks 20.0 GiB, 15.0 GiB free " +
        "(capacity 30.0 GiB = 30 GiB × 1; the others take 15.0 GiB); short by 5.0 GiB. " +
        "Largest consumers: a 20.0 GiB, b 15.0 GiB",
    ]);
  });

  test("another stack's VM on a missing or another host's SR is that stack's problem, not this one's", () => {
    const p = exactPool(100, 100, {
      hosts: [
        { name: "h1", cores: 4, memoryGiB: 64 },
        { name: "h2", cores: 4, memoryGiB: 64 },
      ],
      srs: [
        { name: "ssd", sizeGiB: 100 },
        { name: "local2", sizeGiB: 100, host: "h2" },
      ],
    });
    const vms = [vm("a", 1), vm("b", 1, { sr: "gone" }), vm("c", 1, { sr: "local2", host: "h1" })];
    expect(problemsFor(p, "a", vms)).toEqual([]);
    expect(problemsFor(p, "b", vms)).toEqual([
      "SR 'gone' is not in the capacity model of XO pool 'lab' (m.yaml) (SRs: ssd, local2)",
    ]);
  });

  test("XO's hosts are listed when a model host is missing; an SR's figure is matched by name", () => {
    const live = withXoFigures(
      "lab",
      poolCapacitySchema.parse({
        hosts: [{ name: "h1", cores: 16, memoryGiB: 128 }],
        srs: [
          { name: "ssd", sizeGiB: 1000 },
          { name: "nfs", sizeGiB: 500 },
        ],
      }),
      {
        hosts: [
          { name: "x1", memoryBytes: GiB, cores: 1 },
          { name: "x2", memoryBytes: GiB, cores: 1 },
        ],
        srs: [{ name: "nfs", sizeBytes: 100 * GiB }],
      },
    );
    expect(live.problems).toEqual([
      "host 'h1' of the capacity model is not in XO pool 'lab' (XO lists: x1, x2)",
    ]);
    expect(live.pool.srs.map((s) => [s.name, s.sizeGiB])).toEqual([
      ["ssd", 1000],
      ["nfs", 100],
    ]);
  });
});
