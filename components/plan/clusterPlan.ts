/**
 * The whole cluster plan from a validated spec: pure, deterministic, every problem at once.
 * Components only wire what this decides.
 */
import type { ClusterSpec, PoolSpec } from "../config/schema";
import { blockToPlan, describeBlock, planLayout, type Block, type Layout } from "./addressing";
import { dnsRecords, zoneFile } from "./dns";
import { formatCidr, netmask, numberToIp } from "../lib/ipv4";
import { dhcpMac, staticMac } from "./mac";
import { checkHostnamePattern, clusterZone, hostname, isRfc1123Label } from "./naming";
import { checkClusterSettings } from "./clusterChecks";
import { PlanProblems, type Problem } from "./problems";
import type { ClusterPlan, NodePlan } from "./types";

export function planCluster(stack: string, spec: ClusterSpec): ClusterPlan {
  const problems: Problem[] = [];
  const layout = planLayout({ ...spec.cluster, ...spec.network }, problems);
  checkPools(spec, problems);
  checkClusterSettings(spec, problems);
  const patternOk = checkHostnamePattern(spec.cluster.hostnamePattern, problems);
  // Pool problems do not stop planning: block capacity is still checked, so all are reported at once.
  if (!layout || !patternOk) throw new PlanProblems(problems);

  const zone = clusterZone(spec.useCase, spec.environment, spec.network.domain);
  const nodes = sortedPools(spec).flatMap(([name, pool]) =>
    planPool(spec, layout, zone, name, pool, problems),
  );
  checkUniqueHostnames(nodes, problems);
  checkDhcpTotal(spec, layout, problems);
  if (problems.length > 0) throw new PlanProblems(problems);

  const servers = nodes.filter((n) => n.role === "server");
  const bootstrapIp = servers[0]?.ip ?? numberToIp(layout.vip);
  const registrationAddress = servers.length > 1 ? numberToIp(layout.vip) : bootstrapIp;
  const apiFqdn = `api.${zone}`;
  const records = dnsRecords(zone, registrationAddress, nodes);
  const vipBlock: Block = { name: "vip", first: layout.vip, size: 1 };
  const blocks = [layout.reserved, vipBlock, layout.servers, ...layout.workerSlots, layout.dhcp].filter(
    (b): b is Block => b !== null,
  );
  return {
    stack,
    environment: spec.environment,
    useCase: spec.useCase,
    cluster: { number: spec.cluster.number, name: spec.cluster.name ?? stack },
    network: {
      vlan: layout.vlan,
      cidr: formatCidr(layout.subnet),
      prefixLength: layout.subnet.prefixLength,
      netmask: netmask(layout.subnet.prefixLength),
      gateway: numberToIp(layout.gateway),
      vip: numberToIp(layout.vip),
      registrationAddress,
      resolvers: spec.network.resolvers,
      zone,
      apiFqdn,
      mtu: spec.network.mtu,
      blocks: blocks.map(blockToPlan),
      dhcpRange: layout.dhcp
        ? { first: blockToPlan(layout.dhcp).first, last: blockToPlan(layout.dhcp).last }
        : null,
    },
    nodes,
    dnsRecords: records,
    zoneFile: zoneFile(zone, records),
  };
}

/** Servers first (the bootstrap server is server 1), then pools by name: a stable order. */
function sortedPools(spec: ClusterSpec): [string, PoolSpec][] {
  return Object.entries(spec.pools).sort(([a, pa], [b, pb]) =>
    pa.role === pb.role ? a.localeCompare(b) : pa.role === "server" ? -1 : 1,
  );
}

function checkPools(spec: ClusterSpec, problems: Problem[]): void {
  const entries = Object.entries(spec.pools);
  const servers = entries.filter(([, p]) => p.role === "server");
  if (servers.length !== 1) {
    problems.push({
      path: ["pools"],
      message: `exactly one pool must have role "server" (found ${servers.length})`,
    });
  }
  for (const [name, pool] of servers) {
    if (pool.count < 1 || pool.count % 2 === 0) {
      problems.push({
        path: ["pools", name, "count"],
        message: `a server pool needs an odd number of servers for etcd quorum (1, 3, 5…), got ${pool.count}`,
      });
    }
    if (pool.addressing !== "static") {
      problems.push({ path: ["pools", name, "addressing"], message: "servers need static addresses" });
    }
  }
  const staticAgents = entries.filter(([, p]) => p.role === "agent" && p.addressing === "static");
  const dhcpAgents = entries.filter(([, p]) => p.addressing === "dhcp");
  for (const group of [staticAgents, dhcpAgents]) {
    const seen = new Map<number, string>();
    for (const [name, pool] of group) {
      if (pool.slot === undefined && group.length > 1) {
        problems.push({
          path: ["pools", name, "slot"],
          message:
            "required when several pools share an address region, so that one pool's size never moves another",
        });
      }
      const slot = pool.slot ?? 0;
      const other = seen.get(slot);
      if (other !== undefined)
        problems.push({
          path: ["pools", name, "slot"],
          message: `slot ${slot} is already taken by pool '${other}'`,
        });
      seen.set(slot, name);
    }
  }
}

