/**
 * The XO simulator (sim/xo/) as the provider's Go SDK drives it (vatesfr/xenorchestra-go-sdk
 * v1.17.0 client/*.go: the methods, parameter names and the fields it decodes) and as XO answers
 * (vatesfr/xen-orchestra packages/xo-common/api-errors.js codes). A simulator test, not an XO test.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { renderNetworkConfig } from "../../cloud-init/networkConfig";
import { guestAddresses } from "../../sim/xo/addresses";
import { seedInventory, type SeedSpec } from "../../sim/xo/inventory";
import { connectRpc, RpcCallError, type RpcClient } from "../../sim/xo/rpcClient";
import { startXoSim, type XoSim } from "../../sim/xo/server";
import type { Faults } from "../../sim/xo/faults";

const GiB = 1024 ** 3;
const TOKEN = "sim-token-123";

/** The dev environment layer's XO names, read from the file itself. */
function devLayer(): SeedSpec {
  const doc = parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, { pool: string; template: string; sr: string; pifDevice: string }>;
  };
  const xo = doc.config["cluster-orchestrator:xo"]!;
  return {
    pool: xo.pool,
    template: xo.template,
    sr: xo.sr,
    pifDevice: xo.pifDevice,
    hosts: ["xcp-a", "xcp-b"],
  };
}

let sim: XoSim | undefined;
let rpc: RpcClient | undefined;
let nextVlan = 200;

async function start(faults: Faults = {}, seed: Partial<SeedSpec> = {}) {
  sim = await startXoSim({ inventory: seedInventory({ ...devLayer(), ...seed }), token: TOKEN, faults });
  rpc = await connectRpc(sim.wsUrl);
  await client().call("session.signIn", { token: TOKEN });
}

afterEach(async () => {
  rpc?.close();
  await sim?.close();
  rpc = undefined;
  sim = undefined;
});

function client(): RpcClient {
  if (rpc === undefined) throw new Error("no simulator started");
  return rpc;
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof RpcCallError) return e.failure;
    throw e;
  }
  throw new Error("expected the call to fail");
}

type Obj = Record<string, unknown> & { id: string };
async function all(type: string): Promise<Obj[]> {
  return Object.values(await client().call<Record<string, Obj>>("xo.getAllObjects", { filter: { type } }));
}

/** vm.create parameters as CreateVm in the SDK builds them for one disk + one VIF. */
async function createVm(name: string, mac: string, extra: Record<string, unknown> = {}) {
  const [template] = await all("VM-template");
  const [sr] = await all("SR");
  const [tvbd] = (await all("VBD")).filter((b) => b.VM === template!.id);
  const net = await client().call<string>("network.create", {
    pool: template!.$poolId,
    name: `net-${name}`,
    pif: (await all("PIF"))[0]!.id,
    vlan: nextVlan++,
  });
  const networkConfig = renderNetworkConfig({
    mac,
    address: { ip: "10.10.1.11", prefixLength: 24, gateway: "10.10.1.1" },
    resolvers: ["10.10.0.2"],
    searchDomains: [],
    mtu: 1500,
  });
  const id = await client().call<string>("vm.create", {
    bootAfterCreate: false,
    clone: true,
    name_label: name,
    name_description: "",
    template: template!.id,
    CPUs: 4,
    memoryMax: 8 * GiB,
    VDIs: [
      {
        $SR: sr!.id,
        SR: sr!.id,
        name_label: `${name}-os`,
        size: 40 * GiB,
        type: "user",
        userdevice: tvbd!.position,
      },
    ],
    VIFs: [{ network: net, mac }],
    tags: ["cluster:legal-ai-dev", "role:server"],
    auto_poweron: true,
    high_availability: "",
    cloudConfig: "#cloud-config\nhostname: x\n",
    networkConfig,
    destroyCloudConfigVdiAfterBoot: true,
    ...extra,
  });
  return { id, net };
}

