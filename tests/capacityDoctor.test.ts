/**
 * `fleet doctor`'s capacity checks against the local fake XO (tests/helpers/xoServer.ts): the
 * stack's planned memory per host against XO's free memory, its disks against the SR's space;
 * fail, warn and ok answers, a missing host, and the cases where the check cannot run.
 */
import * as path from "path";
import { loadStack } from "../components/stack/load";
import { clusterFacts, type ClusterFacts } from "../fleet/cluster";
import { capacityChecks } from "../fleet/doctorCapacity";
import { nodeHttp } from "../fleet/http";
import { XoClient, XoError } from "../fleet/xoClient";
import { profiles } from "../stacks/profiles";
import { startXoServer, type Inventory, type XoServer } from "./helpers/xoServer";

const REPO = path.resolve(__dirname, "..");
const TOKEN = "tok-capacity-1";
const GiB = 1024 ** 3;
// legal-ai-dev: 6 + 2 × 16 = 38 GiB of memory, 40 + 2 × (60 + 100) = 360 GiB of disks.
const facts: ClusterFacts = clusterFacts(loadStack("legal-ai-dev", { rootDir: REPO, profiles }));

function inventory(freeGiB: number, srLeftGiB = 1000, srPhysFreeGiB = 1000): Inventory {
  return {
    pools: [{ id: "pool-1", name_label: "homelab" }],
    templates: [],
    srs: [
      {
        id: "sr-1",
        name_label: "local-ssd",
        $pool: "pool-1",
        size: 4000 * GiB,
        usage: (4000 - srLeftGiB) * GiB,
        physical_usage: (4000 - srPhysFreeGiB) * GiB,
      },
    ],
    pifs: [],
    networks: [],
    vms: [],
    vifs: [],
    snapshots: [],
    hosts: [
      {
        id: "h1",
        name_label: "xcp-ng-01",
        $pool: "pool-1",
        memory: { size: 512 * GiB, usage: (512 - freeGiB) * GiB },
      },
      { id: "h9", name_label: "xcp-ng-01", $pool: "pool-9", memory: { size: 512 * GiB, usage: 0 } },
    ],
  };
}

const servers: XoServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function checks(inv: Inventory, options: { deployed?: boolean; facts?: ClusterFacts } = {}) {
  const server = await startXoServer({ inventory: inv, token: TOKEN });
  servers.push(server);
  const xo = new XoClient({
    baseUrl: server.url,
    credentials: { token: TOKEN },
    http: nodeHttp({ timeoutMs: 5000 }),
  });
  const result = await capacityChecks(options.facts ?? facts, {
    xo,
    rancher: { url: undefined, http: nodeHttp({ timeoutMs: 5000 }) },
    deployed: options.deployed ?? false,
  });
  return { result, server };
}

describe("fleet doctor: capacity", () => {
  test("enough free memory and SR space: both ok, with the figures", async () => {
    const { result, server } = await checks(inventory(200));
    expect(result).toEqual([
      { name: "memory", status: "ok", detail: "xcp-ng-01 38.0 GiB of 200.0 GiB free" },
      {
        name: "SR space",
        status: "ok",
        detail:
          "the stack's disks ask 360.0 GiB; 'local-ssd' has 1000.0 GiB left to allocate (size 4000.0 GiB × 1) and 1000.0 GiB physically free",
      },
    ]);
    // Only the pool's hosts are read (the filter is on $pool).
    expect(server.requests.find((r) => r.path === "/rest/v0/hosts")!.query.filter).toBe('$pool:"pool-1"');
  });

  test("less free memory than the stack asks: fail, naming both figures", async () => {
    const { result } = await checks(inventory(30));
    expect(result[0]).toMatchObject({
      name: "memory",
      status: "fail",
      detail: "xcp-ng-01: the stack asks 38.0 GiB, XO has 30.0 GiB free",
      fix: expect.stringContaining("XO would refuse to start the VMs for lack of memory"),
    });
  });

  test("fits, but eats the headroom: warn", async () => {
    const { result } = await checks(inventory(40));
    expect(result[0]).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("less than the 5 % headroom"),
    });
  });

  test("the SR has less left to allocate than the disks ask: fail; thin and only physically short: warn", async () => {
    expect((await checks(inventory(200, 300))).result[1]).toMatchObject({ name: "SR space", status: "fail" });
    expect((await checks(inventory(200, 1000, 100))).result[1]).toMatchObject({
      name: "SR space",
      status: "warn",
    });
  });

  test("a planned host that is not in the pool fails", async () => {
    const inv = inventory(200);
    inv.hosts = [
      { id: "h2", name_label: "xcp-ng-02", $pool: "pool-1", memory: { size: 512 * GiB, usage: 0 } },
    ];
    expect((await checks(inv)).result[0]).toMatchObject({
      status: "fail",
      detail: "host 'xcp-ng-01' (planned for 38.0 GiB) is not in the pool",
    });
  });

  test("skipped when the stack is deployed, without XO, or without a capacity model", async () => {
    const deployed = await checks(inventory(1), { deployed: true });
    expect(deployed.result.map((c) => c.status)).toEqual(["skip", "skip"]);
    expect(deployed.server.requests).toEqual([]);
    const noXo = await capacityChecks(facts, {
      xo: new XoError("XOA_URL is not set"),
      rancher: { url: undefined, http: nodeHttp({ timeoutMs: 5000 }) },
      deployed: false,
    });
    expect(noXo.map((c) => [c.status, c.detail])).toEqual([
      ["skip", "needs the XO API"],
      ["skip", "needs the XO API"],
    ]);
    const noModel = await checks(inventory(1), { facts: { ...facts, capacity: null } });
    expect(noModel.result.map((c) => c.status)).toEqual(["skip", "skip"]);
  });
});
