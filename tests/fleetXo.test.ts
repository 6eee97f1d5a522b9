/**
 * `fleet snapshot` and `fleet doctor` against a local fake of XO's REST API
 * (tests/helpers/xoServer.ts) built from the real legal-ai-dev plan: authentication (token,
 * Basic, 401), snapshot tasks (success, failure, still pending, both task styles), 404s, listing
 * and deleting snapshots, and every doctor check with its failure answers.
 */
import * as path from "path";
import { loadStack } from "../components/stack/load";
import { profiles } from "../stacks/profiles";
import { main, type FleetDeps } from "../fleet/cli";
import { clusterFacts, type ClusterFacts } from "../fleet/cluster";
import type { Prompt } from "../fleet/confirm";
import { formatReport, rancherBaseUrl, runDoctor, type Check } from "../fleet/doctor";
import { nodeHttp } from "../fleet/http";
import { snapshotName } from "../fleet/snapshot";
import { anyOf, XoClient, XoError, xoBaseUrl, xoSettingsFromEnv } from "../fleet/xoClient";
import {
  parseFilter,
  startPingServer,
  startXoServer,
  type Inventory,
  type XoServer,
} from "./helpers/xoServer";

const REPO = path.resolve(__dirname, "..");
const STACK = "legal-ai-dev";
const TOKEN = "tok-3f9a0c2e7b";
const facts: ClusterFacts = clusterFacts(loadStack(STACK, { rootDir: REPO, profiles }));

const POOL = "pool-1";

/** XO as it is before the cluster exists (deployed: with the cluster's VMs). */
function inventory(options: { deployed?: boolean } = {}): Inventory {
  const inv: Inventory = {
    pools: [
      { id: POOL, name_label: facts.xo.pool },
      { id: "pool-2", name_label: "lab-annex" },
    ],
    templates: [
      { id: "tpl-1", name_label: facts.xo.template, $pool: POOL },
      { id: "tpl-elsewhere", name_label: facts.xo.template, $pool: "pool-2" },
      { id: "tpl-2", name_label: `${facts.xo.template}-old`, $pool: POOL },
    ],
    srs: [
      {
        id: "sr-1",
        name_label: facts.xo.sr,
        $pool: POOL,
        size: 2 ** 42,
        usage: 2 ** 40,
        physical_usage: 2 ** 39,
      },
    ],
    hosts: [
      { id: "host-1", name_label: "xcp-ng-01", $pool: POOL, memory: { size: 2 ** 38, usage: 2 ** 35 } },
    ],
    pifs: [
      { id: "pif-eth0", device: "eth0", vlan: -1, $host: "host-1", $pool: POOL, $network: "net-eth0" },
      {
        id: "pif-eth1",
        device: facts.xo.pifDevice,
        vlan: -1,
        $host: "host-1",
        $pool: POOL,
        $network: "net-eth1",
      },
      {
        id: "pif-eth1-v50",
        device: facts.xo.pifDevice,
        vlan: 50,
        $host: "host-1",
        $pool: POOL,
        $network: "net-v50",
      },
    ],
    networks: [
      { id: "net-eth0", name_label: "Pool-wide network associated with eth0", $pool: POOL },
      { id: "net-eth1", name_label: "Pool-wide network associated with eth1", $pool: POOL },
      { id: "net-v50", name_label: "storage-vlan50", $pool: POOL },
    ],
    vms: [],
    vifs: [],
    snapshots: [],
  };
  if (options.deployed) {
    inv.pifs.push({
      id: "pif-own",
      device: facts.xo.pifDevice,
      vlan: facts.vlan,
      $host: "host-1",
      $pool: POOL,
      $network: "net-own",
    });
    inv.networks.push({ id: "net-own", name_label: facts.networkName, $pool: POOL });
    facts.hostnames.forEach((hostname, i) => {
      inv.vms.push({
        id: `vm-${i + 1}`,
        name_label: hostname,
        tags: [
          "managed-by=cluster-orchestrator",
          "env=dev",
          `use-case=legal-ai`,
          facts.clusterTag,
          "pool=x",
          "role=y",
        ],
        power_state: "Running",
        $pool: POOL,
      });
      inv.vifs.push({ id: `vif-${i + 1}`, MAC: facts.macs[i]!, $VM: `vm-${i + 1}`, $network: "net-own" });
    });
  }
  return inv;
}

