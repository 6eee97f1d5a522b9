/**
 * Issue 15: each doctor check on both sides of its condition, against an in-memory XO (a fake
 * client answering like XO's REST API: the filter is a case-insensitive substring, so answers are
 * supersets — fleet/xoClient.ts header). What passes must pass and what XO would refuse at
 * `pulumi up` (an ambiguous name, a used VLAN, a duplicated MAC) must fail, naming what it saw.
 */
import { doctorFailed, formatReport, rancherBaseUrl, runDoctor, type Check } from "../fleet/doctor";
import type { ClusterFacts, DoctorOptions } from "../fleet/doctorTypes";
import type { HttpFetch } from "../fleet/http";
import { XoError, type XoClient } from "../fleet/xoClient";

type Row = Record<string, unknown> & { id: string };

interface World {
  pools?: Row[];
  "vm-templates"?: Row[];
  srs?: Row[];
  hosts?: Row[];
  pifs?: Row[];
  networks?: Row[];
  vms?: Row[];
  vifs?: Row[];
  /** get("vms", id) answers: a VM, or 404 when absent. */
  vmById?: Record<string, Row>;
  /** list() of this collection throws this error. */
  failing?: Partial<Record<string, Error>>;
}

/**
 * Like XO's REST API, a list answers only the fields asked for (plus the id): a check that forgot
 * to ask for a field it reads would see it missing, as against a real XO.
 */
function fakeXo(world: World): XoClient {
  return {
    list: (collection: string, fields: string[]) => {
      const failure = world.failing?.[collection];
      if (failure !== undefined) return Promise.reject(failure);
      const rows = ((world as Record<string, unknown>)[collection] ?? []) as Row[];
      return Promise.resolve(
        rows.map((row) =>
          Object.fromEntries(Object.entries(row).filter(([k]) => k === "id" || fields.includes(k))),
        ),
      );
    },
    get: (_collection: string, id: string) => {
      const vm = world.vmById?.[id];
      return vm === undefined ? Promise.reject(new XoError(`no ${id}`, 404)) : Promise.resolve(vm);
    },
  } as unknown as XoClient; // the checks use list() and get() only
}

const facts = (over: Partial<ClusterFacts> = {}): ClusterFacts => ({
  stack: "legal-ai-dev",
  environment: "dev",
  clusterName: "legal-ai-dev",
  clusterTag: "cluster=legal-ai-dev",
  hostnames: ["c1-server1", "c1-worker1"],
  macs: ["02:ab:cd:00:00:01", "02:ab:cd:00:00:02"],
  macOwner: new Map([
    ["02:ab:cd:00:00:01", "c1-server1"],
    ["02:ab:cd:00:00:02", "c1-worker1"],
  ]),
  vlan: 101,
  networkName: "legal-ai-dev-vlan101",
  existingNetwork: false,
  xo: { pool: "lab", template: "ubuntu", sr: "ssd", pifDevice: "eth1" },
  affinityHosts: [],
  rancherMode: "none",
  environmentFile: "Pulumi.dev.yaml",
  capacity: null,
  ...over,
});

/** A pool "lab" (p1) with its template, SR, one physical eth1 PIF; a pool "lab-old" (p2) alongside. */
const clean = (): World => ({
  pools: [
    { id: "p1", name_label: "lab" },
    { id: "p2", name_label: "lab-old" },
  ],
  "vm-templates": [
    { id: "t1", name_label: "ubuntu", $pool: "p1" },
    { id: "t2", name_label: "ubuntu-old", $pool: "p1" },
  ],
  srs: [{ id: "s1", name_label: "ssd", $pool: "p1" }],
  hosts: [{ id: "h1", name_label: "host1", $pool: "p1" }],
  pifs: [
    { id: "pif1", device: "eth1", vlan: -1, $host: "h1", $pool: "p1" },
    { id: "pif9", device: "eth1", vlan: -1, $host: "h9", $pool: "p2" },
    { id: "pif8", device: "eth10", vlan: -1, $host: "h1", $pool: "p1" },
  ],
  networks: [],
  vms: [],
  vifs: [],
});

