/**
 * `vm.create` as XO does it for the provider (parameters from vatesfr/xenorchestra-go-sdk
 * v1.17.0 client/vm.go CreateVm; XO side vatesfr/xen-orchestra packages/xo-server/src/api/vm.mjs
 * `create`): clone the template, give each template disk the requested size (or destroy it when
 * the entry says `destroy`), add the extra disks, one VIF per `VIFs` entry, tags, CPUs, memory,
 * cloud config. Refuses unknown template, SR or network, a disk that does not fit the SR, and a
 * MAC address already used by another VIF.
 */
import { guestAddresses } from "./addresses";
import { invalidParameters, noSuchObject, xapiError } from "./errors";
import type { SimInventory } from "./inventory";
import type { SimVm } from "./vmShape";
import { newId, srFree } from "./vmShape";

type Params = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** memory_static_min of the seeded template (a typical cloud image template's 1 GiB). */
const TEMPLATE_STATIC_MIN = 1024 ** 3;

export function createVm(inv: SimInventory, p: Params): SimVm {
  const name = str(p.name_label);
  if (name === undefined || name === "") throw invalidParameters("name_label is required");
  const template = inv.templates.find((t) => t.id === p.template);
  if (template === undefined) throw noSuchObject(p.template, "VM-template");
  const cpus = num(p.CPUs);
  if (cpus === undefined || cpus < 1) throw invalidParameters("CPUs must be a positive integer");

  const vdiEntries = Array.isArray(p.VDIs) ? (p.VDIs as Params[]) : [];
  const vifEntries = Array.isArray(p.VIFs) ? (p.VIFs as Params[]) : [];
  // Validate everything before creating anything (XO fails before cloning).
  let needed = new Map<string, number>();
  for (const d of vdiEntries) {
    if (d.destroy === true) continue;
    const srId = str(d.SR) ?? str(d.$SR);
    if (inv.srs.find((s) => s.id === srId) === undefined) throw noSuchObject(srId, "SR");
    needed = needed.set(srId!, (needed.get(srId!) ?? 0) + (num(d.size) ?? 0));
  }
  for (const [srId, bytes] of needed) {
    if (bytes > srFree(inv, srId)) throw xapiError("SR_FULL", String(bytes), String(srFree(inv, srId)));
  }
  const macs = new Set<string>();
  for (const v of vifEntries) {
    if (inv.networks.find((n) => n.id === v.network) === undefined) throw noSuchObject(v.network, "network");
    const mac = str(v.mac)?.toLowerCase();
    if (mac === undefined || mac === "") continue;
    if (macs.has(mac) || inv.vifs.some((x) => x.MAC.toLowerCase() === mac))
      throw xapiError("MAC_ALREADY_EXISTS", mac);
    macs.add(mac);
  }

  const pool = template.$pool;
  const id = newId(inv, "vm", name);
  const staticMax = num(p.memoryStaticMax) ?? num(p.memoryMax) ?? 1024 ** 3;
  const dynamicMax = num(p.memoryMax) ?? staticMax;
  const vm: SimVm = {
    id,
    uuid: id,
    type: "VM",
    name_label: name,
    name_description: str(p.name_description) ?? "",
    tags: Array.isArray(p.tags)
      ? (p.tags as unknown[]).filter((t): t is string => typeof t === "string")
      : [],
    power_state: "Halted",
    $pool: pool,
    $poolId: pool,
    $container: pool,
    CPUs: { number: cpus, max: cpus },
    // static min comes from the template (XAPI keeps it on clone); the SDK raises memoryMin to
    // at least it (CreateVm: max(dynamic min, static min)).
    memory: {
      static: [Math.min(TEMPLATE_STATIC_MIN, dynamicMax), staticMax],
      dynamic: [dynamicMax, dynamicMax],
      size: dynamicMax,
    },
    VIFs: [],
    $VBDs: [],
    addresses: {},
    auto_poweron: p.auto_poweron === true,
    high_availability: str(p.high_availability) ?? "",
    virtualizationMode: "hvm",
    boot: { firmware: str(p.hvmBootFirmware) ?? "uefi" },
    creation: { template: template.id, user: "sim" },
    cloudConfig: str(p.cloudConfig) ?? "",
    networkConfig: str(p.networkConfig) ?? "",
    managementAgentDetected: false,
    pvDriversDetected: false,
    xenStoreData: {},
    blockedOperations:
      p.blockedOperations !== null && typeof p.blockedOperations === "object"
        ? Object.fromEntries(
            Object.entries(p.blockedOperations as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
          )
        : {},
    // Every other vm.create parameter (affinityHost, videoram, vga, startDelay, coresPerSocket,
    // secureBoot, expNestedHvm, destroyCloudConfigVdiAfterBoot, resourceSet, …) kept verbatim.
    createParams: { ...p, cloudConfig: undefined, networkConfig: undefined },
  };
  if (typeof p.coresPerSocket === "number") vm.coresPerSocket = p.coresPerSocket;
  if (typeof p.affinityHost === "string") vm.affinityHost = p.affinityHost;
  inv.vms.push(vm);

  vdiEntries.forEach((d, i) => {
    if (d.destroy === true) return;
    const vdiId = newId(inv, "vdi", id, String(i));
    const vbdId = newId(inv, "vbd", id, String(i));
    const srId = (str(d.SR) ?? str(d.$SR))!;
    inv.vdis.push({
      id: vdiId,
      $SR: srId,
      name_label: str(d.name_label) ?? `${name} ${i}`,
      name_description: str(d.name_description) ?? "",
      size: num(d.size) ?? 0,
      $VBDs: [vbdId],
      $poolId: pool,
      tags: [],
    });
    inv.vbds.push({
      id: vbdId,
      VM: id,
      VDI: vdiId,
      is_cd_drive: false,
      position: str(d.userdevice) ?? String(i),
      read_only: false,
      attached: false,
      $poolId: pool,
    });
    vm.$VBDs.push(vbdId);
  });
  if (vm.cloudConfig !== "" || vm.networkConfig !== "") addConfigDrive(inv, vm, vdiEntries);
  vifEntries.forEach((v, device) => {
    const vifId = newId(inv, "vif", id, String(device));
    const mac = str(v.mac) ?? generatedMac(vifId);
    inv.vifs.push(
      Object.assign(
        { id: vifId, MAC: mac, $VM: id, $network: v.network as string },
        { type: "VIF", device: String(device), attached: false, $poolId: pool },
      ),
    );
    vm.VIFs.push(vifId);
  });
  if (p.bootAfterCreate === true) vm.power_state = "Running";
  return vm;
}

/**
 * XO puts the cloud-init NoCloud drive on its own small VDI named "XO CloudConfigDrive"; the
 * provider skips that name when it reads a VM's disks (terraform-provider-xenorchestra
 * xoa/resource_xenorchestra_vm.go, defaultCloudConfigDiskName and disksToMapList). Here: 10 MiB on
 * the SR of the VM's first disk.
 */
export const CONFIG_DRIVE_NAME = "XO CloudConfigDrive";

function addConfigDrive(inv: SimInventory, vm: SimVm, vdiEntries: Params[]): void {
  const first = vdiEntries.find((d) => d.destroy !== true);
  const srId = (first && (str(first.SR) ?? str(first.$SR))) ?? inv.srs[0]?.id ?? "";
  const vdiId = newId(inv, "vdi", vm.id, "config-drive");
  const vbdId = newId(inv, "vbd", vm.id, "config-drive");
  inv.vdis.push({
    id: vdiId,
    $SR: srId,
    name_label: CONFIG_DRIVE_NAME,
    name_description: "",
    size: 10 * 1024 ** 2,
    $VBDs: [vbdId],
    $poolId: vm.$poolId,
    tags: [],
  });
  inv.vbds.push({
    id: vbdId,
    VM: vm.id,
    VDI: vdiId,
    is_cd_drive: false,
    position: String(vm.$VBDs.length),
    read_only: false,
    attached: false,
    $poolId: vm.$poolId,
  });
  vm.$VBDs.push(vbdId);
}

function generatedMac(seed: string): string {
  const hex = seed.replace(/[^0-9a-f]/g, "").padEnd(10, "0");
  return ["02", ...[0, 2, 4, 6, 8].map((i) => hex.slice(i, i + 2))].join(":");
}

export { guestAddresses };