/** The prod cluster's VM that shares a host name with dev (cluster numbers are per environment). */
function prodTwin(inv: Inventory): Inventory {
  inv.vms.push({
    id: "vm-prod-1",
    name_label: facts.hostnames[0]!,
    tags: ["managed-by=cluster-orchestrator", "cluster=legal-ai-prod"],
    power_state: "Running",
    $pool: POOL,
  });
  inv.vifs.push({ id: "vif-prod-1", MAC: "02:00:0a:14:01:0b", $VM: "vm-prod-1", $network: "net-prod" });
  return inv;
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function xo(
  inv: Inventory,
  options: Partial<Parameters<typeof startXoServer>[0]> = {},
): Promise<XoServer> {
  const server = await startXoServer({ inventory: inv, token: TOKEN, ...options });
  servers.push(server);
  return server;
}

function prompt(interactive: boolean, answer = ""): Prompt & { questions: string[] } {
  const questions: string[] = [];
  return {
    interactive,
    questions,
    ask: (q) => {
      questions.push(q);
      return Promise.resolve(answer);
    },
  };
}

const FIXED_NOW = new Date(Date.UTC(2025, 5, 30, 8, 15, 42));

function run(argv: string[], env: NodeJS.ProcessEnv, answer?: Prompt) {
  const out: string[] = [];
  const deps: FleetDeps = {
    rootDir: REPO,
    env,
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    prompt: answer ?? prompt(false),
    runner: () => {
      throw new Error("no Pulumi here");
    },
    http: ({ insecure }) => nodeHttp({ insecure, timeoutMs: 5000 }),
    now: () => FIXED_NOW,
    logDir: null,
    xoPollIntervalMs: 5,
    xoTaskTimeoutMs: 2000,
  };
  return main(argv, deps).then((code) => ({ code, text: out.join("\n") }));
}

/** XOA_URL as the provider takes it: a ws:// URL (the client turns it into http://). */
function envFor(server: { url: string }, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // The fake XO speaks plain HTTP on loopback: fleet refuses that unless told to accept it.
  return {
    XOA_URL: server.url.replace(/^http:/, "ws:"),
    XOA_TOKEN: TOKEN,
    FLEET_ALLOW_PLAINTEXT: "true",
    ...extra,
  };
}

function client(
  server: XoServer,
  options: { token?: string; pollIntervalMs?: number; taskTimeoutMs?: number } = {},
) {
  return new XoClient({
    baseUrl: server.url,
    credentials: { token: options.token ?? TOKEN },
    http: nodeHttp({ timeoutMs: 5000 }),
    pollIntervalMs: options.pollIntervalMs ?? 5,
    taskTimeoutMs: options.taskTimeoutMs ?? 2000,
  });
}

// ---------------------------------------------------------------------------------------------

describe("XO connection settings", () => {
  test.each([
    ["wss://xo.lab.example.net", "https://xo.lab.example.net"],
    ["ws://10.0.0.5:8080/", "http://10.0.0.5:8080"],
    ["wss://xo.lab.example.net/api/", "https://xo.lab.example.net"],
    ["https://admin:pw@xo.lab.example.net/xo", "https://xo.lab.example.net/xo"],
  ])("XOA_URL %s → %s", (input, expected) => {
    expect(xoBaseUrl(input)).toBe(expected);
  });

  test("token before user/password; XOA_INSECURE; clear errors when something is missing", () => {
    expect(
      xoSettingsFromEnv({ XOA_URL: "wss://xo", XOA_TOKEN: "t", XOA_USER: "u", XOA_PASSWORD: "p" }),
    ).toEqual({
      baseUrl: "https://xo",
      credentials: { token: "t" },
      insecure: false,
    });
    expect(
      xoSettingsFromEnv({ XOA_URL: "wss://xo", XOA_USER: "u", XOA_PASSWORD: "p", XOA_INSECURE: "true" }),
    ).toMatchObject({ credentials: { user: "u", password: "p" }, insecure: true });
    expect(() => xoSettingsFromEnv({})).toThrow("XOA_URL is not set");
    expect(() => xoSettingsFromEnv({ XOA_URL: "wss://xo", XOA_USER: "u" })).toThrow(
      "set XOA_TOKEN, or XOA_USER and XOA_PASSWORD",
    );
    expect(() => xoSettingsFromEnv({ XOA_URL: "ftp://xo", XOA_TOKEN: "t" })).toThrow("ws://, wss://");
  });

  test("filters: quoted values, OR of several; the fake applies them like XO (substring, any element)", () => {
    expect(anyOf("name_label", ['a"b'])).toBe('name_label:"a\\"b"');
    expect(anyOf("MAC", ["x", "y", "x"])).toBe('|(MAC:"x" MAC:"y")');
    const match = parseFilter('|(tags:"cluster=legal-ai-dev" name_label:"cluster1")');
    expect(match({ tags: ["cluster=legal-ai-dev-old"], name_label: "z" })).toBe(true);
    expect(match({ tags: ["cluster=other"], name_label: "Cluster1-server1" })).toBe(true);
    expect(match({ tags: [], name_label: "other" })).toBe(false);
    expect(parseFilter("vlan:101")({ vlan: 101 })).toBe(true);
  });
});

describe("XO client failure answers", () => {
  test("401: a clear message, and the token is never in it", async () => {
    const server = await xo(inventory());
    const error = await client(server, { token: "wrong-token-value" })
      .list("pools", ["name_label"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XoError);
    expect((error as XoError).status).toBe(401);
    expect((error as XoError).message).toMatch(
      /XO refused the credentials \(401 Unauthorized\) for GET \/rest\/v0\/pools/,
    );
    expect((error as XoError).message).not.toContain("wrong-token-value");
  });

  test("404 for an unknown VM and an unknown task", async () => {
    const server = await xo(inventory());
    const xoClient = client(server);
    await expect(xoClient.startAction("vms", "no-such-vm", "snapshot", {})).rejects.toThrow(
      "XO has no /rest/v0/vms/no-such-vm/actions/snapshot (404 Not Found)",
    );
    await expect(xoClient.waitForTask("/tasks/0nope")).rejects.toMatchObject({ status: 404 });
    await expect(xoClient.get("vms", "no-such-vm")).rejects.toThrow("XO has no /rest/v0/vms/no-such-vm");
  });

  test("a failed task surfaces XO's error; a task pending past the timeout stops the wait", async () => {
    const server = await xo(inventory({ deployed: true }), {
      failSnapshot: { "vm-1": "SR_FULL: the SR is full" },
    });
    const xoClient = client(server);
    const task = await xoClient.startAction("vms", "vm-1", "snapshot", { name_label: "x" });
    await expect(xoClient.waitForTask(task)).rejects.toThrow(/ended with failure: SR_FULL: the SR is full/);

    const slow = await xo(inventory({ deployed: true }), { pendingPolls: 1_000_000 });
    const slowClient = client(slow, { pollIntervalMs: 5, taskTimeoutMs: 60 });
    const pending = await slowClient.startAction("vms", "vm-1", "snapshot", {});
    await expect(slowClient.waitForTask(pending)).rejects.toThrow(/still pending after 60ms; check it in XO/);
    const polls = slow.requests.filter((r) => r.path.startsWith("/rest/v0/tasks/")).length;
    expect(polls).toBeGreaterThan(1);
    expect(polls).toBeLessThan(100);
  });

  test("unreachable XO: the address, not a stack trace", async () => {
    const server = await startXoServer({ inventory: inventory(), token: TOKEN });
    await server.close();
    const error = await client(server)
      .list("pools", [])
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`cannot reach XO at ${server.url} \\(GET /rest/v0/pools\\)`),
    );
  });
});

