/**
 * Preflight of one stack against XO (REST API) and Rancher, before `pulumi up`: what the
 * configuration names exists exactly once, the VLAN is free, nothing left over from a failed
 * create holds the cluster's host names or MACs, Rancher answers. Each check says what it saw
 * and what to do.
 */
import type { Check, CheckStatus, ClusterFacts, DoctorOptions } from "./doctorTypes";
import { capacityChecks } from "./doctorCapacity";

export type { Check, CheckStatus, DoctorOptions };
import type { XoVm } from "./snapshot";
import { anyOf, XoError, type XoClient } from "./xoClient";

interface Named {
  id: string;
  name_label: string;
  $pool?: string;
}

interface Pif {
  id: string;
  device: string;
  vlan: number;
  $host?: string;
  $pool?: string;
  $network?: string;
}

interface Vif {
  id: string;
  MAC: string;
  $VM: string;
}

const SYMBOL: Record<CheckStatus, string> = { ok: "✔", fail: "✖", warn: "⚠", skip: "–" };

function ids(objects: { id: string }[]): string {
  return objects.map((o) => o.id).join(", ");
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runDoctor(cluster: ClusterFacts, options: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push(...(await xoChecks(cluster, options)));
  checks.push(...(await capacityChecks(cluster, options)));
  checks.push(await rancherCheck(cluster, options.rancher));
  return checks;
}

async function xoChecks(cluster: ClusterFacts, options: DoctorOptions): Promise<Check[]> {
  const names = ["pool", "template", "SR", "affinity", "PIF", "VLAN", "host names", "MACs"];
  const skipAll = (why: string) => names.map((name) => ({ name, status: "skip" as const, detail: why }));
  const { xo } = options;
  if (xo instanceof XoError) {
    return [
      {
        name: "XO API",
        status: "fail",
        detail: xo.message,
        fix: "export XOA_URL and XOA_TOKEN (or XOA_USER and XOA_PASSWORD), as for pulumi up",
      },
      ...skipAll("needs the XO API"),
    ];
  }
  const env = cluster.environmentFile;
  const checks: Check[] = [];

  // The pool: also proves XO answers and accepts the credentials.
  let pools: Named[];
  try {
    pools = await xo.list<Named>("pools", ["name_label"]);
  } catch (error) {
    return [
      {
        name: "XO API",
        status: "fail",
        detail: message(error),
        fix:
          error instanceof XoError && error.status === 401
            ? "create a token for an XO admin user (xo-cli create-token) and export XOA_TOKEN"
            : "check XOA_URL and that XO is reachable from here (XOA_INSECURE=true for a self-signed certificate)",
      },
      ...skipAll("needs the XO API"),
    ];
  }
  checks.push({
    name: "XO API",
    status: "ok",
    detail: `answers at ${options.xoUrl ?? "XOA_URL"}, credentials accepted`,
  });

  const poolMatches = pools.filter((p) => p.name_label === cluster.xo.pool);
  const pool = poolMatches.length === 1 ? poolMatches[0]! : null;
  if (poolMatches.length === 0) {
    checks.push({
      name: "pool",
      status: "fail",
      detail: `no pool named '${cluster.xo.pool}'; XO has: ${pools.map((p) => p.name_label).join(", ") || "no pool"}`,
      fix: `set cluster-orchestrator:xo.pool in ${env} to the pool's name`,
    });
  } else if (poolMatches.length > 1) {
    checks.push({
      name: "pool",
      status: "fail",
      detail: `${poolMatches.length} pools are named '${cluster.xo.pool}' (${ids(poolMatches)})`,
      fix: "rename the pools in XO so the name is unique",
    });
  } else {
    checks.push({ name: "pool", status: "ok", detail: `'${cluster.xo.pool}' (${pool!.id})` });
  }
  if (pool === null) {
    return [
      ...checks,
      ...names.slice(1).map((name) => ({ name, status: "skip" as const, detail: "needs the pool" })),
    ];
  }

  checks.push(await inPool(xo, "template", "vm-templates", cluster.xo.template, pool, `xo.template`, env));
  checks.push(await inPool(xo, "SR", "srs", cluster.xo.sr, pool, `xo.sr`, env));
  checks.push(await affinityCheck(xo, cluster, pool));

  let pifs: Pif[] = [];
  try {
    pifs = (
      await xo.list<Pif>(
        "pifs",
        ["device", "vlan", "$host", "$pool", "$network"],
        anyOf("device", [cluster.xo.pifDevice]),
      )
    ).filter((p) => p.device === cluster.xo.pifDevice && p.$pool === pool.id);
    const physical = pifs.filter((p) => p.vlan === -1);
    const hosts = new Set(physical.map((p) => p.$host));
    if (physical.length === 0) {
      checks.push({
        name: "PIF",
        status: "fail",
        detail: `no physical PIF '${cluster.xo.pifDevice}' in pool '${pool.name_label}'`,
        fix: `set cluster-orchestrator:xo.pifDevice in ${env} to the NIC that carries the VLANs`,
      });
    } else if (hosts.size < physical.length) {
      checks.push({
        name: "PIF",
        status: "fail",
        detail: `several physical PIFs '${cluster.xo.pifDevice}' on one host (${ids(physical)})`,
        fix: "check the host's network configuration in XO",
      });
    } else {
      checks.push({
        name: "PIF",
        status: "ok",
        detail: `'${cluster.xo.pifDevice}' on ${hosts.size} host${hosts.size > 1 ? "s" : ""} of the pool`,
      });
    }
  } catch (error) {
    checks.push({ name: "PIF", status: "fail", detail: message(error) });
  }

  checks.push(await vlanCheck(xo, cluster, pool, pifs, env));
  const known = new Map<string, XoVm>();
  checks.push(await hostnameCheck(xo, cluster, options.deployed, known));
  checks.push(await macCheck(xo, cluster, options.deployed, known));
  return checks;
}

/**
 * Every host a pool pins its nodes to exists exactly once in the pool (the provider's host lookup
 * would otherwise fail at preview, after the other names passed here).
 */
async function affinityCheck(xo: XoClient, cluster: ClusterFacts, pool: Named): Promise<Check> {
  const name = "affinity";
  if (cluster.affinityHosts.length === 0) return { name, status: "ok", detail: "no pool pins a host" };
  try {
    const hosts = (await xo.list<Named>("hosts", ["name_label", "$pool"])).filter((h) => h.$pool === pool.id);
    const problems = cluster.affinityHosts.flatMap(({ host, pools }) => {
      const found = hosts.filter((h) => h.name_label === host).length;
      if (found === 1) return [];
      const keys = pools.map((p) => `cluster-orchestrator:pools.${p}.affinityHost`).join(", ");
      return [found === 0 ? `no host '${host}' (${keys})` : `${found} hosts named '${host}' (${keys})`];
    });
    if (problems.length === 0) {
      const listed = cluster.affinityHosts.map((a) => `'${a.host}'`).join(", ");
      return { name, status: "ok", detail: `${listed} in pool '${pool.name_label}'` };
    }
    const known = hosts.map((h) => h.name_label).sort();
    return {
      name,
      status: "fail",
      detail: `${problems.join("; ")} in pool '${pool.name_label}'; its hosts: ${known.join(", ") || "none"}`,
      fix: `set the affinityHost in stacks/Pulumi.${cluster.stack}.yaml (or ${cluster.environmentFile}) to one of the pool's hosts, or rename the host in XO`,
    };
  } catch (error) {
    return { name, status: "fail", detail: message(error) };
  }
}

async function inPool(
  xo: XoClient,
  name: string,
  collection: string,
  wanted: string,
  pool: Named,
  key: string,
  env: string,
): Promise<Check> {
  try {
    const all = (
      await xo.list<Named>(collection, ["name_label", "$pool"], anyOf("name_label", [wanted]))
    ).filter((o) => o.name_label === wanted);
    const here = all.filter((o) => o.$pool === pool.id);
    if (here.length === 1) return { name, status: "ok", detail: `'${wanted}' (${here[0]!.id})` };
    if (here.length > 1) {
      return {
        name,
        status: "fail",
        detail: `${here.length} ${name}s named '${wanted}' in pool '${pool.name_label}' (${ids(here)}): the provider refuses an ambiguous name`,
        fix: `rename all but one in XO, or point cluster-orchestrator:${key} (${env}) at a unique name`,
      };
    }
    const elsewhere = all.length > 0 ? ` (${all.length} in other pools)` : "";
    return {
      name,
      status: "fail",
      detail: `no ${name} named '${wanted}' in pool '${pool.name_label}'${elsewhere}`,
      fix: `create it in the pool, or set cluster-orchestrator:${key} in ${env}`,
    };
  } catch (error) {
    return { name, status: "fail", detail: message(error) };
  }
}

async function vlanCheck(
  xo: XoClient,
  cluster: ClusterFacts,
  pool: Named,
  pifs: Pif[],
  env: string,
): Promise<Check> {
  try {
    const networks = (
      await xo.list<Named>("networks", ["name_label", "$pool"], anyOf("$pool", [pool.id]))
    ).filter((n) => n.$pool === pool.id);
    if (cluster.existingNetwork) {
      const found = networks.filter((n) => n.name_label === cluster.networkName);
      if (found.length === 1) {
        return {
          name: "VLAN",
          status: "ok",
          detail: `existing network '${cluster.networkName}' (${found[0]!.id})`,
        };
      }
      return {
        name: "VLAN",
        status: "fail",
        detail:
          found.length === 0
            ? `no network named '${cluster.networkName}' in pool '${pool.name_label}'`
            : `${found.length} networks named '${cluster.networkName}' (${ids(found)})`,
        fix: "fix cluster-orchestrator:network.existingNetwork, or the network names in XO",
      };
    }
    const byId = new Map(networks.map((n) => [n.id, n]));
    const users = pifs
      .filter((p) => p.vlan === cluster.vlan)
      .map((p) => byId.get(p.$network ?? "") ?? { id: p.$network ?? "?", name_label: "(unnamed)" });
    const others = [...new Map(users.map((n) => [n.id, n])).values()].filter(
      (n) => n.name_label !== cluster.networkName,
    );
    if (others.length > 0) {
      return {
        name: "VLAN",
        status: "fail",
        detail: `VLAN ${cluster.vlan} on '${cluster.xo.pifDevice}' is already used by ${others
          .map((n) => `'${n.name_label}' (${n.id})`)
          .join(", ")}`,
        fix: `remove that network if it is unused, or give the cluster another VLAN (cluster-orchestrator:cluster.vlan or a free cluster.number in the stack file; VLANs come from network.vlanBase in ${env})`,
      };
    }
    return {
      name: "VLAN",
      status: "ok",
      detail:
        users.length > 0
          ? `VLAN ${cluster.vlan} belongs to this cluster's network '${cluster.networkName}'`
          : `VLAN ${cluster.vlan} is free on '${cluster.xo.pifDevice}'`,
    };
  } catch (error) {
    return { name: "VLAN", status: "fail", detail: message(error) };
  }
}

function otherCluster(vm: XoVm): string | undefined {
  return (vm.tags ?? []).find((t) => t.startsWith("cluster="))?.slice("cluster=".length);
}

function describe(vm: XoVm): string {
  return `'${vm.name_label}' (${vm.id}${vm.power_state ? `, ${vm.power_state}` : ""})`;
}

const LEFTOVER_FIX =
  "delete the leftover VM(s) in XO (after checking nothing uses them), then run pulumi up again; if this stack is already deployed, run doctor with --deployed";

async function hostnameCheck(
  xo: XoClient,
  cluster: ClusterFacts,
  deployed: boolean,
  known: Map<string, XoVm>,
): Promise<Check> {
  const name = "host names";
  try {
    const wanted = new Set(cluster.hostnames);
    const vms = (
      await xo.list<XoVm>(
        "vms",
        ["name_label", "tags", "power_state"],
        anyOf("name_label", cluster.hostnames),
      )
    ).filter((vm) => wanted.has(vm.name_label));
    vms.forEach((vm) => known.set(vm.id, vm));
    const ours = vms.filter((vm) => (vm.tags ?? []).includes(cluster.clusterTag));
    const foreign = vms.filter((vm) => !ours.includes(vm) && otherCluster(vm) !== undefined);
    const unmanaged = vms.filter((vm) => !ours.includes(vm) && otherCluster(vm) === undefined);
    const problems: string[] = [];
    if (ours.length > 0 && !deployed)
      problems.push(`leftover VM(s) of this cluster: ${ours.map(describe).join(", ")}`);
    if (unmanaged.length > 0)
      problems.push(`VM(s) not tagged for any cluster: ${unmanaged.map(describe).join(", ")}`);
    if (problems.length > 0) {
      return {
        name,
        status: "fail",
        detail: problems.join("; "),
        fix: unmanaged.length > 0 ? `rename or delete the untagged VM(s); ${LEFTOVER_FIX}` : LEFTOVER_FIX,
      };
    }
    if (foreign.length > 0) {
      return {
        name,
        status: "warn",
        detail: `same name as VM(s) of other clusters: ${foreign.map((vm) => `${describe(vm)} of ${otherCluster(vm)!}`).join(", ")}`,
        fix: "XO allows duplicate names (cluster numbers are per environment); give the clusters distinct numbers or a hostnamePattern with {env} to tell them apart",
      };
    }
    return {
      name,
      status: "ok",
      detail:
        ours.length > 0
          ? `${ours.length} of ${cluster.hostnames.length} VMs exist, tagged ${cluster.clusterTag} (deployed)`
          : `none of the ${cluster.hostnames.length} host names is taken`,
    };
  } catch (error) {
    return { name, status: "fail", detail: message(error) };
  }
}

async function macCheck(
  xo: XoClient,
  cluster: ClusterFacts,
  deployed: boolean,
  known: Map<string, XoVm>,
): Promise<Check> {
  const name = "MACs";
  try {
    const wanted = new Set(cluster.macs);
    const vifs = (await xo.list<Vif>("vifs", ["MAC", "$VM"], anyOf("MAC", cluster.macs))).filter((v) =>
      wanted.has(String(v.MAC).toLowerCase()),
    );
    const holders: { mac: string; vm: XoVm }[] = [];
    let inSnapshots = 0;
    for (const vif of vifs) {
      let vm = known.get(vif.$VM);
      if (vm === undefined) {
        try {
          vm = { ...(await xo.get<XoVm>("vms", vif.$VM)), id: vif.$VM };
          known.set(vif.$VM, vm);
        } catch (error) {
          // A VIF of a snapshot or template: not a VM, XO's duplicate-MAC check ignores it.
          if (error instanceof XoError && error.status === 404) {
            inSnapshots++;
            continue;
          }
          throw error;
        }
      }
      if (deployed && (vm.tags ?? []).includes(cluster.clusterTag)) continue;
      holders.push({ mac: vif.MAC.toLowerCase(), vm });
    }
    if (holders.length > 0) {
      return {
        name,
        status: "fail",
        detail: holders
          .map(
            ({ mac, vm }) =>
              `${mac} (planned for ${cluster.macOwner.get(mac) ?? "?"}) is on VM ${describe(vm)}`,
          )
          .join("; "),
        fix: `XO refuses to start a VM whose MAC is in use (DUPLICATED_MAC_ADDRESS): ${LEFTOVER_FIX}`,
      };
    }
    const note = inSnapshots > 0 ? ` (${inSnapshots} in snapshots or templates, which do not conflict)` : "";
    return { name, status: "ok", detail: `none of the ${cluster.macs.length} MACs is on another VM${note}` };
  } catch (error) {
    return { name, status: "fail", detail: message(error) };
  }
}

/** Rancher's base URL from RANCHER_URL (the provider's; may end in /v3). */
export function rancherBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, "").replace(/\/v3$/, "");
}