describe("authentication (session.signIn as client.go NewClient sends it)", () => {
  test("token, user/password, wrong credentials (code 3), calls before sign-in (code 2)", async () => {
    sim = await startXoSim({
      inventory: seedInventory(devLayer()),
      token: TOKEN,
      user: "admin@x",
      password: "pw",
    });
    const anon = await connectRpc(sim.wsUrl);
    expect(await failure(anon.call("xo.getAllObjects", {}))).toMatchObject({ code: 2 });
    expect(await failure(anon.call("session.signIn", { token: "nope" }))).toMatchObject({ code: 3 });
    expect(await failure(anon.call("session.signIn", { email: "admin@x", password: "bad" }))).toMatchObject({
      code: 3,
    });
    await anon.call("session.signIn", { email: "admin@x", password: "pw" });
    expect(await anon.call("token.create", {})).toBe(TOKEN);
    anon.close();
    rpc = await connectRpc(sim.wsUrl);
    await expect(client().call("session.signIn", { token: TOKEN })).resolves.toMatchObject({
      id: expect.any(String),
    });
  });
});

describe("seeded inventory", () => {
  test("holds the environment layer's pool, template (with a disk), SR and PIF, typed as XO types them", async () => {
    await start();
    const layer = devLayer();
    expect((await all("pool")).map((p) => p.name_label)).toEqual([layer.pool]);
    const [template] = await all("VM-template");
    expect(template).toMatchObject({ name_label: layer.template, type: "VM-template" });
    const vbds = (await all("VBD")).filter((b) => b.VM === template!.id);
    expect(vbds).toHaveLength(1);
    expect((await all("VDI")).some((d) => d.id === vbds[0]!.VDI)).toBe(true);
    expect((await all("SR")).map((s) => s.name_label)).toEqual([layer.sr]);
    expect(new Set((await all("PIF")).map((p) => p.device))).toEqual(new Set([layer.pifDevice]));
    expect((await all("host")).map((h) => h.name_label).sort()).toEqual(["xcp-a", "xcp-b"]);
  });
});

describe("networks", () => {
  test("a VLAN network gets one VLAN PIF per host; the same VLAN twice is refused; a network with a VIF cannot go", async () => {
    await start();
    const [pool] = await all("pool");
    const pif = (await all("PIF"))[0]!;
    const id = await client().call<string>("network.create", {
      pool: pool!.id,
      name: "legal-ai-dev-vlan101",
      pif: pif.id,
      vlan: 101,
      mtu: 1500,
    });
    const vlanPifs = (await all("PIF")).filter((p) => p.$network === id);
    expect(vlanPifs.map((p) => p.vlan)).toEqual([101, 101]);
    expect(
      await failure(
        client().call("network.create", { pool: pool!.id, name: "again", pif: pif.id, vlan: 101 }),
      ),
    ).toMatchObject({
      message: expect.stringContaining("PIF_VLAN_EXISTS"),
    });
    expect(await failure(client().call("network.create", { pool: "nope", name: "x" }))).toMatchObject({
      code: 1,
    });
    await client().call("network.set", { id, name_description: "d", automatic: false });
    expect((await all("network")).find((n) => n.id === id)).toMatchObject({ name_description: "d" });
    const vm = await createVm("n1", "02:00:00:aa:bb:01");
    expect(await failure(client().call("network.delete", { id: vm.net }))).toMatchObject({
      message: expect.stringContaining("NETWORK_CONTAINS_VIF"),
    });
    await client().call("network.delete", { id });
    expect((await all("PIF")).filter((p) => p.$network === id)).toEqual([]);
  });
});