async function doctor(world: World, over: Partial<ClusterFacts> = {}, options: Partial<DoctorOptions> = {}) {
  const checks = await runDoctor(facts(over), {
    xo: fakeXo(world),
    xoUrl: "https://xo.lab",
    rancher: { url: undefined, http: () => Promise.reject(new Error("no Rancher")) },
    deployed: false,
    ...options,
  });
  return { checks, get: (name: string) => checks.find((c) => c.name === name)! };
}

describe("XO API and pool", () => {
  test("a clean pool: every XO check passes; the report says no problem", async () => {
    const { checks } = await doctor(clean());
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["XO API", "ok"],
      ["pool", "ok"],
      ["template", "ok"],
      ["SR", "ok"],
      ["affinity", "ok"],
      ["PIF", "ok"],
      ["VLAN", "ok"],
      ["host names", "ok"],
      ["MACs", "ok"],
      // No capacity model in these facts (tests/capacityDoctor.test.ts has them).
      ["memory", "skip"],
      ["SR space", "skip"],
      ["Rancher", "skip"],
    ]);
    expect(doctorFailed(checks)).toBe(false);
    expect(checks[0]!.detail).toBe("answers at https://xo.lab, credentials accepted");
    expect(checks.find((c) => c.name === "PIF")!.detail).toBe("'eth1' on 1 host of the pool");
    expect(checks.find((c) => c.name === "VLAN")!.detail).toBe("VLAN 101 is free on 'eth1'");
    expect(checks.find((c) => c.name === "affinity")!.detail).toBe("no pool pins a host");
    expect(checks.find((c) => c.name === "MACs")!.detail).toBe("none of the 2 MACs is on another VM");
    expect(checks.find((c) => c.name === "host names")!.detail).toBe("none of the 2 host names is taken");
  });

  test("401 and other failures of the first call: XO API fails with its own fix, every XO check skipped", async () => {
    const unauthorized = await doctor({ failing: { pools: new XoError("401", 401) } });
    expect(unauthorized.get("XO API")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("XOA_TOKEN"),
    });
    const down = await doctor({ failing: { pools: new XoError("down", 502) } });
    expect(down.get("XO API")).toMatchObject({ status: "fail", fix: expect.stringContaining("reachable") });
    for (const r of [unauthorized, down]) {
      expect(r.checks.filter((c) => c.status === "skip").map((c) => c.name)).toEqual([
        "pool",
        "template",
        "SR",
        "affinity",
        "PIF",
        "VLAN",
        "host names",
        "MACs",
        "memory",
        "SR space",
        "Rancher",
      ]);
      expect(doctorFailed(r.checks)).toBe(true);
    }
  });

  test("no XO client: XO API fails, the rest is skipped", async () => {
    const { checks } = await doctor({}, {}, { xo: new XoError("XOA_URL is not set") });
    expect(checks[0]).toMatchObject({ name: "XO API", status: "fail", detail: "XOA_URL is not set" });
    expect(checks.slice(1, 9).every((c) => c.status === "skip")).toBe(true);
  });

  test.each<[Row[], string]>([
    [[{ id: "p2", name_label: "lab-old" }], "no pool named 'lab'; XO has: lab-old"],
    [[], "no pool named 'lab'; XO has: no pool"],
    [
      [
        { id: "p1", name_label: "lab" },
        { id: "p3", name_label: "lab" },
      ],
      "2 pools are named 'lab' (p1, p3)",
    ],
  ])("pool %j: fail, the later checks skipped", async (pools, detail) => {
    const { get, checks } = await doctor({ ...clean(), pools });
    expect(get("pool")).toMatchObject({ status: "fail", detail });
    expect(checks.slice(2, 9).map((c) => c.status)).toEqual(Array(7).fill("skip"));
  });
});

