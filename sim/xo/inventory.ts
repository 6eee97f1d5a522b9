/**
 * The simulated Xen Orchestra's object store: XO objects shaped as `xo.getAllObjects` returns
 * them (field names from vatesfr/xenorchestra-go-sdk v1.17.0 client/*.go, the structs the
 * provider decodes), plus the REST view the fleet command reads (tests/helpers/xoServer.ts keeps
 * its original `Inventory` API on top of the same arrays).
 *
 * A SIMULATOR, not Xen Orchestra: it holds what the provider and the fleet command read and
 * write, nothing else (no XAPI, no storage, no guest).
 */
import { createHash } from "crypto";

export interface Inventory {
  pools: { id: string; name_label: string }[];
  templates: { id: string; name_label: string; $pool: string }[];
  srs: {
    id: string;
    name_label: string;
    $pool: string;
    /** XO's SR figures in bytes (fleet doctor's capacity checks). */
    size?: number;
    usage?: number;
    physical_usage?: number;
  }[];
  pifs: { id: string; device: string; vlan: number; $host: string; $pool: string; $network: string }[];
  networks: { id: string; name_label: string; $pool: string }[];
  vms: { id: string; name_label: string; tags: string[]; power_state: string; $pool: string }[];
  vifs: { id: string; MAC: string; $VM: string; $network: string }[];
  snapshots: { id: string; name_label: string; $snapshot_of: string; snapshot_time: number }[];
  /** Hosts; memory in bytes (fleet doctor's affinity and capacity checks). */
  hosts?: { id: string; name_label: string; $pool: string; memory?: { size: number; usage: number } }[];
}

/** Everything the JSON-RPC side needs beyond the REST view. Extra fields ride on the same objects. */
export interface SimExtras {
  hosts: { id: string; name_label: string; $pool: string; memory: { usage: number; size: number } }[];
  vbds: {
    id: string;
    VM: string;
    VDI: string;
    is_cd_drive: boolean;
    position: string;
    read_only: boolean;
    attached: boolean;
    $poolId: string;
  }[];
  vdis: {
    id: string;
    $SR: string;
    name_label: string;
    name_description: string;
    size: number;
    $VBDs: string[];
    $poolId: string;
    tags: string[];
  }[];
}

export type SimInventory = Inventory & SimExtras;

/** Deterministic UUID-shaped id. */
export function simId(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface SeedSpec {
  pool: string;
  template: string;
  sr: string;
  pifDevice: string;
  hosts: string[];
  /** SR capacity in bytes (default 2 TiB). */
  srSize?: number;
  /** Template disk size in bytes (default 20 GiB). */
  templateDiskSize?: number;
}

const GiB = 1024 ** 3;

/** A pool with its hosts, one disk template on the SR, and the untagged PIF the VLANs go over. */
export function seedInventory(spec: SeedSpec): SimInventory {
  const pool = simId("pool", spec.pool);
  const hostNames = spec.hosts.length > 0 ? spec.hosts : ["xcp-host-1"];
  const hosts = hostNames.map((name) => ({
    id: simId("host", name),
    name_label: name,
    $pool: pool,
    memory: { usage: 8 * GiB, size: 256 * GiB },
  }));
  const sr = simId("sr", spec.sr);
  const template = simId("template", spec.template);
  const templateVdi = simId("vdi", spec.template);
  const templateVbd = simId("vbd", spec.template);
  const physicalNetwork = simId("network", "Pool-wide network associated with " + spec.pifDevice);
  const srSize = spec.srSize ?? 2048 * GiB;
  const templateDiskSize = spec.templateDiskSize ?? 20 * GiB;
  return {
    pools: [Object.assign({ id: pool, name_label: spec.pool }, { master: hosts[0]!.id, default_SR: sr })],
    templates: [
      Object.assign(
        { id: template, name_label: spec.template, $pool: pool },
        {
          uuid: template,
          $poolId: pool,
          $VBDs: [templateVbd],
          boot: { firmware: "uefi" },
          template_info: { arch: "x86_64", disks: [] },
          type: "VM-template",
        },
      ),
    ],
    srs: [
      Object.assign(
        { id: sr, name_label: spec.sr, $pool: pool },
        { uuid: sr, $poolId: pool, SR_type: "ext", $container: pool, size: srSize, usage: templateDiskSize },
      ),
    ],
    pifs: hosts.map((h) =>
      Object.assign(
        { id: simId("pif", h.id, spec.pifDevice), device: spec.pifDevice, vlan: -1 },
        { $host: h.id, $pool: pool, $network: physicalNetwork, $poolId: pool, attached: true },
      ),
    ),
    networks: [
      Object.assign(
        {
          id: physicalNetwork,
          name_label: `Pool-wide network associated with ${spec.pifDevice}`,
          $pool: pool,
        },
        { bridge: "xenbr1", MTU: 1500, PIFs: hosts.map((h) => simId("pif", h.id, spec.pifDevice)) },
      ),
    ],
    vms: [],
    vifs: [],
    snapshots: [],
    hosts,
    vbds: [
      {
        id: templateVbd,
        VM: template,
        VDI: templateVdi,
        is_cd_drive: false,
        position: "0",
        read_only: false,
        attached: false,
        $poolId: pool,
      },
    ],
    vdis: [
      {
        id: templateVdi,
        $SR: sr,
        name_label: `${spec.template} disk`,
        name_description: "",
        size: templateDiskSize,
        $VBDs: [templateVbd],
        $poolId: pool,
        tags: [],
      },
    ],
  };
}

/** A REST-only inventory (the fleet tests' fixtures) gains empty JSON-RPC extras. */
export function withExtras(inventory: Inventory): SimInventory {
  const sim = inventory as Partial<SimExtras> & Inventory;
  sim.hosts ??= [];
  sim.vbds ??= [];
  sim.vdis ??= [];
  return sim as SimInventory;
}