describe("VMs", () => {
  test("vm.create as the SDK sends it: name, CPUs, memory, the template disk resized, VIF with its MAC, tags; REST sees it too", async () => {
    await start();
    const { id, net } = await createVm("legal-ai-dev-server-1", "02:00:00:aa:bb:01");
    const vm = (await all("VM")).find((v) => v.id === id)!;
    expect(vm).toMatchObject({
      name_label: "legal-ai-dev-server-1",
      CPUs: { number: 4 },
      memory: { dynamic: [8 * GiB, 8 * GiB], static: [GiB, 8 * GiB] },
      tags: ["cluster:legal-ai-dev", "role:server"],
      power_state: "Halted",
      auto_poweron: true,
      cloudConfig: "#cloud-config\nhostname: x\n",
    });
    expect(vm.networkConfig).toBeUndefined(); // XO does not expose it
    const vifs = (await all("VIF")).filter((v) => v.$VM === id);
    expect(vifs).toMatchObject([{ MAC: "02:00:00:aa:bb:01", $network: net, device: "0" }]);
    const disks = (await all("VBD")).filter((b) => b.VM === id);
    const vdis = await all("VDI");
    expect(disks.map((b) => vdis.find((d) => d.id === b.VDI)).map((d) => [d?.name_label, d?.size])).toEqual([
      ["legal-ai-dev-server-1-os", 40 * GiB],
      // XO's NoCloud drive, which the provider skips by this name.
      ["XO CloudConfigDrive", 10 * 1024 ** 2],
    ]);
    const res = await fetch(`${sim!.url}/rest/v0/vms?fields=name_label`, {
      headers: { cookie: `authenticationToken=${TOKEN}` },
    });
    expect(await res.json()).toEqual([{ href: `/rest/v0/vms/${id}`, name_label: "legal-ai-dev-server-1" }]);
  });

  test("the guest reports the address of its network-config after vm.start; vm.set/tags/stop/delete", async () => {
    await start();
    const { id } = await createVm("n1", "02:00:00:aa:bb:01");
    await client().call("vm.start", { id });
    let vm = (await all("VM")).find((v) => v.id === id)!;
    expect(vm).toMatchObject({ power_state: "Running", addresses: { "0/ipv4/0": "10.10.1.11" } });
    await client().call("vm.set", { id, memoryMin: 4 * GiB, CPUs: 2, xenStoreData: {} });
    await client().call("tag.add", { id, tag: "extra" });
    await client().call("tag.remove", { id, tag: "role:server" });
    vm = (await all("VM")).find((v) => v.id === id)!;
    expect(vm).toMatchObject({ CPUs: { number: 2 }, tags: ["cluster:legal-ai-dev", "extra"] });
    expect((vm.memory as { dynamic: number[] }).dynamic[0]).toBe(4 * GiB);
    await client().call("vm.stop", { id, force: true });
    await client().call("vm.delete", { id });
    expect(await all("VM")).toEqual([]);
    expect((await all("VIF")).filter((v) => v.$VM === id)).toEqual([]);
    expect((await all("VBD")).filter((b) => b.VM === id)).toEqual([]);
    expect(await failure(client().call("vm.start", { id }))).toMatchObject({ code: 1 });
  });

  test("refuses what XO refuses: unknown template, duplicate MAC, a disk larger than the SR's free space", async () => {
    await start({}, { srSize: 130 * GiB });
    await createVm("a", "02:00:00:aa:bb:01");
    expect(await failure(createVm("b", "02:00:00:AA:BB:01"))).toMatchObject({
      message: expect.stringContaining("MAC_ALREADY_EXISTS"),
    });
    expect(await failure(createVm("c", "02:00:00:aa:bb:03", { template: "nope" }))).toMatchObject({
      code: 1,
    });
    const [sr] = await all("SR");
    expect(
      await failure(
        createVm("d", "02:00:00:aa:bb:04", { VDIs: [{ SR: sr!.id, size: 90 * GiB, userdevice: "0" }] }),
      ),
    ).toMatchObject({ message: expect.stringContaining("SR_FULL") });
    expect((await all("VM")).map((v) => v.name_label)).toEqual(["a"]); // nothing half-created
  });
});