function planPool(
  spec: ClusterSpec,
  layout: Layout,
  zone: string,
  name: string,
  pool: PoolSpec,
  problems: Problem[],
): NodePlan[] {
  const block = poolBlock(layout, pool);
  const countPath = ["pools", name, "count"];
  if (pool.addressing === "static" && !block) {
    problems.push({
      path: ["pools", name, "slot"],
      message: `slot ${pool.slot ?? 0} does not exist (network.layout.workerSlots is ${layout.workerSlots.length})`,
    });
    return [];
  }
  if (pool.addressing === "dhcp" && !layout.dhcp) {
    problems.push({ path: countPath, message: "a DHCP pool needs a DHCP range, but the layout leaves none" });
    return [];
  }
  const capacity = pool.addressing === "static" ? block!.size : layout.dhcp!.size;
  if (pool.count > capacity) {
    const range = pool.addressing === "static" ? describeBlock(block!) : describeBlock(layout.dhcp!);
    problems.push({
      path: countPath,
      message: `${pool.count} nodes do not fit: the pool's address block ${range} holds ${capacity}`,
    });
    return [];
  }
  return Array.from({ length: pool.count }, (_, i): NodePlan => {
    const index = i + 1;
    const host = hostname(spec.cluster.hostnamePattern, {
      cluster: spec.cluster.number,
      pool: pool.hostnamePrefix ?? name,
      index,
      usecase: spec.useCase,
      env: spec.environment,
    });
    if (!isRfc1123Label(host)) {
      problems.push({
        path: ["cluster", "hostnamePattern"],
        message: `'${host}' is not a valid RFC 1123 host name (a-z, 0-9, '-', at most 63)`,
      });
    }
    const ip = pool.addressing === "static" ? numberToIp(block!.first + i) : null;
    return {
      key: `${name}-${index}`,
      hostname: host,
      fqdn: `${host}.${zone}`,
      pool: name,
      index,
      role: pool.role,
      bootstrap: pool.role === "server" && index === 1,
      ip,
      mac: ip !== null ? staticMac(ip) : dhcpMac(layout.subnet.network, pool.slot ?? 0, index),
      cpus: pool.cpus,
      memoryMiB: pool.memoryMiB,
      diskGiB: pool.diskGiB,
      dataDiskGiB: pool.dataDiskGiB ?? null,
      // Longhorn creates its default disk only on labelled nodes: those with a data disk (docs/workloads.md).
      labels:
        pool.dataDiskGiB === undefined ? pool.labels : { ...pool.labels, [DATA_DISK_NODE_LABEL]: "true" },
      taints: pool.taints,
      affinityHost: pool.affinityHost ?? null,
    };
  });
}

/** Longhorn's `createDefaultDiskLabeledNodes` label (longhorn/longhorn chart/values.yaml at v1.12.1). */
export const DATA_DISK_NODE_LABEL = "node.longhorn.io/create-default-disk";

function poolBlock(layout: Layout, pool: PoolSpec): Block | undefined {
  if (pool.role === "server") return layout.servers;
  return layout.workerSlots[pool.slot ?? 0];
}

function checkUniqueHostnames(nodes: NodePlan[], problems: Problem[]): void {
  const seen = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.hostname)) {
      problems.push({
        path: ["cluster", "hostnamePattern"],
        message: `two nodes would be named '${node.hostname}'; give the pools distinct hostnamePrefix values`,
      });
    }
    seen.add(node.hostname);
  }
}

/** DHCP pools share one range: together they must fit in it, not just each on its own. */
function checkDhcpTotal(spec: ClusterSpec, layout: Layout, problems: Problem[]): void {
  const dhcpPools = Object.entries(spec.pools).filter(([, p]) => p.addressing === "dhcp");
  const total = dhcpPools.reduce((sum, [, p]) => sum + p.count, 0);
  if (dhcpPools.length > 1 && layout.dhcp && total > layout.dhcp.size) {
    problems.push({
      path: ["pools", dhcpPools[dhcpPools.length - 1]![0], "count"],
      message: `the DHCP pools (${dhcpPools.map(([n]) => n).join(", ")}) need ${total} addresses together but the DHCP range ${describeBlock(layout.dhcp)} holds ${layout.dhcp.size}`,
    });
  }
}
