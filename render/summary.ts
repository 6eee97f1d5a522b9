/** The readable summary the render prints: resource tree, network, node table, DNS. */
import { kubeconfigSource } from "../components/plan/kubeconfig";
import { tableLines } from "../components/lib/table";
import { capacityLines, nodeHost } from "./capacityTable";
import type { RecordedResource } from "./mocks";
import { sortedResources } from "./report";
import type { StackRun } from "./runStack";

function tree(resources: RecordedResource[]): string[] {
  const children = new Map<string | null, RecordedResource[]>();
  for (const r of sortedResources(resources)) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const lines: string[] = [];
  const walk = (parent: string | null, indent: string) => {
    for (const r of children.get(parent) ?? []) {
      lines.push(`${indent}${r.name}  (${r.type})${r.options.protect ? "  [protected]" : ""}`);
      walk(r.urn, `${indent}  `);
    }
  };
  walk(null, "  ");
  return lines;
}

export function summary(run: StackRun, outDir: string): string {
  const { plan } = run.loaded;
  const n = plan.network;
  const nodeHeader = [
    "HOSTNAME",
    "POOL",
    "ROLE",
    "IP",
    "MAC",
    "CPU",
    "MEM MiB",
    "DISK GiB",
    "DATA GiB",
    "XO HOST",
  ];
  const nodeRows = [
    ...plan.nodes.map((x) => [
      x.hostname + (x.bootstrap ? " *" : ""),
      x.pool,
      x.role,
      x.ip ?? "dhcp",
      x.mac,
      String(x.cpus),
      String(x.memoryMiB),
      String(x.diskGiB),
      x.dataDiskGiB === null ? "-" : String(x.dataDiskGiB),
      nodeHost(run.loaded, x) ?? "-",
    ]),
  ];
  return [
    `Stack ${plan.stack}  (use case ${plan.useCase}, environment ${plan.environment}, cluster #${plan.cluster.number})`,
    `Config: ${run.loaded.files.join(" < ")}`,
    "",
    "Network",
    `  VLAN ${n.vlan}  ${n.cidr}  gateway ${n.gateway}  VIP ${n.vip}  registration ${n.registrationAddress}`,
    `  zone ${n.zone}  api ${n.apiFqdn}  resolvers ${n.resolvers.join(", ")}`,
    ...n.blocks.map((b) => `  ${b.name.padEnd(16)} ${b.first} – ${b.last}  (${b.size})`),
    "",
    "RKE2 and Rancher",
    `  RKE2 ${run.loaded.spec.rke2.version}  CNI ${run.loaded.spec.rke2.cni}  registration https://${n.registrationAddress}:9345` +
      (plan.nodes.filter((x) => x.role === "server").length > 1
        ? `  (kube-vip VIP on the servers)`
        : "  (the bootstrap server)"),
    `  Rancher mode ${run.loaded.spec.rancher.mode}` + rancherSource(run.loaded),
    "",
    `Nodes (${plan.nodes.length}; * = bootstrap server)`,
    ...tableLines(nodeHeader, nodeRows, { rule: false }).map((l) => `  ${l}`),
    "",
    ...capacityLines(run.loaded),
    "",
    `Resources (${run.resources.length})`,
    ...tree(run.resources),
    "",
    "DNS",
    ...plan.dnsRecords.map((r) => `  ${r.name}  ${r.type}  ${r.value}`),
    "",
    `Wrote ${outDir}/plan.json, ${outDir}/zone.txt and ${outDir}/nodes/<hostname>/{user-data,network-config}`,
  ].join("\n");
}

/** Where the stack's Rancher credentials and kubeconfig come from (issue 11, docs/rancher.md). */
function rancherSource(loaded: StackRun["loaded"]): string {
  const { rancher } = loaded.spec;
  const kubeconfig = `  kubeconfig from ${kubeconfigSource(loaded.spec) === "node" ? "the bootstrap server (SSH)" : "Rancher"}`;
  if (loaded.profile.management === true)
    return `  (this is the management stack: cert-manager + Rancher)${kubeconfig}`;
  if (rancher.mode === "none") return kubeconfig;
  const via = rancher.managementStack
    ? `  provider from management stack ${rancher.managementStack} (StackReference)`
    : "  provider from RANCHER_URL / RANCHER_TOKEN_KEY";
  return via + kubeconfig;
}