describe("what the provider's later calls do", () => {
  const disksOf = async (id: string) => {
    const vdis = await all("VDI");
    return (await all("VBD"))
      .filter((b) => b.VM === id)
      .map((b) => vdis.find((d) => d.id === b.VDI)?.name_label);
  };

  test("destroyCloudConfigVdiAfterBoot: the config drive goes at boot; without it, it stays", async () => {
    await start();
    const dropped = await createVm("a", "02:00:00:aa:bb:01");
    const kept = await createVm("b", "02:00:00:aa:bb:02", { destroyCloudConfigVdiAfterBoot: false });
    await client().call("vm.start", { id: dropped.id });
    await client().call("vm.start", { id: kept.id });
    expect(await disksOf(dropped.id)).toEqual(["a-os"]);
    expect(await disksOf(kept.id)).toEqual(["b-os", "XO CloudConfigDrive"]);
    expect((await all("VDI")).filter((d) => d.name_label === "XO CloudConfigDrive")).toHaveLength(1);
  });

  test("vm.set keeps XAPI's memory order (static min <= dynamic min <= dynamic max <= static max)", async () => {
    await start();
    const { id } = await createVm("m", "02:00:00:aa:bb:01", { memoryStaticMax: 16 * GiB });
    await client().call("vm.set", { id, memoryMin: 4 * GiB, memoryMax: 8 * GiB });
    const memory = () => all("VM").then((vms) => vms.find((v) => v.id === id)!.memory);
    expect(await memory()).toMatchObject({ dynamic: [4 * GiB, 8 * GiB], static: [GiB, 16 * GiB] });
    expect(await failure(client().call("vm.set", { id, memoryMax: 32 * GiB }))).toMatchObject({
      message: expect.stringContaining("MEMORY_CONSTRAINT_VIOLATION"),
    });
    expect(await memory()).toMatchObject({ dynamic: [4 * GiB, 8 * GiB], static: [GiB, 16 * GiB] });
  });

  test("blocked operations: a blocked destroy is refused (code 5) until vm.set unblocks it with null", async () => {
    await start();
    const { id } = await createVm("p", "02:00:00:aa:bb:01", { blockedOperations: { destroy: "true" } });
    expect(await failure(client().call("vm.delete", { id }))).toMatchObject({ code: 5 });
    await client().call("vm.set", { id, blockedOperations: { destroy: null }, affinityHost: null });
    await client().call("vm.delete", { id });
    expect(await all("VM")).toEqual([]);
  });
});

describe("faults on request", () => {
  test("a failing vm.create fails once and creates nothing; a silent guest never reports an address", async () => {
    await start({ failVmCreate: ["bad"], noGuestAddress: ["mute"] });
    expect(await failure(createVm("bad", "02:00:00:aa:bb:01"))).toMatchObject({
      message: expect.stringContaining("simulated failure"),
    });
    expect(await all("VM")).toEqual([]);
    await createVm("bad", "02:00:00:aa:bb:01");
    const { id } = await createVm("mute", "02:00:00:aa:bb:02");
    await client().call("vm.start", { id });
    expect((await all("VM")).find((v) => v.id === id)).toMatchObject({
      power_state: "Running",
      addresses: {},
    });
  });

  test("slow tasks: mutating calls wait taskDelayMs", async () => {
    await start({ taskDelayMs: 300 });
    const [pool] = await all("pool");
    const t0 = Date.now();
    await client().call("network.create", { pool: pool!.id, name: "slow" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  test("an unknown method is 'not implemented' (code 0), not a silent success", async () => {
    await start();
    expect(await failure(client().call("vm.migrate", { id: "x" }))).toMatchObject({ code: 0 });
  });
});

describe("guest addresses from network-config", () => {
  test("static addresses per ethernet in order; DHCP or garbage gives none", () => {
    const rendered = renderNetworkConfig({
      mac: "02:00:00:aa:bb:01",
      address: { ip: "10.10.2.21", prefixLength: 24, gateway: "10.10.2.1" },
      resolvers: ["10.10.0.2"],
      searchDomains: ["lab.example.net"],
      mtu: 1500,
    });
    expect(guestAddresses(rendered)).toEqual({ "0/ipv4/0": "10.10.2.21" });
    expect(
      guestAddresses(
        "network:\n  version: 2\n  ethernets:\n    a: {dhcp4: true}\n    b: {addresses: [10.0.0.5/24]}\n",
      ),
    ).toEqual({
      "1/ipv4/0": "10.0.0.5",
    });
    expect(guestAddresses(": : :")).toEqual({});
    expect(guestAddresses(undefined)).toEqual({});
  });
});
