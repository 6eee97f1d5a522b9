/**
 * The JSON-RPC methods the xenorchestra provider's Go SDK calls (vatesfr/xenorchestra-go-sdk
 * v1.17.0 client/*.go; XO side vatesfr/xen-orchestra packages/xo-server/src/api/*.mjs), over one
 * authenticated session. Objects are read from and written to the shared inventory, so the REST
 * view (fleet command) sees what the provider created. A simulator, not XO.
 */
import { guestAddresses } from "./addresses";
import {
  forbiddenOperation,
  invalidCredentials,
  invalidParameters,
  noSuchObject,
  notImplemented,
  unauthorized,
  xapiError,
} from "./errors";
import type { Faults } from "./faults";
import type { SimInventory } from "./inventory";
import { allObjects } from "./objects";
import { CONFIG_DRIVE_NAME, createVm } from "./vmCreate";
import { asSimVm, newId, srFree } from "./vmShape";

type Params = Record<string, unknown>;

export interface Credentials {
  token?: string;
  user?: string;
  password?: string;
}

export interface RpcContext {
  inventory: SimInventory;
  credentials: Credentials;
  faults: Faults;
  /** One entry per call, in order (method and parameter names, never values). */
  calls: { method: string; params: string[] }[];
}

export interface Session {
  signedIn: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function vmOf(ctx: RpcContext, id: unknown) {
  const vm = ctx.inventory.vms.find((v) => v.id === id);
  if (vm === undefined) throw noSuchObject(id, "VM");
  return asSimVm(vm);
}

const failedOnce = new WeakMap<Faults, Set<string>>();

type Method = (ctx: RpcContext, p: Params, session: Session) => unknown;

const methods: Record<string, Method> = {
  "session.signIn": (ctx, p, session) => {
    const c = ctx.credentials;
    const byToken = p.token !== undefined && c.token !== undefined && p.token === c.token;
    const user = str(p.email) ?? str(p.username);
    const byPassword = user !== undefined && user === c.user && p.password === c.password;
    if (!byToken && !byPassword) throw invalidCredentials();
    session.signedIn = true;
    return { id: "sim-user", email: c.user ?? "token-user" };
  },
  "session.getUser": () => ({ id: "sim-user", email: "admin", permission: "admin" }),
  "token.create": (ctx) => ctx.credentials.token ?? "sim-token",
  "xo.getAllObjects": (ctx, p) => allObjects(ctx.inventory, p.filter, p.limit),

  "network.create": (ctx, p) => {
    const inv = ctx.inventory;
    const pool = inv.pools.find((x) => x.id === p.pool);
    if (pool === undefined) throw noSuchObject(p.pool, "pool");
    const name = str(p.name);
    if (name === undefined || name === "") throw invalidParameters("name is required");
    const pif = p.pif === undefined ? undefined : inv.pifs.find((x) => x.id === p.pif);
    if (p.pif !== undefined && pif === undefined) throw noSuchObject(p.pif, "PIF");
    const vlan = typeof p.vlan === "number" ? p.vlan : undefined;
    if (vlan !== undefined && (vlan < 0 || vlan > 4094)) throw xapiError("VLAN_TAG_INVALID", String(vlan));
    const id = newId(inv, "network", name);
    const pifs: string[] = [];
    if (pif !== undefined && vlan !== undefined) {
      // XAPI's pool-wide VLAN: one VLAN PIF per host on the same device.
      for (const hostPif of inv.pifs.filter((x) => x.device === pif.device && x.vlan === -1)) {
        if (inv.pifs.some((x) => x.$host === hostPif.$host && x.device === pif.device && x.vlan === vlan))
          throw xapiError("PIF_VLAN_EXISTS", hostPif.id);
      }
      for (const hostPif of inv.pifs.filter((x) => x.device === pif.device && x.vlan === -1)) {
        const vlanPif = newId(inv, "pif", id, hostPif.$host);
        pifs.push(vlanPif);
        inv.pifs.push(
          Object.assign(
            { id: vlanPif, device: pif.device, vlan, $host: hostPif.$host, $pool: pool.id, $network: id },
            { $poolId: pool.id, attached: true },
          ),
        );
      }
    }
    inv.networks.push(
      Object.assign(
        { id, name_label: name, $pool: pool.id },
        {
          name_description: str(p.description) ?? "",
          MTU: typeof p.mtu === "number" ? p.mtu : 1500,
          nbd: p.nbd === true,
          insecureNbd: false,
          automatic: false,
          defaultIsLocked: false,
          bridge: `xapi${inv.networks.length}`,
          PIFs: pifs,
        },
      ),
    );
    return id;
  },
  "network.set": (ctx, p) => {
    const net = ctx.inventory.networks.find((n) => n.id === p.id);
    if (net === undefined) throw noSuchObject(p.id, "network");
    const fields: Record<string, string> = { name_label: "name_label", name_description: "name_description" };
    for (const [k, v] of Object.entries(p)) {
      if (k === "id" || v === undefined || v === null) continue;
      (net as Record<string, unknown>)[fields[k] ?? k] = v;
    }
    return true;
  },
  "network.delete": (ctx, p) => {
    const inv = ctx.inventory;
    if (!inv.networks.some((n) => n.id === p.id)) throw noSuchObject(p.id, "network");
    if (inv.vifs.some((v) => v.$network === p.id)) throw xapiError("NETWORK_CONTAINS_VIF", String(p.id));
    inv.networks = inv.networks.filter((n) => n.id !== p.id);
    inv.pifs = inv.pifs.filter((x) => x.$network !== p.id);
    return true;
  },

  "vm.create": (ctx, p) => {
    const name = str(p.name_label) ?? "";
    if (ctx.faults.failVmCreate?.includes(name)) {
      const done = failedOnce.get(ctx.faults) ?? new Set<string>();
      failedOnce.set(ctx.faults, done);
      if (!done.has(name)) {
        done.add(name);
        throw xapiError("INTERNAL_ERROR", `simulated failure creating ${name}`);
      }
    }
    const vm = createVm(ctx.inventory, p);
    if (vm.power_state === "Running") boot(ctx, vm.id);
    return vm.id;
  },
  // vm.set as UpdateVm sends it (xenorchestra-go-sdk client/vm.go): null clears affinityHost,
  // blockedOperations entries set to null are unblocked, memory fields move the XAPI limits.
  "vm.set": (ctx, p) => {
    const vm = vmOf(ctx, p.id);
    const before = { memory: structuredClone(vm.memory), CPUs: { ...vm.CPUs } };
    for (const [k, v] of Object.entries(p)) {
      if (k === "id" || v === undefined) continue;
      if (k === "affinityHost" && v === null) delete vm.affinityHost;
      else if (v === null) continue;
      else if (k === "CPUs") vm.CPUs = { number: v as number, max: Math.max(vm.CPUs.max, v as number) };
      else if (k === "cpusMax") vm.CPUs = { ...vm.CPUs, max: v as number };
      else if (k === "memoryMax" || k === "memory")
        vm.memory = { ...vm.memory, dynamic: [vm.memory.dynamic[0]!, v as number], size: v as number };
      else if (k === "memoryMin") vm.memory = { ...vm.memory, dynamic: [v as number, vm.memory.dynamic[1]!] };
      else if (k === "memoryStaticMax")
        vm.memory = { ...vm.memory, static: [vm.memory.static[0]!, v as number] };
      else if (k === "hvmBootFirmware") vm.boot = { firmware: v as string };
      else if (k === "blockedOperations") {
        for (const [op, reason] of Object.entries(v as Record<string, unknown>)) {
          if (reason === null) delete vm.blockedOperations[op];
          else vm.blockedOperations[op] = typeof reason === "string" ? reason : JSON.stringify(reason);
        }
      } else vm[k] = v;
    }
    // XAPI: static_min <= dynamic_min <= dynamic_max <= static_max, else nothing changes.
    const [smin, smax] = vm.memory.static as [number, number];
    const [dmin, dmax] = vm.memory.dynamic as [number, number];
    if (!(smin <= dmin && dmin <= dmax && dmax <= smax)) {
      vm.memory = before.memory;
      vm.CPUs = before.CPUs;
      throw xapiError("MEMORY_CONSTRAINT_VIOLATION", `static ${smin}..${smax}, dynamic ${dmin}..${dmax}`);
    }
    return true;
  },
  "vm.start": (ctx, p) => {
    const vm = vmOf(ctx, p.id);
    if (vm.power_state === "Running") throw xapiError("VM_BAD_POWER_STATE", vm.id, "halted", "running");
    boot(ctx, vm.id);
    return true;
  },
  "vm.stop": (ctx, p) => {
    const vm = vmOf(ctx, p.id);
    vm.power_state = "Halted";
    vm.addresses = {};
    return true;
  },
  // The provider sends only { id } (xenorchestra-go-sdk client/vm.go DeleteVm). Whether XO then
  // keeps the VM's disks is not settled by the sources read here; the simulator deletes them
  // unless `deleteDisks: false`, so a leaked disk would be the program's, not the simulator's.
  "vm.delete": (ctx, p) => {
    const inv = ctx.inventory;
    const vm = vmOf(ctx, p.id);
    if (vm.blockedOperations.destroy !== undefined) throw forbiddenOperation("destroy", "blocked");
    const vdis = inv.vbds.filter((b) => b.VM === vm.id).map((b) => b.VDI);
    inv.vbds = inv.vbds.filter((b) => b.VM !== vm.id);
    if (p.deleteDisks !== false) inv.vdis = inv.vdis.filter((d) => !vdis.includes(d.id));
    inv.vifs = inv.vifs.filter((v) => v.$VM !== vm.id);
    inv.snapshots = inv.snapshots.filter((s) => s.$snapshot_of !== vm.id);
    inv.vms = inv.vms.filter((v) => v.id !== vm.id);
    return true;
  },
  "vm.createInterface": (ctx, p) => {
    const inv = ctx.inventory;
    const vm = vmOf(ctx, p.vm);
    if (!inv.networks.some((n) => n.id === p.network)) throw noSuchObject(p.network, "network");
    const mac = str(p.mac);
    if (mac !== undefined && inv.vifs.some((v) => v.MAC.toLowerCase() === mac.toLowerCase()))
      throw xapiError("MAC_ALREADY_EXISTS", mac);
    const id = newId(inv, "vif", vm.id);
    const device = String(vm.VIFs.length);
    inv.vifs.push(
      Object.assign(
        {
          id,
          MAC: mac ?? `02:00:00:00:00:${device.padStart(2, "0")}`,
          $VM: vm.id,
          $network: p.network as string,
        },
        { type: "VIF", device, attached: false, $poolId: vm.$poolId },
      ),
    );
    vm.VIFs.push(id);
    return id;
  },
  "vif.connect": (ctx, p) => setVif(ctx, p.id, true),
  "vif.disconnect": (ctx, p) => setVif(ctx, p.id, false),
  "vif.delete": (ctx, p) => {
    const inv = ctx.inventory;
    const vif = inv.vifs.find((v) => v.id === p.id);
    if (vif === undefined) throw noSuchObject(p.id, "VIF");
    inv.vifs = inv.vifs.filter((v) => v.id !== p.id);
    const vm = inv.vms.find((v) => v.id === vif.$VM);
    if (vm !== undefined) asSimVm(vm).VIFs = asSimVm(vm).VIFs.filter((x) => x !== p.id);
    return true;
  },
  "disk.create": (ctx, p) => {
    const inv = ctx.inventory;
    const vm = vmOf(ctx, p.vm);
    if (!inv.srs.some((s) => s.id === p.sr)) throw noSuchObject(p.sr, "SR");
    const size = typeof p.size === "number" ? p.size : 0;
    const free = inv.srs.length > 0 ? srFree(ctx.inventory, p.sr as string) : 0;
    if (size > free) throw xapiError("SR_FULL", String(size), String(free));
    const vdi = newId(inv, "vdi", vm.id);
    const vbd = newId(inv, "vbd", vm.id);
    inv.vdis.push({
      id: vdi,
      $SR: p.sr as string,
      name_label: str(p.name) ?? "",
      name_description: "",
      size,
      $VBDs: [vbd],
      $poolId: vm.$poolId,
      tags: [],
    });
    inv.vbds.push({
      id: vbd,
      VM: vm.id,
      VDI: vdi,
      is_cd_drive: false,
      position: String(vm.$VBDs.length),
      read_only: false,
      attached: vm.power_state === "Running",
      $poolId: vm.$poolId,
    });
    vm.$VBDs.push(vbd);
    return vdi;
  },
  "vdi.set": (ctx, p) => {
    const vdi = ctx.inventory.vdis.find((v) => v.id === p.id);
    if (vdi === undefined) throw noSuchObject(p.id, "VDI");
    if (typeof p.size === "number" && p.size < vdi.size) throw xapiError("VDI_SIZE_TOO_SMALL", vdi.id);
    for (const [k, v] of Object.entries(p))
      if (k !== "id" && v !== undefined) (vdi as Record<string, unknown>)[k] = v;
    return true;
  },
  "vdi.delete": (ctx, p) => {
    const inv = ctx.inventory;
    if (!inv.vdis.some((v) => v.id === p.id)) throw noSuchObject(p.id, "VDI");
    const vbds = inv.vbds.filter((b) => b.VDI === p.id).map((b) => b.id);
    inv.vbds = inv.vbds.filter((b) => b.VDI !== p.id);
    for (const vm of inv.vms) asSimVm(vm).$VBDs = asSimVm(vm).$VBDs.filter((b) => !vbds.includes(b));
    inv.vdis = inv.vdis.filter((v) => v.id !== p.id);
    return true;
  },
  "vbd.connect": (ctx, p) => setVbd(ctx, p.id, true),
  "vbd.disconnect": (ctx, p) => setVbd(ctx, p.id, false),
  "vm.ejectCd": (ctx, p) => (vmOf(ctx, p.id), true),
  "vm.insertCd": (ctx, p) => (vmOf(ctx, p.id), true),
  "tag.add": (ctx, p) => {
    const obj = tagged(ctx, p.id);
    const tag = str(p.tag);
    if (tag === undefined) throw invalidParameters("tag is required");
    if (!obj.tags.includes(tag)) obj.tags.push(tag);
    return true;
  },
  "tag.remove": (ctx, p) => {
    const obj = tagged(ctx, p.id);
    obj.tags = obj.tags.filter((t) => t !== p.tag);
    return true;
  },
};

function boot(ctx: RpcContext, id: string): void {
  const vm = vmOf(ctx, id);
  if (vm.createParams.destroyCloudConfigVdiAfterBoot === true) {
    // XO removes the config drive once the VM has booted (vm.create's destroyCloudConfigVdiAfterBoot).
    const inv = ctx.inventory;
    const drives = inv.vdis.filter(
      (d) => d.name_label === CONFIG_DRIVE_NAME && d.$VBDs.some((b) => vm.$VBDs.includes(b)),
    );
    for (const d of drives) {
      inv.vbds = inv.vbds.filter((b) => b.VDI !== d.id);
      vm.$VBDs = vm.$VBDs.filter((b) => !d.$VBDs.includes(b));
    }
    inv.vdis = inv.vdis.filter((d) => !drives.includes(d));
  }
  vm.power_state = "Running";
  vm.managementAgentDetected = true;
  vm.pvDriversDetected = true;
  vm.addresses = ctx.faults.noGuestAddress?.includes(vm.name_label) ? {} : guestAddresses(vm.networkConfig);
  for (const vif of ctx.inventory.vifs) if (vif.$VM === id) (vif as { attached?: boolean }).attached = true;
}

function setVif(ctx: RpcContext, id: unknown, attached: boolean): boolean {
  const vif = ctx.inventory.vifs.find((v) => v.id === id);
  if (vif === undefined) throw noSuchObject(id, "VIF");
  (vif as { attached?: boolean }).attached = attached;
  return true;
}

function setVbd(ctx: RpcContext, id: unknown, attached: boolean): boolean {
  const vbd = ctx.inventory.vbds.find((v) => v.id === id);
  if (vbd === undefined) throw noSuchObject(id, "VBD");
  vbd.attached = attached;
  return true;
}

function tagged(ctx: RpcContext, id: unknown): { tags: string[] } {
  const inv = ctx.inventory;
  const obj = [...inv.vms, ...inv.vdis].find((o) => o.id === id);
  if (obj === undefined) throw noSuchObject(id);
  return obj;
}

/** Runs one call; methods other than sign-in need a signed-in session (XO: unauthorized). */
export async function callMethod(ctx: RpcContext, session: Session, method: string, params: unknown) {
  const p = (params !== null && typeof params === "object" ? params : {}) as Params;
  ctx.calls.push({ method, params: Object.keys(p).sort() });
  const fn = methods[method];
  if (fn === undefined) throw notImplemented(method);
  if (method !== "session.signIn" && !session.signedIn) throw unauthorized();
  const delay = ctx.faults.taskDelayMs ?? 0;
  if (delay > 0 && !method.startsWith("xo.") && !method.startsWith("session.")) {
    await new Promise((r) => setTimeout(r, delay));
  }
  return fn(ctx, p, session);
}

export const supportedMethods = Object.keys(methods).sort();