describe("template and SR: exactly one of that exact name in the pool", () => {
  test.each<[Row[], string, string]>([
    [[{ id: "t1", name_label: "ubuntu", $pool: "p1" }], "ok", "'ubuntu' (t1)"],
    [
      [{ id: "t2", name_label: "ubuntu-old", $pool: "p1" }],
      "fail",
      "no template named 'ubuntu' in pool 'lab'",
    ],
    [
      [{ id: "t3", name_label: "ubuntu", $pool: "p2" }],
      "fail",
      "no template named 'ubuntu' in pool 'lab' (1 in other pools)",
    ],
    [
      [
        { id: "t1", name_label: "ubuntu", $pool: "p1" },
        { id: "t4", name_label: "ubuntu", $pool: "p1" },
      ],
      "fail",
      "2 templates named 'ubuntu' in pool 'lab' (t1, t4)",
    ],
    [
      [
        { id: "t1", name_label: "ubuntu", $pool: "p1" },
        { id: "t3", name_label: "ubuntu", $pool: "p2" },
      ],
      "ok",
      "'ubuntu' (t1)",
    ],
  ])("templates %j -> %s", async (templates, status, detail) => {
    const { get } = await doctor({ ...clean(), "vm-templates": templates });
    expect(get("template").status).toBe(status);
    expect(get("template").detail).toContain(detail);
  });

  test("a failing list is that check's failure only", async () => {
    const { get } = await doctor({ ...clean(), failing: { srs: new Error("SR list broke") } });
    expect(get("SR")).toEqual({ name: "SR", status: "fail", detail: "SR list broke" });
    expect(get("template").status).toBe("ok");
  });
});

describe("affinity hosts", () => {
  const pinned = { affinityHosts: [{ host: "host1", pools: ["server"] }] };
  const key = "(cluster-orchestrator:pools.server.affinityHost) in pool 'lab'";
  test.each<[Row[], string, string]>([
    [[{ id: "h1", name_label: "host1", $pool: "p1" }], "ok", "'host1' in pool 'lab'"],
    [[{ id: "h2", name_label: "host1", $pool: "p2" }], "fail", `no host 'host1' ${key}; its hosts: none`],
    [
      [
        { id: "h3", name_label: "host10", $pool: "p1" },
        { id: "h5", name_label: "host0", $pool: "p1" },
      ],
      "fail",
      `no host 'host1' ${key}; its hosts: host0, host10`,
    ],
    [
      [
        { id: "h1", name_label: "host1", $pool: "p1" },
        { id: "h4", name_label: "host1", $pool: "p1" },
      ],
      "fail",
      `2 hosts named 'host1' ${key}; its hosts: host1, host1`,
    ],
  ])("hosts %j -> %s", async (hosts, status, detail) => {
    const { get } = await doctor({ ...clean(), hosts }, pinned);
    expect(get("affinity").status).toBe(status);
    expect(get("affinity").detail).toBe(detail);
  });
});

describe("PIF", () => {
  test.each<[Row[], string, string]>([
    [
      [{ id: "a", device: "eth1", vlan: -1, $host: "h1", $pool: "p2" }],
      "fail",
      "no physical PIF 'eth1' in pool 'lab'",
    ],
    [[{ id: "a", device: "eth1", vlan: 101, $host: "h1", $pool: "p1" }], "fail", "no physical PIF"],
    [[{ id: "a", device: "eth10", vlan: -1, $host: "h1", $pool: "p1" }], "fail", "no physical PIF"],
    [
      [
        { id: "a", device: "eth1", vlan: -1, $host: "h1", $pool: "p1" },
        { id: "b", device: "eth1", vlan: -1, $host: "h1", $pool: "p1" },
      ],
      "fail",
      "several physical PIFs 'eth1' on one host (a, b)",
    ],
    [
      [
        { id: "a", device: "eth1", vlan: -1, $host: "h1", $pool: "p1" },
        { id: "b", device: "eth1", vlan: -1, $host: "h2", $pool: "p1" },
      ],
      "ok",
      "'eth1' on 2 hosts of the pool",
    ],
  ])("%j -> %s", async (pifs, status, detail) => {
    const { get } = await doctor({ ...clean(), pifs });
    expect(get("PIF").status).toBe(status);
    expect(get("PIF").detail).toContain(detail);
  });
});

