/**
 * VM snapshots of a whole cluster through XO's REST API: take one per VM (same name on every
 * VM, so the set is listed and deleted as one), list them, delete them.
 *
 * A cluster's VMs are the VMs tagged `cluster=<name>` (the tag every node gets, unique per
 * stack). Host names are not enough on their own: cluster numbers are per environment, so dev
 * and prod clusters on the same XO pool share host names (`cluster1-server1`); they are used to
 * report planned nodes that have no VM.
 */
import type { ClusterFacts } from "./doctorTypes";
import { anyOf, resultId, type XoClient } from "./xoClient";

export interface XoVm {
  id: string;
  name_label: string;
  tags: string[];
  power_state?: string;
}

export interface XoSnapshot {
  id: string;
  name_label: string;
  $snapshot_of: string;
  snapshot_time?: number;
}

export interface ClusterVms {
  vms: XoVm[];
  /** Planned host names without a tagged VM (not created yet, or renamed). */
  missing: string[];
}

export async function findClusterVms(client: XoClient, cluster: ClusterFacts): Promise<ClusterVms> {
  const found = await client.list<XoVm>(
    "vms",
    ["name_label", "tags", "power_state"],
    anyOf("tags", [cluster.clusterTag]),
  );
  const vms = found
    .filter((vm) => Array.isArray(vm.tags) && vm.tags.includes(cluster.clusterTag))
    .sort((a, b) => a.name_label.localeCompare(b.name_label) || a.id.localeCompare(b.id));
  const names = new Set(vms.map((vm) => vm.name_label));
  return { vms, missing: cluster.hostnames.filter((h) => !names.has(h)) };
}

/** `co-<stack>-<UTC yyyymmddThhmmssZ>`. */
export function snapshotName(stack: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `co-${stack}-${stamp}`;
}

export type SnapshotEvent =
  | { kind: "started"; vm: XoVm; task: string }
  | { kind: "done"; vm: XoVm; snapshotId: string | null }
  | { kind: "failed"; vm: XoVm; error: string };

export interface SnapshotResult {
  vm: XoVm;
  ok: boolean;
  snapshotId: string | null;
  error: string | null;
}

/** Snapshots every VM (at most `concurrency` tasks at a time) and waits for each task. */
export async function snapshotVms(
  client: XoClient,
  vms: XoVm[],
  name: string,
  options: { concurrency?: number; onEvent?: (event: SnapshotEvent) => void } = {},
): Promise<SnapshotResult[]> {
  const { concurrency = 4, onEvent = () => undefined } = options;
  const results: SnapshotResult[] = new Array<SnapshotResult>(vms.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < vms.length) {
      const index = next++;
      const vm = vms[index]!;
      try {
        const task = await client.startAction("vms", vm.id, "snapshot", { name_label: name });
        onEvent({ kind: "started", vm, task });
        const done = await client.waitForTask(task);
        const snapshotId = resultId(done);
        onEvent({ kind: "done", vm, snapshotId });
        results[index] = { vm, ok: true, snapshotId, error: null };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        onEvent({ kind: "failed", vm, error: message });
        results[index] = { vm, ok: false, snapshotId: null, error: message };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, vms.length) }, () => worker()));
  return results;
}

/** Snapshots of the given VMs, newest first. */
export async function listSnapshots(client: XoClient, vms: XoVm[]): Promise<XoSnapshot[]> {
  if (vms.length === 0) return [];
  const ids = new Set(vms.map((vm) => vm.id));
  const found = await client.list<XoSnapshot>(
    "vm-snapshots",
    ["name_label", "$snapshot_of", "snapshot_time"],
    anyOf("$snapshot_of", [...ids]),
  );
  return found
    .filter((s) => ids.has(s.$snapshot_of))
    .sort(
      (a, b) =>
        (b.snapshot_time ?? 0) - (a.snapshot_time ?? 0) ||
        a.name_label.localeCompare(b.name_label) ||
        a.id.localeCompare(b.id),
    );
}

/** The snapshots whose name or id is `nameOrId`. */
export function matchSnapshots(snapshots: XoSnapshot[], nameOrId: string): XoSnapshot[] {
  return snapshots.filter((s) => s.name_label === nameOrId || s.id === nameOrId);
}

export function formatSnapshotTime(snapshotTime: number | undefined): string {
  // XO gives snapshot_time in seconds since the epoch.
  return snapshotTime === undefined
    ? "?"
    : new Date(snapshotTime * 1000)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z");
}