async function rancherCheck(cluster: ClusterFacts, rancher: DoctorOptions["rancher"]): Promise<Check> {
  const name = "Rancher";
  if (cluster.rancherMode === "none") return { name, status: "skip", detail: "rancher mode is none" };
  if (rancher.url === undefined || rancher.url.trim() === "") {
    return {
      name,
      status: "skip",
      detail: "RANCHER_URL is not set (pulumi up will need it and RANCHER_TOKEN_KEY)",
    };
  }
  const base = rancherBaseUrl(rancher.url);
  try {
    const response = await rancher.http(`${base}/ping`, { method: "GET", headers: { accept: "text/plain" } });
    if (response.status === 200 && response.body.trim() === "pong") {
      return { name, status: "ok", detail: `${base}/ping answers pong` };
    }
    return {
      name,
      status: "fail",
      detail: `${base}/ping answered ${response.status} ${JSON.stringify(response.body.trim().slice(0, 60))}, not pong`,
      fix: "check RANCHER_URL (the Rancher server's address, e.g. https://rancher.lab.example.net)",
    };
  } catch (error) {
    return {
      name,
      status: "fail",
      detail: `cannot reach ${base}/ping: ${message(error)}`,
      fix: "check RANCHER_URL and that Rancher is reachable from here (RANCHER_INSECURE=true for a self-signed certificate)",
    };
  }
}

export function doctorFailed(checks: Check[]): boolean {
  return checks.some((c) => c.status === "fail");
}

export function formatReport(stack: string, checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = [`Doctor for ${stack}:`];
  for (const check of checks) {
    lines.push(`  ${SYMBOL[check.status]} ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.fix !== undefined && (check.status === "fail" || check.status === "warn")) {
      lines.push(`    ${" ".repeat(width)}  → ${check.fix}`);
    }
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  const warned = checks.filter((c) => c.status === "warn").length;
  lines.push(
    failed > 0
      ? `${failed} problem${failed > 1 ? "s" : ""} found${warned > 0 ? `, ${warned} warning${warned > 1 ? "s" : ""}` : ""}: fix ${failed > 1 ? "them" : "it"} before pulumi up.`
      : `No problem found${warned > 0 ? ` (${warned} warning${warned > 1 ? "s" : ""})` : ""}.`,
  );
  return lines.join("\n");
}