describe("VLAN", () => {
  const vlanPif = (network: string, pool = "p1", device = "eth1", vlan = 101): Row => ({
    id: `v-${network}`,
    device,
    vlan,
    $host: "h1",
    $pool: pool,
    $network: network,
  });
  const withPifs = (...extra: Row[]): World => ({ ...clean(), pifs: [...clean().pifs!, ...extra] });

  test("used by another network of the pool: fail naming it; by the cluster's own network: ok", async () => {
    const other = await doctor({
      ...withPifs(vlanPif("n1")),
      networks: [{ id: "n1", name_label: "old-net", $pool: "p1" }],
    });
    expect(other.get("VLAN")).toMatchObject({
      status: "fail",
      detail: "VLAN 101 on 'eth1' is already used by 'old-net' (n1)",
    });
    const own = await doctor({
      ...withPifs(vlanPif("n2")),
      networks: [{ id: "n2", name_label: "legal-ai-dev-vlan101", $pool: "p1" }],
    });
    expect(own.get("VLAN")).toMatchObject({
      status: "ok",
      detail: "VLAN 101 belongs to this cluster's network 'legal-ai-dev-vlan101'",
    });
    // A network XO does not list in the pool is still a user of the VLAN.
    const unnamed = await doctor(withPifs(vlanPif("n3")));
    expect(unnamed.get("VLAN").detail).toContain("'(unnamed)' (n3)");
  });

  test("another VLAN, another device or another pool does not count", async () => {
    for (const pif of [vlanPif("n1", "p1", "eth1", 102), vlanPif("n1", "p1", "eth10"), vlanPif("n1", "p2")]) {
      const { get } = await doctor({
        ...withPifs(pif),
        networks: [{ id: "n1", name_label: "x", $pool: "p1" }],
      });
      expect([pif, get("VLAN").status]).toEqual([pif, "ok"]);
    }
  });

  test("an existing network: exactly one of that name in the pool", async () => {
    const over = { existingNetwork: true, networkName: "shared" };
    const net = (id: string, pool = "p1") => ({ id, name_label: "shared", $pool: pool });
    expect((await doctor({ ...clean(), networks: [net("n1")] }, over)).get("VLAN")).toMatchObject({
      status: "ok",
      detail: "existing network 'shared' (n1)",
    });
    const otherName = { id: "n5", name_label: "shared-2", $pool: "p1" };
    expect((await doctor({ ...clean(), networks: [otherName] }, over)).get("VLAN")).toMatchObject({
      status: "fail",
      detail: "no network named 'shared' in pool 'lab'",
    });
    expect((await doctor({ ...clean(), networks: [net("n1", "p2")] }, over)).get("VLAN")).toMatchObject({
      status: "fail",
      detail: "no network named 'shared' in pool 'lab'",
    });
    expect((await doctor({ ...clean(), networks: [net("n1"), net("n2")] }, over)).get("VLAN")).toMatchObject({
      status: "fail",
      detail: "2 networks named 'shared' (n1, n2)",
    });
  });
});