describe("fleet snapshot", () => {
  test("snapshots every VM tagged for the cluster, names them co-<stack>-<UTC>, waits for each task", async () => {
    const server = await xo(prodTwin(inventory({ deployed: true })));
    const { code, text } = await run(["snapshot", STACK], envFor(server));
    expect(code).toBe(0);
    const name = snapshotName(STACK, FIXED_NOW);
    expect(name).toBe("co-legal-ai-dev-20250630T081542Z");
    expect(text).toContain(`Snapshotting 3 VMs of legal-ai-dev as '${name}'`);
    for (const host of facts.hostnames)
      expect(text).toMatch(new RegExp(`✔ ${host}: snapshot snap-\\d+-vm-\\d`));
    expect(text).toContain(`3 of 3 VMs snapshotted as '${name}'.`);
    expect(text).toContain(`npm run fleet -- snapshot ${STACK} --delete ${name}`);

    // Only the cluster's VMs (not prod's VM with the same host name), each with the same name.
    const posts = server.requests.filter((r) => r.method === "POST");
    expect(posts.map((r) => r.path).sort()).toEqual([
      "/rest/v0/vms/vm-1/actions/snapshot",
      "/rest/v0/vms/vm-2/actions/snapshot",
      "/rest/v0/vms/vm-3/actions/snapshot",
    ]);
    for (const post of posts) expect(JSON.parse(post.body)).toEqual({ name_label: name });
    expect(server.inventory.snapshots.map((s) => s.$snapshot_of).sort()).toEqual(["vm-1", "vm-2", "vm-3"]);
    // The VMs were found by tag, with fields; every request carried the token cookie.
    const listing = server.requests.find((r) => r.path === "/rest/v0/vms")!;
    expect(listing.query).toMatchObject({ filter: 'tags:"cluster=legal-ai-dev"' });
    expect(listing.query.fields!.split(",")).toEqual(expect.arrayContaining(["id", "name_label", "tags"]));
    expect(server.requests.every((r) => r.auth === "token")).toBe(true);
    // Tasks were polled until done.
    expect(server.requests.filter((r) => r.path.startsWith("/rest/v0/tasks/")).length).toBe(6);
  });

  test("Basic auth from XOA_USER/XOA_PASSWORD, the older task answer, --name, a planned VM missing", async () => {
    const inv = inventory({ deployed: true });
    inv.vms = inv.vms.filter((vm) => vm.name_label !== facts.hostnames[2]);
    const server = await xo(inv, {
      token: undefined,
      user: "ops@lab",
      password: "s3cret-pass",
      actionStyle: "text",
    });
    const { code, text } = await run(["snapshot", STACK, "--name", "before-1.35"], {
      XOA_URL: server.url,
      XOA_USER: "ops@lab",
      XOA_PASSWORD: "s3cret-pass",
      FLEET_ALLOW_PLAINTEXT: "true",
    });
    expect(code).toBe(0);
    expect(text).toContain(`⚠ ${facts.hostnames[2]!}: planned, but no VM tagged cluster=legal-ai-dev`);
    expect(text).toContain("2 of 2 VMs snapshotted as 'before-1.35'.");
    expect(server.requests.every((r) => r.auth === "basic")).toBe(true);
    expect(text).not.toContain("s3cret-pass");
  });

  test("a failed snapshot task: the error is shown for that VM, the others complete, the exit is 1", async () => {
    const server = await xo(inventory({ deployed: true }), {
      failSnapshot: { "vm-2": "VM_BAD_POWER_STATE: the VM is paused" },
    });
    const { code, text } = await run(["snapshot", STACK], envFor(server));
    expect(code).toBe(1);
    expect(text).toMatch(
      new RegExp(
        `✖ ${facts.hostnames[1]!}: XO task /rest/v0/tasks/\\w+ ended with failure: VM_BAD_POWER_STATE: the VM is paused`,
      ),
    );
    expect(text).toContain("2 of 3 VMs snapshotted");
    expect(server.inventory.snapshots).toHaveLength(2);
  });

  test("a bad token: exit 1 with the 401 explanation, the token never printed", async () => {
    const server = await xo(inventory({ deployed: true }));
    const { code, text } = await run(["snapshot", STACK], envFor(server, { XOA_TOKEN: "bad-token-1234" }));
    expect(code).toBe(1);
    expect(text).toContain("XO refused the credentials (401 Unauthorized)");
    expect(text).toContain("check XOA_TOKEN, or XOA_USER and XOA_PASSWORD");
    expect(text).not.toContain("bad-token-1234");
  });

  test("no VM tagged for the cluster: nothing to snapshot, exit 1", async () => {
    const server = await xo(prodTwin(inventory()));
    const { code, text } = await run(["snapshot", STACK], envFor(server));
    expect(code).toBe(1);
    expect(text).toContain("no VM in XO carries the tag cluster=legal-ai-dev; is legal-ai-dev deployed?");
    expect(server.requests.filter((r) => r.method === "POST")).toEqual([]);
  });

  test("--list, then --delete by name (confirmed), by id, unknown name, and no terminal", async () => {
    const inv = inventory({ deployed: true });
    inv.snapshots.push(
      { id: "s-a1", name_label: "before-upgrade", $snapshot_of: "vm-1", snapshot_time: 1_750_000_000 },
      { id: "s-a2", name_label: "before-upgrade", $snapshot_of: "vm-2", snapshot_time: 1_750_000_001 },
      { id: "s-b1", name_label: "weekly", $snapshot_of: "vm-1", snapshot_time: 1_740_000_000 },
      {
        id: "s-other",
        name_label: "before-upgrade",
        $snapshot_of: "vm-prod-1",
        snapshot_time: 1_750_000_002,
      },
    );
    const server = await xo(prodTwin(inv));
    const env = envFor(server);

    const list = await run(["snapshot", STACK, "--list"], env);
    expect(list.code).toBe(0);
    expect(list.text.split("\n")).toEqual([
      "snapshot        vm                taken (UTC)           id",
      "--------------  ----------------  --------------------  ----",
      `before-upgrade  ${facts.hostnames[1]!}  2025-06-15 15:06:41Z  s-a2`,
      `before-upgrade  ${facts.hostnames[0]!}  2025-06-15 15:06:40Z  s-a1`,
      `weekly          ${facts.hostnames[0]!}  2025-02-19 21:20:00Z  s-b1`,
    ]);

    const ci = await run(["snapshot", STACK, "--delete", "before-upgrade"], env, prompt(false));
    expect(ci.code).toBe(1);
    expect(ci.text).toContain("delete refused: stdin is not a terminal");
    expect(server.requests.filter((r) => r.method === "DELETE")).toEqual([]);

    const asked = prompt(true, "y");
    const del = await run(["snapshot", STACK, "--delete", "before-upgrade"], env, asked);
    expect(del.code).toBe(0);
    expect(asked.questions).toEqual(["Delete them? [y/N] "]);
    expect(del.text).toContain("2 of 2 snapshots deleted.");
    expect(server.inventory.snapshots.map((s) => s.id).sort()).toEqual(["s-b1", "s-other"]);

    expect((await run(["snapshot", STACK, "--delete", "s-b1", "--yes"], env)).code).toBe(0);
    expect(server.inventory.snapshots.map((s) => s.id)).toEqual(["s-other"]);

    const unknown = await run(["snapshot", STACK, "--delete", "nope", "--yes"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.text).toContain("no snapshot of legal-ai-dev's VMs is named (or has the id) 'nope'");
  });

  test("usage: one stack, one mode; an unknown stack; no XOA_URL", async () => {
    expect((await run(["snapshot"], {})).code).toBe(2);
    expect((await run(["snapshot", STACK, "--list", "--delete", "x"], {})).code).toBe(2);
    const unknown = await run(["snapshot", "nope-dev"], {});
    expect(unknown).toMatchObject({ code: 1, text: expect.stringContaining("unknown stack nope-dev") });
    const noUrl = await run(["snapshot", STACK], {});
    expect(noUrl).toMatchObject({ code: 1, text: expect.stringContaining("XOA_URL is not set") });
  });
});

describe("fleet doctor", () => {
  async function doctor(
    inv: Inventory,
    options: {
      deployed?: boolean;
      rancher?: string;
      token?: string;
      mode?: ClusterFacts["rancherMode"];
    } = {},
  ) {
    const server = await xo(inv);
    const checks = await runDoctor(
      { ...facts, rancherMode: options.mode ?? facts.rancherMode },
      {
        xo: client(server, { token: options.token ?? TOKEN }),
        xoUrl: server.url,
        rancher: { url: options.rancher, http: nodeHttp({ timeoutMs: 5000 }) },
        deployed: options.deployed ?? false,
      },
    );
    return { checks, server, by: (name: string) => checks.find((c) => c.name === name)! };
  }
  const statuses = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.name, c.status]));

  test("a clean XO and a Rancher that answers pong: every check passes (CLI, exit 0)", async () => {
    const server = await xo(inventory());
    const rancher = await startPingServer("pong");
    servers.push(rancher);
    const { code, text } = await run(
      ["doctor", STACK],
      envFor(server, { RANCHER_URL: `${rancher.url}/v3/` }),
    );
    expect(text.split("\n").slice(0, 14)).toEqual([
      "Doctor for legal-ai-dev:",
      `  ✔ XO API      answers at ${server.url}, credentials accepted`,
      "  ✔ pool        'homelab' (pool-1)",
      "  ✔ template    'ubuntu-24.04-cloudinit' (tpl-1)",
      "  ✔ SR          'local-ssd' (sr-1)",
      "  ✔ affinity    no pool pins a host",
      "  ✔ PIF         'eth1' on 1 host of the pool",
      "  ✔ VLAN        VLAN 101 is free on 'eth1'",
      "  ✔ host names  none of the 3 host names is taken",
      "  ✔ MACs        none of the 3 MACs is on another VM",
      "  ✔ memory      xcp-ng-01 38.0 GiB of 224.0 GiB free",
      "  ✔ SR space    the stack's disks ask 360.0 GiB; 'local-ssd' has 3072.0 GiB left to allocate (size 4096.0 GiB × 1) and 3584.0 GiB physically free",
      `  ✔ Rancher     ${rancher.url}/ping answers pong`,
      "No problem found.",
    ]);
    expect(code).toBe(0);
    expect(rancher.hits).toEqual(["/ping"]);
  });

  test("affinity hosts are checked against the pool's hosts, each pool's key named (issue 9 finding 19)", async () => {
    const pinned: ClusterFacts = {
      ...facts,
      affinityHosts: [
        { host: "xcp-ng-01", pools: ["server"] },
        { host: "xcp-ng-09", pools: ["search", "worker"] },
        { host: "xcp-ng-02", pools: ["burst"] },
      ],
    };
    const inv = inventory();
    inv.hosts = [
      { id: "host-1", name_label: "xcp-ng-01", $pool: POOL },
      { id: "host-2", name_label: "xcp-ng-02", $pool: POOL },
      { id: "host-2b", name_label: "xcp-ng-02", $pool: POOL },
      { id: "host-9", name_label: "xcp-ng-09", $pool: "pool-2" },
    ];
    const server = await startXoServer({ inventory: inv, token: TOKEN });
    servers.push(server);
    const checks = await runDoctor(pinned, {
      xo: client(server),
      rancher: { url: undefined, http: nodeHttp() },
      deployed: false,
    });
    expect(checks.find((c) => c.name === "affinity")).toEqual({
      name: "affinity",
      status: "fail",
      detail:
        "no host 'xcp-ng-09' (cluster-orchestrator:pools.search.affinityHost, cluster-orchestrator:pools.worker.affinityHost); " +
        "2 hosts named 'xcp-ng-02' (cluster-orchestrator:pools.burst.affinityHost) in pool 'homelab'; its hosts: xcp-ng-01, xcp-ng-02, xcp-ng-02",
      fix: "set the affinityHost in stacks/Pulumi.legal-ai-dev.yaml (or Pulumi.dev.yaml) to one of the pool's hosts, or rename the host in XO",
    });
    inv.hosts = [{ id: "host-1", name_label: "xcp-ng-01", $pool: POOL }];
    const one: ClusterFacts = { ...facts, affinityHosts: [{ host: "xcp-ng-01", pools: ["server"] }] };
    const ok = await runDoctor(one, {
      xo: client(server),
      rancher: { url: undefined, http: nodeHttp() },
      deployed: false,
    });
    expect(ok.find((c) => c.name === "affinity")).toEqual({
      name: "affinity",
      status: "ok",
      detail: "'xcp-ng-01' in pool 'homelab'",
    });
  });

  test("the real healthcare-prod stack pins its servers to a host: doctor asks XO for it", () => {
    const loaded = loadStack("healthcare-prod", { rootDir: REPO, profiles, crossCheck: false });
    expect(clusterFacts(loaded).affinityHosts).toEqual([{ host: "xcp-ng-01", pools: ["server"] }]);
  });

  test("an ambiguous template name in the pool", async () => {
    const inv = inventory();
    inv.templates.push({ id: "tpl-dup", name_label: facts.xo.template, $pool: POOL });
    const { by, checks } = await doctor(inv);
    expect(by("template")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining(
        "2 templates named 'ubuntu-24.04-cloudinit' in pool 'homelab' (tpl-1, tpl-dup)",
      ),
      fix: expect.stringContaining("rename all but one in XO"),
    });
    expect(formatReport(STACK, checks)).toMatch(/✖ template .*\n\s+→ rename all but one/);
  });

  test("a missing SR (present only in another pool) and a missing pool", async () => {
    const inv = inventory();
    inv.srs = [{ id: "sr-x", name_label: facts.xo.sr, $pool: "pool-2" }];
    expect((await doctor(inv)).by("SR")).toMatchObject({
      status: "fail",
      detail: "no SR named 'local-ssd' in pool 'homelab' (1 in other pools)",
      fix: "create it in the pool, or set cluster-orchestrator:xo.sr in Pulumi.dev.yaml",
    });
    const noPool = inventory();
    noPool.pools = [{ id: "pool-2", name_label: "lab-annex" }];
    const { checks } = await doctor(noPool);
    expect(statuses(checks)).toMatchObject({ pool: "fail", template: "skip", SR: "skip", MACs: "skip" });
    expect(checks.find((c) => c.name === "pool")!.detail).toBe("no pool named 'homelab'; XO has: lab-annex");
  });

  test("the VLAN already used by another network fails; by the cluster's own network it passes", async () => {
    const taken = inventory();
    taken.pifs.push({
      id: "pif-x",
      device: "eth1",
      vlan: facts.vlan,
      $host: "host-1",
      $pool: POOL,
      $network: "net-x",
    });
    taken.networks.push({ id: "net-x", name_label: "old-lab-vlan101", $pool: POOL });
    expect((await doctor(taken)).by("VLAN")).toMatchObject({
      status: "fail",
      detail: "VLAN 101 on 'eth1' is already used by 'old-lab-vlan101' (net-x)",
      fix: expect.stringContaining("cluster-orchestrator:cluster.vlan"),
    });
    const own = await doctor(inventory({ deployed: true }), { deployed: true });
    expect(own.by("VLAN")).toMatchObject({
      status: "ok",
      detail: "VLAN 101 belongs to this cluster's network 'legal-ai-dev-vlan101'",
    });
    expect(statuses(own.checks)).toMatchObject({ "host names": "ok", MACs: "ok" });
  });

  test("a leftover VM holding one of the cluster's MACs fails; a snapshot's copy of the MAC does not", async () => {
    const inv = inventory();
    inv.vms.push({
      id: "vm-left",
      name_label: "legal-ai-dev-tmp",
      tags: [],
      power_state: "Halted",
      $pool: POOL,
    });
    inv.vifs.push({ id: "vif-left", MAC: facts.macs[1]!.toUpperCase(), $VM: "vm-left", $network: "net-own" });
    inv.vifs.push({ id: "vif-snap", MAC: facts.macs[0]!, $VM: "snapshot-1", $network: "net-own" });
    const { by, server } = await doctor(inv);
    expect(by("MACs")).toMatchObject({
      status: "fail",
      detail: `${facts.macs[1]!} (planned for ${facts.hostnames[1]!}) is on VM 'legal-ai-dev-tmp' (vm-left, Halted)`,
      fix: expect.stringContaining("DUPLICATED_MAC_ADDRESS"),
    });
    // The snapshot's VIF was resolved and ignored (404 on /vms/<id>).
    expect(server.requests.some((r) => r.path === "/rest/v0/vms/snapshot-1")).toBe(true);
  });

  test("leftover VMs by host name: the cluster's own fail unless --deployed; untagged fail; other clusters warn", async () => {
    const leftover = await doctor(inventory({ deployed: true }));
    expect(leftover.by("host names")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining(
        `leftover VM(s) of this cluster: '${facts.hostnames[0]!}' (vm-1, Running)`,
      ),
      fix: expect.stringContaining("--deployed"),
    });
    expect(leftover.by("MACs").status).toBe("fail");

    const twin = await doctor(prodTwin(inventory()));
    expect(twin.by("host names")).toMatchObject({
      status: "warn",
      detail: `same name as VM(s) of other clusters: '${facts.hostnames[0]!}' (vm-prod-1, Running) of legal-ai-prod`,
    });
    expect(twin.by("MACs").status).toBe("ok");

    const untagged = inventory();
    untagged.vms.push({
      id: "vm-hand",
      name_label: facts.hostnames[2]!,
      tags: [],
      power_state: "Running",
      $pool: POOL,
    });
    expect((await doctor(untagged)).by("host names")).toMatchObject({
      status: "fail",
      detail: `VM(s) not tagged for any cluster: '${facts.hostnames[2]!}' (vm-hand, Running)`,
    });
  });

  test("a bad token: the XO API check fails with the 401 explanation, the rest is skipped (CLI exit 1)", async () => {
    const server = await xo(inventory());
    const { code, text } = await run(["doctor", STACK], envFor(server, { XOA_TOKEN: "nope-token-99" }));
    expect(code).toBe(1);
    expect(text).toContain("✖ XO API      XO refused the credentials (401 Unauthorized)");
    expect(text).toContain("→ create a token for an XO admin user");
    expect(text).toContain("– pool        needs the XO API");
    expect(text).toContain("– Rancher     RANCHER_URL is not set");
    expect(text).not.toContain("nope-token-99");
  });

  test("Rancher: skipped in mode none; a wrong answer fails; unreachable fails", async () => {
    const wrong = await startPingServer("<html>login</html>", 200);
    servers.push(wrong);
    expect((await doctor(inventory(), { mode: "none", rancher: wrong.url })).by("Rancher")).toEqual({
      name: "Rancher",
      status: "skip",
      detail: "rancher mode is none",
    });
    expect((await doctor(inventory(), { rancher: wrong.url })).by("Rancher")).toMatchObject({
      status: "fail",
      detail: `${wrong.url}/ping answered 200 "<html>login</html>", not pong`,
    });
    const gone = await startPingServer("pong");
    await gone.close();
    expect((await doctor(inventory(), { rancher: gone.url })).by("Rancher")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining(`cannot reach ${gone.url}/ping`),
    });
    expect(rancherBaseUrl("https://rancher.lab/v3/")).toBe("https://rancher.lab");
  });
});
