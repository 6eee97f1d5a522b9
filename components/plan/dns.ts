/** A records for the cluster zone and the same records as a BIND zone-file fragment. */
import type { DnsRecord, NodePlan } from "./types";

export function dnsRecords(zone: string, apiAddress: string, nodes: NodePlan[]): DnsRecord[] {
  const records: DnsRecord[] = [{ name: `api.${zone}`, type: "A", value: apiAddress }];
  for (const node of nodes) {
    if (node.ip !== null) records.push({ name: node.fqdn, type: "A", value: node.ip });
  }
  return records;
}

/** Relative names under `$ORIGIN`, so the fragment can be included in the parent zone file. */
export function zoneFile(zone: string, records: DnsRecord[], ttl = 300): string {
  const width = Math.max(...records.map((r) => relative(zone, r.name).length));
  const lines = records.map(
    (r) => `${relative(zone, r.name).padEnd(width)}  ${ttl}  IN  ${r.type}  ${r.value}`,
  );
  return [`; cluster-orchestrator: records for ${zone}`, `$ORIGIN ${zone}.`, ...lines, ""].join("\n");
}

function relative(zone: string, name: string): string {
  return name === zone ? "@" : name.slice(0, -(zone.length + 1));
}
