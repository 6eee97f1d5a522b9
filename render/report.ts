/**
 * Turns a mocked run into the offline render: plan.json and, per node, the exact user-data and
 * network-config strings the VM resources receive, secrets replaced by a placeholder.
 */
import { networkSummary, nodeSummary } from "../components/plan/summary";
import { rke2Settings } from "../components/rke2/settings";
import type { StackRun } from "./runStack";
import { capacityJson, nodeHost } from "./capacityTable";
import { isMockSecret, type RecordedResource } from "./mocks";

export const VM_TYPE = "xenorchestra:index/vm:Vm";
export const SECRET_PLACEHOLDER = "REDACTED-SECRET";

export interface NodeFiles {
  hostname: string;
  userData: string;
  networkConfig: string;
}

function nameOf(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/**
 * Plain text of a mock input (a secret input is unwrapped: the file is redacted afterwards by
 * the secret values the simulated services handed out, so it stays a valid file).
 */
export function plainText(value: unknown): string {
  if (isMockSecret(value)) return String(value.value);
  return typeof value === "string" ? value : "";
}

export function redact(text: string, secrets: Set<string>): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(SECRET_PLACEHOLDER);
  }
  return out;
}

export function sortedResources(resources: RecordedResource[]): RecordedResource[] {
  return [...resources].sort((a, b) => a.urn.localeCompare(b.urn));
}

export function nodeFiles(run: StackRun): NodeFiles[] {
  return sortedResources(run.resources)
    .filter((r) => r.type === VM_TYPE)
    .map((vm) => ({
      hostname: String(vm.inputs.nameLabel),
      userData: plainText(vm.inputs.cloudConfig),
      networkConfig: plainText(vm.inputs.cloudNetworkConfig),
    }));
}

export function planJson(run: StackRun): Record<string, unknown> {
  const { plan, spec } = run.loaded;
  return {
    stack: plan.stack,
    environment: plan.environment,
    useCase: plan.useCase,
    files: run.loaded.files,
    cluster: {
      number: plan.cluster.number,
      name: plan.cluster.name,
      ...networkSummary(plan.network),
      zone: plan.network.zone,
      resolvers: plan.network.resolvers,
      blocks: plan.network.blocks,
    },
    rke2: {
      version: spec.rke2.version,
      cni: spec.rke2.cni,
      profile: rke2Settings(spec, run.loaded.profile).cisProfile ? "cis" : "default",
      registration: `https://${plan.network.registrationAddress}:9345`,
      kubeVip: plan.nodes.filter((n) => n.role === "server").length > 1 ? plan.network.vip : null,
    },
    rancher: { mode: spec.rancher.mode },
    nodes: plan.nodes.map((n) => ({
      ...nodeSummary(n),
      bootstrap: n.bootstrap,
      cpus: n.cpus,
      memoryMiB: n.memoryMiB,
      diskGiB: n.diskGiB,
      dataDiskGiB: n.dataDiskGiB,
      host: nodeHost(run.loaded, n),
    })),
    capacity: capacityJson(run.loaded),
    resources: sortedResources(run.resources).map((r) => ({
      type: r.type,
      name: r.name,
      parent: r.parent === null ? null : nameOf(r.parent),
      dependsOn: r.dependencies.map(nameOf).sort(),
      options: r.options,
    })),
    dnsRecords: plan.dnsRecords,
  };
}