describe("host names and MACs: leftovers", () => {
  const vm = (id: string, name: string, tags: string[]): Row => ({
    id,
    name_label: name,
    tags,
    power_state: "Halted",
  });

  test.each<[Row[], boolean, string, string]>([
    [
      [vm("v1", "c1-server1", ["cluster=legal-ai-dev"])],
      false,
      "fail",
      "leftover VM(s) of this cluster: 'c1-server1' (v1, Halted)",
    ],
    [
      [vm("v1", "c1-server1", ["cluster=legal-ai-dev"])],
      true,
      "ok",
      "1 of 2 VMs exist, tagged cluster=legal-ai-dev (deployed)",
    ],
    [
      [vm("v2", "c1-server1", [])],
      true,
      "fail",
      "VM(s) not tagged for any cluster: 'c1-server1' (v2, Halted)",
    ],
    [
      [vm("v3", "c1-server1", ["cluster=legal-ai-prod"])],
      false,
      "warn",
      "'c1-server1' (v3, Halted) of legal-ai-prod",
    ],
    // XO's substring answer: a VM whose name only contains a planned name is not a holder.
    [[vm("v4", "c1-server10", [])], false, "ok", "none of the 2 host names is taken"],
  ])("%j deployed=%s -> %s", async (vms, deployed, status, detail) => {
    const { get, checks } = await doctor({ ...clean(), vms }, {}, { deployed });
    expect(get("host names").status).toBe(status);
    expect(get("host names").detail).toContain(detail);
    expect(doctorFailed(checks)).toBe(status === "fail");
    const fix = get("host names").fix ?? "";
    expect(fix.startsWith("rename or delete the untagged VM(s); delete the leftover")).toBe(
      detail.includes("not tagged"),
    );
  });

  test("a MAC on another VM fails (any case); on the cluster's own VM only when not deployed; in a snapshot never", async () => {
    const vifs = [
      { id: "i1", MAC: "02:ab:cd:00:00:01".toUpperCase(), $VM: "v9" },
      { id: "i2", MAC: "02:ab:cd:00:00:02", $VM: "snap1" },
      { id: "i3", MAC: "02:ab:cd:00:00:03", $VM: "v8" },
    ];
    const other = await doctor({
      ...clean(),
      vifs,
      vmById: { v9: vm("v9", "someone", []), v8: vm("v8", "x", []) },
    });
    expect(other.get("MACs")).toMatchObject({
      status: "fail",
      detail: "02:ab:cd:00:00:01 (planned for c1-server1) is on VM 'someone' (v9, Halted)",
    });
    const ownVm = { v9: vm("v9", "c1-server1", ["cluster=legal-ai-dev"]) };
    expect((await doctor({ ...clean(), vifs, vmById: ownVm })).get("MACs").status).toBe("fail");
    expect((await doctor({ ...clean(), vifs, vmById: ownVm }, {}, { deployed: true })).get("MACs")).toEqual({
      name: "MACs",
      status: "ok",
      detail: "none of the 2 MACs is on another VM (1 in snapshots or templates, which do not conflict)",
    });
  });

  test("a failure other than 404 while reading a VIF's VM fails the check", async () => {
    const world: World = { ...clean(), vifs: [{ id: "i1", MAC: "02:ab:cd:00:00:01", $VM: "v9" }] };
    const client = fakeXo(world);
    (client as unknown as { get: () => Promise<never> }).get = () => Promise.reject(new XoError("boom", 500));
    const checks = await runDoctor(facts(), {
      xo: client,
      rancher: { url: undefined, http: () => Promise.reject(new Error("x")) },
      deployed: false,
    });
    expect(checks.find((c) => c.name === "MACs")).toEqual({ name: "MACs", status: "fail", detail: "boom" });
  });
});

