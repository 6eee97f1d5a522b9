/**
 * Issue 15: which VMs and snapshots fleet acts on. XO's filter matches a case-insensitive
 * SUBSTRING (fleet/xoClient.ts header; vatesfr/xen-orchestra packages/complex-matcher), so XO
 * answers more than asked: `tags:"cluster=legal-ai-dev"` also returns legal-ai-dev-old's VMs.
 * Deleting or snapshotting those would touch another cluster: every answer is re-checked exactly
 * here, and these tests feed the superset a real XO returns.
 */
import {
  findClusterVms,
  formatSnapshotTime,
  listSnapshots,
  matchSnapshots,
  snapshotName,
  snapshotVms,
  type XoSnapshot,
  type XoVm,
} from "../fleet/snapshot";
import type { ClusterFacts } from "../fleet/doctorTypes";
import { resultId, type XoClient } from "../fleet/xoClient";

/** A client whose list() answers a fixed superset and records the filter it was given. */
function listing(rows: Record<string, object[]>) {
  const filters: string[] = [];
  const client = {
    list: (collection: string, _fields: string[], filter?: string) => {
      filters.push(`${collection} ${filter ?? ""}`);
      return Promise.resolve(rows[collection] ?? []);
    },
  } as unknown as XoClient; // only list() is used by these functions
  return { client, filters };
}

const cluster = {
  clusterTag: "cluster=legal-ai-dev",
  hostnames: ["cluster1-server1", "cluster1-server2", "cluster1-worker1"],
} as ClusterFacts; // findClusterVms reads only these two fields

const vm = (id: string, name: string, tags: string[]): XoVm => ({ id, name_label: name, tags });

describe("the cluster's VMs", () => {
  test("only VMs carrying the exact tag; sorted by name then id; planned names without a VM are missing", async () => {
    const { client, filters } = listing({
      vms: [
        vm("b", "cluster1-server2", ["cluster=legal-ai-dev"]),
        vm("x", "cluster1-server1", ["cluster=legal-ai-dev-old"]),
        vm("y", "cluster1-worker1", ["Cluster=Legal-AI-Dev"]),
        vm("a2", "cluster1-server1", ["env=dev", "cluster=legal-ai-dev"]),
        vm("a1", "cluster1-server1", ["cluster=legal-ai-dev"]),
        { id: "z", name_label: "cluster1-worker1" },
      ],
    });
    const found = await findClusterVms(client, cluster);
    expect(found.vms.map((v) => v.id)).toEqual(["a1", "a2", "b"]);
    expect(found.missing).toEqual(["cluster1-worker1"]);
    expect(filters).toEqual(['vms tags:"cluster=legal-ai-dev"']);
  });
});

describe("the cluster's snapshots", () => {
  const snap = (id: string, name: string, of: string, time?: number): XoSnapshot => ({
    id,
    name_label: name,
    $snapshot_of: of,
    ...(time !== undefined ? { snapshot_time: time } : {}),
  });

  test("only snapshots of the given VMs (not of a VM whose id merely contains one), newest first", async () => {
    const { client, filters } = listing({
      "vm-snapshots": [
        snap("s1", "co-a", "vm-1", 100),
        snap("s2", "co-b", "vm-1-other", 300),
        snap("s3", "co-b", "vm-2", 200),
        snap("s4", "co-a", "vm-2", 100),
        snap("s5", "co-c", "vm-2"),
      ],
    });
    const found = await listSnapshots(client, [
      vm("vm-1", "a", []),
      vm("vm-2", "b", []),
      vm("vm-1", "a", []),
    ]);
    expect(found.map((s) => s.id)).toEqual(["s3", "s1", "s4", "s5"]);
    expect(filters).toEqual(['vm-snapshots |($snapshot_of:"vm-1" $snapshot_of:"vm-2")']);
  });

  test("no VM: no request, no snapshot", async () => {
    const { client, filters } = listing({ "vm-snapshots": [snap("s1", "co-a", "vm-1")] });
    expect(await listSnapshots(client, [])).toEqual([]);
    expect(filters).toEqual([]);
  });

  test("matching by exact name or exact id, never by prefix or case", () => {
    const all = [
      snap("s1", "co-a", "v"),
      snap("s2", "co-a-2", "v"),
      snap("co-a", "other", "v"),
      snap("s4", "CO-A", "v"),
    ];
    expect(matchSnapshots(all, "co-a").map((s) => s.id)).toEqual(["s1", "co-a"]);
    expect(matchSnapshots(all, "s2").map((s) => s.id)).toEqual(["s2"]);
    expect(matchSnapshots(all, "co")).toEqual([]);
  });
});

describe("names, times and task results", () => {
  test("snapshotName is co-<stack>-<UTC stamp to the second>", () => {
    expect(snapshotName("legal-ai-dev", new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)))).toBe(
      "co-legal-ai-dev-20250102T030405Z",
    );
  });

  test("formatSnapshotTime reads XO's seconds; unknown is ?", () => {
    expect(formatSnapshotTime(1_735_787_045)).toBe("2025-01-02 03:04:05Z");
    expect(formatSnapshotTime(undefined)).toBe("?");
    expect(formatSnapshotTime(0)).toBe("1970-01-01 00:00:00Z");
  });

  test.each<[unknown, string | null]>([
    ["uuid-1", "uuid-1"],
    [{ id: "uuid-2" }, "uuid-2"],
    [{ id: 7 }, "7"],
    [{ other: 1 }, null],
    [null, null],
    [undefined, null],
    [42, null],
  ])("resultId(%j) = %j", (result, id) => {
    expect(resultId({ id: "t", status: "success", result })).toBe(id);
  });
});

describe("snapshotVms", () => {
  test("at most `concurrency` tasks at a time; a failed VM does not stop the others; results keep the order", async () => {
    let active = 0;
    let most = 0;
    const started: string[] = [];
    const client = {
      startAction: async (_c: string, id: string, action: string, params: { name_label: string }) => {
        active++;
        most = Math.max(most, active);
        started.push(`${id} ${action} ${params.name_label}`);
        await new Promise((resolve) => setImmediate(resolve));
        if (id === "v2") {
          active--;
          throw new Error("XO said no");
        }
        return `/tasks/${id}`;
      },
      waitForTask: async (task: string) => {
        await new Promise((resolve) => setImmediate(resolve));
        active--;
        return { id: task, status: "success", result: { id: `snap-of-${task.slice(7)}` } };
      },
    } as unknown as XoClient; // only startAction and waitForTask are used
    const vms = ["v1", "v2", "v3", "v4", "v5"].map((id) => vm(id, id, []));
    const events: string[] = [];
    const results = await snapshotVms(client, vms, "co-x", {
      concurrency: 2,
      onEvent: (e) => events.push(`${e.kind} ${e.vm.id}`),
    });
    expect(most).toBe(2);
    expect(started).toHaveLength(5);
    expect(started[0]).toBe("v1 snapshot co-x");
    expect(results.map((r) => [r.vm.id, r.ok, r.snapshotId, r.error])).toEqual([
      ["v1", true, "snap-of-v1", null],
      ["v2", false, null, "XO said no"],
      ["v3", true, "snap-of-v3", null],
      ["v4", true, "snap-of-v4", null],
      ["v5", true, "snap-of-v5", null],
    ]);
    expect(events).toContain("failed v2");
    expect(events).toContain("done v5");
    expect(events.filter((e) => e.startsWith("started"))).toHaveLength(4);
  });
});
