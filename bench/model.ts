/**
 * A MODEL of a real `pulumi up` from nothing to a ready cluster — not a measurement. It replays
 * the recorded dependency graph through the engine's scheduling (a step starts when everything it
 * depends on is done, at most PULUMI_PARALLEL steps at once) with assumed step times, and adds
 * what happens inside the VMs after they boot, where the ordering lives in the boot script
 * (docs/rke2.md), not in the graph: server 1 initialises, servers join one at a time, agents join
 * in parallel once the registration address answers.
 *
 * Every number below is an assumption, stated so that it can be replaced by a measured one.
 */
import type { RecordedResource } from "../render/mocks";
import { isComponent, waitsFor } from "./graph";

/**
 * Pulumi CLI default `--parallel`: 4 × the CPUs of the machine running `pulumi up`
 * (pulumi/pulumi pkg/cmd/pulumi/operations/up.go, defaultParallel; issue #14989).
 * Assumed: a 4-CPU workstation or CI runner.
 */
export const PULUMI_PARALLEL = 16;
/**
 * Assumption: XO (XAPI on one host and one SR) clones and starts this many VMs at a time; further
 * VM creations queue. The provider itself imposes no limit.
 */
export const XO_CONCURRENT_CLONES = 4;
/** Assumption: fast clone of the template on a thin-provisioned SR, config drive, disk resize. */
export const VM_CLONE_S = 30;
/** Assumption: boot until the guest tools report the expected address (the provider's wait ends). */
export const VM_BOOT_TO_IP_S = 45;
/** Assumption: the rest of cloud-init: packages, files, co-prepare-node.sh, RKE2 installer download. */
export const NODE_PREPARE_S = 120;
/** Assumption: server 1 initialises: etcd, control plane, :9345 answers at the registration address. */
export const RKE2_INIT_S = 150;
/** Assumption: one more server joins (etcd learner promoted, control plane up) before the next may. */
export const SERVER_JOIN_S = 120;
/** Assumption: an agent starts rke2-agent, pulls its images and turns Ready. */
export const AGENT_JOIN_S = 90;
/** Assumption: import manifest applied on server 1 → cattle-cluster-agent connected → cluster Active. */
export const RANCHER_REGISTER_S = 180;
/** Assumption: ClusterSync's stateConfirm: 2 — two consecutive Active polls. */
export const SYNC_CONFIRM_S = 20;
/** Assumption: one Helm chart installed and its pods ready (charts run in parallel). */
export const CHART_S = 300;
/** Assumption: one plain Kubernetes object (namespace, policy, quota, secret) applied. */
export const K8S_OBJECT_S = 2;
/** Assumption: an API call that creates a record (XO network, Rancher cluster entry). */
export const API_CALL_S = 5;
/** Assumption: local-only resources (random values, providers). */
export const LOCAL_S = 1;

export interface ModelResult {
  nodes: number;
  /** Seconds from the start of `pulumi up`. */
  vmsCreated: number;
  registrationAnswers: number;
  serversJoined: number;
  agentsJoined: number;
  rancherSynced: number | null;
  /** Every Pulumi step done, Kubernetes objects and charts included. */
  pulumiDone: number;
  /** Every node joined and every Pulumi step done. */
  ready: number;
  /** What the ready time waits for, last step first. */
  criticalPath: string;
}

const VM = "xenorchestra:index/vm:Vm";
const SYNC = "rancher2:index/clusterSync:ClusterSync";

interface Node {
  role: "server" | "agent";
  /** Position among servers: server 1 is the bootstrap node. */
  index: number;
  ipAt: number;
}

export function modelUp(resources: RecordedResource[], providers: Record<string, string>): ModelResult {
  const steps = resources.filter((r) => !isComponent(r.type));
  const urns = new Set(steps.map((r) => r.urn));
  const finished = new Map<string, number>();
  const xoFree = Array.from({ length: XO_CONCURRENT_CLONES }, () => 0);
  const nodes = new Map<string, Node>();
  let guest: GuestTimeline | null = null;

  /** When a step that starts at `start` finishes. VMs queue for XO; the sync waits for Rancher. */
  const finish = (r: RecordedResource, start: number): number => {
    if (r.type === VM) {
      const slot = xoFree.indexOf(Math.min(...xoFree));
      const cloneStart = Math.max(start, xoFree[slot]!);
      xoFree[slot] = cloneStart + VM_CLONE_S;
      const ipAt = cloneStart + VM_CLONE_S + VM_BOOT_TO_IP_S;
      nodes.set(r.urn, { ...vmRole(r), ipAt });
      return ipAt;
    }
    if (r.type === SYNC) {
      // The sync depends on every VM, so every boot time is known here.
      guest ??= guestTimeline([...nodes.values()]);
      return Math.max(start, guest.registrationAnswers + RANCHER_REGISTER_S) + SYNC_CONFIRM_S;
    }
    return start + stepSeconds(r.type);
  };

  // The engine: FIFO in registration order, a step starts once its dependencies are done and a
  // slot is free; time advances to the next step that finishes.
  const pending = [...steps];
  const running: { urn: string; until: number }[] = [];
  let now = 0;
  while (pending.length > 0 || running.length > 0) {
    for (let i = 0; i < pending.length && running.length < PULUMI_PARALLEL;) {
      const r = pending[i]!;
      const deps = waitsFor(r, providers).filter((d) => urns.has(d));
      if (deps.every((d) => (finished.get(d) ?? Infinity) <= now)) {
        running.push({ urn: r.urn, until: finish(r, now) });
        pending.splice(i, 1);
      } else i++;
    }
    if (running.length === 0) throw new Error("model: no step can start (a dependency outside the graph?)");
    running.sort((a, b) => a.until - b.until);
    const next = running.shift()!;
    now = next.until;
    finished.set(next.urn, now);
  }
  const pulumiDone = now;
  guest ??= guestTimeline([...nodes.values()]);
  const vmTimes = [...nodes.values()].map((n) => n.ipAt);
  const syncs = steps.filter((r) => r.type === SYNC).map((r) => finished.get(r.urn)!);
  const vmsCreated = Math.max(...vmTimes);
  const ready = Math.max(pulumiDone, guest.serversJoined, guest.agentsJoined);
  const rancherSynced = syncs.length > 0 ? Math.max(...syncs) : null;
  return {
    nodes: nodes.size,
    vmsCreated,
    registrationAnswers: guest.registrationAnswers,
    serversJoined: guest.serversJoined,
    agentsJoined: guest.agentsJoined,
    rancherSynced,
    pulumiDone,
    ready,
    criticalPath: criticalPath(ready, pulumiDone, rancherSynced, vmsCreated, guest),
  };
}