describe("Rancher", () => {
  const answer =
    (status: number, body: string): HttpFetch =>
    (url) =>
      Promise.resolve({ status, headers: { url }, body });
  const rancher = async (
    url: string | undefined,
    http: HttpFetch,
    mode: ClusterFacts["rancherMode"] = "import",
  ) => (await doctor(clean(), { rancherMode: mode }, { rancher: { url, http } })).get("Rancher");

  test.each<[string | undefined, HttpFetch, string, string]>([
    ["https://r.lab/v3/", answer(200, "pong\n"), "ok", "https://r.lab/ping answers pong"],
    ["https://r.lab", answer(200, "pong"), "ok", "https://r.lab/ping answers pong"],
    ["https://r.lab", answer(200, "ping"), "fail", 'https://r.lab/ping answered 200 "ping", not pong'],
    ["https://r.lab", answer(503, "pong"), "fail", "answered 503"],
    [
      "https://r.lab",
      () => Promise.reject(new Error("ECONNREFUSED")),
      "fail",
      "cannot reach https://r.lab/ping: ECONNREFUSED",
    ],
    [undefined, answer(200, "pong"), "skip", "RANCHER_URL is not set"],
    ["  ", answer(200, "pong"), "skip", "RANCHER_URL is not set"],
  ])("%j -> %s", async (url, http, status, detail) => {
    const check = await rancher(url, http);
    expect(check.status).toBe(status);
    expect(check.detail).toContain(detail);
  });

  test("mode none: skipped without asking", async () => {
    let asked = false;
    const check = await rancher(
      "https://r.lab",
      () => ((asked = true), Promise.resolve({ status: 200, headers: {}, body: "pong" })),
      "none",
    );
    expect(check).toEqual({ name: "Rancher", status: "skip", detail: "rancher mode is none" });
    expect(asked).toBe(false);
  });

  test("rancherBaseUrl strips trailing slashes and one /v3", () => {
    expect(rancherBaseUrl(" https://r.lab/v3// ")).toBe("https://r.lab");
    expect(rancherBaseUrl("https://r.lab/v3x")).toBe("https://r.lab/v3x");
    expect(rancherBaseUrl("https://r.lab/rancher")).toBe("https://r.lab/rancher");
  });
});

describe("the report", () => {
  const c = (name: string, status: Check["status"], fix?: string): Check => ({
    name,
    status,
    detail: `${name} detail`,
    ...(fix !== undefined ? { fix } : {}),
  });

  test("a fix is shown for fail and warn only; the last line counts problems and warnings", () => {
    const report = formatReport("s", [
      c("pool", "fail", "fix pool"),
      c("VLAN", "warn", "fix vlan"),
      c("SR", "ok", "never"),
    ]);
    expect(report.split("\n")).toEqual([
      "Doctor for s:",
      "  ✖ pool  pool detail",
      "          → fix pool",
      "  ⚠ VLAN  VLAN detail",
      "          → fix vlan",
      "  ✔ SR    SR detail",
      "1 problem found, 1 warning: fix it before pulumi up.",
    ]);
    expect(
      formatReport("s", [c("a", "fail"), c("b", "fail"), c("c", "warn"), c("d", "warn")])
        .split("\n")
        .pop(),
    ).toBe("2 problems found, 2 warnings: fix them before pulumi up.");
    expect(
      formatReport("s", [c("a", "fail")])
        .split("\n")
        .pop(),
    ).toBe("1 problem found: fix it before pulumi up.");
    expect(formatReport("s", [c("a", "ok"), c("b", "skip")]).split("\n")).toEqual([
      "Doctor for s:",
      "  ✔ a  a detail",
      "  – b  b detail",
      "No problem found.",
    ]);
    expect(
      formatReport("s", [c("a", "warn"), c("b", "warn")])
        .split("\n")
        .pop(),
    ).toBe("No problem found (2 warnings).");
    expect(
      formatReport("s", [c("a", "warn")])
        .split("\n")
        .pop(),
    ).toBe("No problem found (1 warning).");
  });

  test("doctorFailed: a warning or a skip is not a failure", () => {
    expect(doctorFailed([c("a", "warn"), c("b", "skip"), c("c", "ok")])).toBe(false);
    expect(doctorFailed([c("a", "ok"), c("b", "fail")])).toBe(true);
  });
});

describe("capacity: both sides of each limit", () => {
  const GiB = 1024 ** 3;
  const capacity = {
    modelFile: "capacity.yaml",
    headroomPercent: 10,
    srRatio: 1.5,
    vms: [
      { vm: "c1-server1", host: "host1", memoryGiB: 5, diskGiB: 30 },
      { vm: "c1-worker1", host: "host1", memoryGiB: 3, diskGiB: 20 },
    ],
  };
  const world = (usedGiB: number, srUsageGiB = 0, srPhysicalGiB = 0, hostPool = "p1"): World => ({
    ...clean(),
    hosts: [
      { id: "h1", name_label: "host1", $pool: hostPool, memory: { size: 100 * GiB, usage: usedGiB * GiB } },
    ],
    srs: [
      { id: "s0", name_label: "ssd", $pool: "p2", size: 0, usage: 0, physical_usage: 0 },
      {
        id: "s1",
        name_label: "ssd",
        $pool: "p1",
        size: 100 * GiB,
        usage: srUsageGiB * GiB,
        physical_usage: srPhysicalGiB * GiB,
      },
    ],
  });
  const run = async (w: World, deployed = false) => {
    const r = await doctor(w, { capacity }, { deployed });
    return { memory: r.get("memory"), sr: r.get("SR space") };
  };

  test.each<[number, string]>([
    [82, "ok"], // 18 free: 8 asked leaves exactly the 10 GiB headroom
    [82.5, "warn"], // 17.5 free: inside the headroom
    [92, "warn"], // exactly 8 free: fits, no headroom
    [92.5, "fail"], // 7.5 free
  ])("memory: %d GiB used of 100 -> %s", async (used, status) => {
    const { memory } = await run(world(used));
    expect(memory.status).toBe(status);
    if (status === "fail") expect(memory.detail).toBe("host1: the stack asks 8.0 GiB, XO has 7.5 GiB free");
    if (status === "ok") expect(memory.detail).toBe("host1 8.0 GiB of 18.0 GiB free");
  });

  test("memory: a planned host outside the pool fails", async () => {
    const { memory } = await run(world(0, 0, 0, "p2"));
    expect(memory).toMatchObject({
      status: "fail",
      detail: "host 'host1' (planned for 8.0 GiB) is not in the pool",
    });
  });

  test.each<[number, number, string]>([
    [100, 50, "ok"], // 150 × ratio − 100 = 50 left to allocate, 50 physically free: 50 asked fits both
    [100, 50.5, "warn"], // physically short only: thin provisioning
    [100.5, 0, "fail"], // less left to allocate than asked
  ])("SR: usage %d, physical %d -> %s", async (usage, physical, status) => {
    const { sr } = await run(world(0, usage, physical));
    expect(sr.status).toBe(status);
    if (status === "ok")
      expect(sr.detail).toBe(
        "the stack's disks ask 50.0 GiB; 'ssd' has 50.0 GiB left to allocate (size 100.0 GiB × 1.5) and 50.0 GiB physically free",
      );
  });

  test("skipped when deployed, without XO, without the pool, or without the SR in the pool", async () => {
    expect((await run(world(0), true)).memory.status).toBe("skip");
    const noXo = await doctor({}, { capacity }, { xo: new XoError("x") });
    expect(noXo.get("memory")).toMatchObject({ status: "skip", detail: "needs the XO API" });
    const noPool = await doctor({ ...world(0), pools: [{ id: "p2", name_label: "lab-old" }] }, { capacity });
    expect(noPool.get("SR space")).toMatchObject({ status: "skip", detail: "needs the pool" });
    const noSr = await doctor({ ...world(0), srs: [] }, { capacity });
    expect(noSr.get("SR space")).toEqual({ name: "SR space", status: "skip", detail: "needs the SR 'ssd'" });
    expect(noSr.get("memory").status).toBe("ok");
  });
});