function criticalPath(
  ready: number,
  pulumiDone: number,
  rancherSynced: number | null,
  vmsCreated: number,
  guest: GuestTimeline,
): string {
  // The VM that boots last is the last to be cloned: XO's queue decides when it boots.
  const lastBoot = "XO clone queue → last VM boots";
  if (ready === guest.serversJoined && ready > pulumiDone)
    return "server 1 init → servers join one at a time";
  if (ready === guest.agentsJoined && ready > pulumiDone) return `${lastBoot} → its agent joins`;
  if (rancherSynced === null) return `${lastBoot} → Kubernetes objects`;
  const rancherActive = guest.registrationAnswers + RANCHER_REGISTER_S;
  const syncWaitedFor = rancherActive >= vmsCreated ? "server 1 init → Rancher registration" : lastBoot;
  return pulumiDone > rancherSynced
    ? `${syncWaitedFor} → ClusterSync → workloads (charts)`
    : `${syncWaitedFor} → ClusterSync`;
}

function stepSeconds(type: string): number {
  if (type === "kubernetes:helm.sh/v3:Release" || type === "kubernetes:helm.sh/v4:Chart") return CHART_S;
  if (type.startsWith("pulumi:providers:") || type.startsWith("random:")) return LOCAL_S;
  if (type.startsWith("kubernetes:")) return K8S_OBJECT_S;
  return API_CALL_S;
}

/** Role and server position from the VM's tags and name (`<cluster>-<pool>-<index>`). */
function vmRole(r: RecordedResource): Omit<Node, "ipAt"> {
  const tags = (r.inputs.tags ?? []) as string[];
  const role = tags.includes("role=server") ? "server" : "agent";
  return { role, index: Number(/-(\d+)$/.exec(r.name)?.[1] ?? 0) };
}

interface GuestTimeline {
  registrationAnswers: number;
  serversJoined: number;
  agentsJoined: number;
}

/** Inside the VMs, after boot: the ordering co-bootstrap.sh enforces (docs/rke2.md). */
function guestTimeline(nodes: Node[]): GuestTimeline {
  const servers = nodes.filter((n) => n.role === "server").sort((a, b) => a.index - b.index);
  const agents = nodes.filter((n) => n.role === "agent");
  const prepared = (n: Node) => n.ipAt + NODE_PREPARE_S;
  let previous = 0;
  let registrationAnswers = 0;
  for (const [k, server] of servers.entries()) {
    // Server 1 initialises; server k waits for server k−1, then joins.
    previous =
      k === 0 ? prepared(server) + RKE2_INIT_S : Math.max(prepared(server), previous) + SERVER_JOIN_S;
    if (k === 0) registrationAnswers = previous;
  }
  const agentsJoined = Math.max(
    0,
    ...agents.map((a) => Math.max(prepared(a), registrationAnswers) + AGENT_JOIN_S),
  );
  return { registrationAnswers, serversJoined: previous, agentsJoined };
}

/** The assumptions, for the report. */
export const MODEL_ASSUMPTIONS: [string, number, string][] = [
  ["PULUMI_PARALLEL", PULUMI_PARALLEL, "steps at once: the CLI default, 4 × CPUs, for a 4-CPU machine"],
  ["XO_CONCURRENT_CLONES", XO_CONCURRENT_CLONES, "VM clones XO runs at a time (assumption)"],
  ["VM_CLONE_S", VM_CLONE_S, "fast clone + config drive + disk resize (assumption)"],
  ["VM_BOOT_TO_IP_S", VM_BOOT_TO_IP_S, "boot until the guest tools report the address (assumption)"],
  ["NODE_PREPARE_S", NODE_PREPARE_S, "rest of cloud-init, RKE2 install (assumption)"],
  ["RKE2_INIT_S", RKE2_INIT_S, "server 1 initialises the cluster (assumption)"],
  ["SERVER_JOIN_S", SERVER_JOIN_S, "one server joins; servers join one at a time (assumption)"],
  ["AGENT_JOIN_S", AGENT_JOIN_S, "one agent joins; agents join in parallel (assumption)"],
  ["RANCHER_REGISTER_S", RANCHER_REGISTER_S, "import manifest → cluster Active in Rancher (assumption)"],
  ["SYNC_CONFIRM_S", SYNC_CONFIRM_S, "ClusterSync's two Active polls (assumption)"],
  ["CHART_S", CHART_S, "one Helm chart to ready pods; charts in parallel (assumption)"],
  ["K8S_OBJECT_S", K8S_OBJECT_S, "one plain Kubernetes object (assumption)"],
  ["API_CALL_S", API_CALL_S, "XO network, Rancher cluster entry (assumption)"],
  ["LOCAL_S", LOCAL_S, "random values, providers (assumption)"],
];
