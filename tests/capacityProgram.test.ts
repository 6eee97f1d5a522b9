/**
 * Capacity in the whole program under the mock runtime: the preview-time check reads XO's hosts
 * and SR through the provider's invokes (mocked) before any resource and takes the smaller
 * figures; a stack that does not fit registers nothing; a three-host pool spreads each cluster's
 * servers over the three hosts, and adding a worker moves no other node.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../components/config/errors";
import { loadStack } from "../components/stack/load";
import { PROJECT_ROOT, runProgramChecked } from "../components/program";
import { withCapacity } from "../render/capacityInventory";
import { fakeId, inventoryFor, type SimulatedXo } from "../render/inventory";
import { installRecordingMocks, XoMocks, type RecordedResource } from "../render/mocks";
import { planJson } from "../render/report";
import { runStack, runUnderMocks } from "../render/runStack";
import { summary } from "../render/summary";
import type { PoolReport } from "../components/plan/capacity";
import { profiles } from "../stacks/profiles";
import { byType, copyProjectConfig, vmInputs } from "./helpers/program";

const VM = "xenorchestra:index/vm:Vm";
const GiB = 1024 ** 3;

function inventory(stack: string, rootDir = PROJECT_ROOT): SimulatedXo {
  const loaded = loadStack(stack, { rootDir, profiles });
  return withCapacity(inventoryFor(loaded.spec), loaded);
}

/** Runs the checked program; returns what was registered and the error, if any. */
async function runChecked(
  stack: string,
  xo: SimulatedXo,
  rootDir = PROJECT_ROOT,
): Promise<{ resources: RecordedResource[]; calls: string[]; error: unknown }> {
  const mocks = new XoMocks(xo);
  const resources = installRecordingMocks(mocks, "cluster-orchestrator", stack, true);
  let error: unknown = null;
  try {
    await runProgramChecked(stack, rootDir);
  } catch (e) {
    error = e;
  } finally {
    await pulumi.runtime.disconnect();
  }
  return { resources, calls: mocks.calls.map((c) => c.token), error };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function project(): string {
  const dir = copyProjectConfig();
  dirs.push(dir);
  return dir;
}

describe("the preview-time check against XO's figures", () => {
  test("XO reports less RAM than the model: the stack fails naming XO's figure, and registers nothing", async () => {
    const xo = inventory("accounting-analytics-prod");
    xo.figures!.hosts[0]!.memoryBytes = 256 * GiB;
    const { resources, calls, error } = await runChecked("accounting-analytics-prod", xo);
    // The hosts and SR lookups run in parallel once the pool is known.
    expect([...calls].sort()).toEqual([
      "xenorchestra:index/getXoaHosts:getXoaHosts",
      "xenorchestra:index/getXoaPool:getXoaPool",
      "xenorchestra:index/getXoaStorageRepository:getXoaStorageRepository",
    ]);
    expect(error).toBeInstanceOf(pulumi.RunError);
    const message = (error as Error).message;
    expect(message).toContain(
      "does not fit on XO pool 'homelab' (xo-pools.yaml, smaller in XO: xcp-ng-01 has 256 GiB of RAM in XO): memory of host 'xcp-ng-01': this stack asks 144.0 GiB",
    );
    expect(message).toMatch(
      /Largest consumers: accounting-analytics-prod 144.0 GiB, legal-ai-prod 112.0 GiB/,
    );
    expect(message).toContain("nothing was created or changed");
    expect(resources).toEqual([]);
  });

  test("a host of the model that XO does not list fails the run", async () => {
    const xo = { ...inventory("legal-ai-dev"), hosts: ["xcp-ng-99"] };
    const { resources, error } = await runChecked("legal-ai-dev", xo);
    expect((error as Error).message).toContain(
      "host 'xcp-ng-01' of the capacity model is not in XO pool 'homelab' (XO lists: xcp-ng-99)",
    );
    expect(resources).toEqual([]);
  });

  test("XO's figures at least the model's: the cluster is registered after the lookups", async () => {
    const xo = inventory("legal-ai-dev");
    xo.figures!.hosts[0]!.memoryBytes = 1024 * GiB;
    const run = await runUnderMocks("legal-ai-dev", xo, () =>
      runProgramChecked("legal-ai-dev", PROJECT_ROOT),
    );
    expect(run.mocks.calls.map((c) => c.token)).toContain("xenorchestra:index/getXoaHosts:getXoaHosts");
    expect(byType(run.resources, VM)).toHaveLength(3);
  });
});

describe("a stack made bigger than the host", () => {
  test("fails in the loader with the message, in the program and in the render, and registers nothing", async () => {
    const dir = project();
    const file = path.join(dir, "stacks", "Pulumi.legal-ai-dev.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("count: 2", "count: 20"));
    const { resources, calls, error } = await runChecked("legal-ai-dev", inventory("legal-ai-dev"), dir);
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toMatch(
      /cluster-orchestrator:pools \(stacks\/Pulumi.legal-ai-dev.yaml\): does not fit on XO pool 'homelab' \(xo-pools.yaml\): memory of host 'xcp-ng-01': this stack asks 326.0 GiB/,
    );
    expect(resources).toEqual([]);
    expect(calls).toEqual([]);
    await expect(runStack("legal-ai-dev", dir)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("a three-host pool", () => {
  const model = `pools:
  homelab:
    hosts:
      - { name: xcp-ng-01, cores: 32, memoryGiB: 256 }
      - { name: xcp-ng-02, cores: 32, memoryGiB: 256 }
      - { name: xcp-ng-03, cores: 32, memoryGiB: 256 }
    srs:
      - { name: local-ssd, sizeGiB: 20000 }
`;
  const hostName = (id: unknown) =>
    ["xcp-ng-01", "xcp-ng-02", "xcp-ng-03"].find((h) => fakeId("host", h) === id) ?? String(id);

  async function vmHosts(dir: string): Promise<Map<string, string>> {
    const run = await runUnderMocks("legal-ai-prod", inventory("legal-ai-prod", dir), () =>
      runProgramChecked("legal-ai-prod", dir),
    );
    return new Map(
      byType(run.resources, VM).map((r) => [
        vmInputs(r).nameLabel,
        hostName((r.inputs as { affinityHost?: unknown }).affinityHost),
      ]),
    );
  }

  test("each cluster's servers sit on three hosts, and adding a worker moves no other node", async () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, "xo-pools.yaml"), model);
    for (const stack of ["legal-ai-prod", "accounting-analytics-prod", "legal-ai-dev"]) {
      const { plan } = loadStack(stack, { rootDir: dir, profiles });
      const servers = plan.nodes.filter((n) => n.role === "server").map((n) => n.affinityHost);
      expect(new Set(servers).size).toBe(servers.length);
    }
    const before = await vmHosts(dir);
    expect(["cluster1-server1", "cluster1-server2", "cluster1-server3"].map((h) => before.get(h))).toEqual([
      "xcp-ng-01",
      "xcp-ng-02",
      "xcp-ng-03",
    ]);

    const file = path.join(dir, "stacks", "Pulumi.legal-ai-prod.yaml");
    fs.appendFileSync(file, "  cluster-orchestrator:pools:\n    worker:\n      count: 3\n");
    const after = await vmHosts(dir);
    expect(after.size).toBe(before.size + 1);
    for (const [vm, host] of before) expect(after.get(vm)).toBe(host);
    expect(after.get("cluster1-worker3")).toMatch(/^xcp-ng-0[123]$/);
  });
});

describe("the render", () => {
  test("prints the pool's capacity table and each node's XO host; plan.json carries the report", async () => {
    const run = await runStack("legal-ai-dev");
    const text = summary(run, "out/legal-ai-dev");
    expect(text).toContain(
      "Capacity of XO pool homelab (xo-pools.yaml; * = this stack; memory and SR in GiB)",
    );
    const row = (name: string) => text.split("\n").find((l) => l.trimStart().startsWith(`${name} `))!;
    expect(row("legal-ai-dev *").split(/\s+/).slice(-3)).toEqual(["38.0", "10", "360.0"]);
    expect(row("free").split(/\s+/).slice(-3)).toEqual(["16.4", "28", "5660.0"]);
    expect(text).toMatch(/cluster1-server1 \*\s+server .* xcp-ng-01/);
    const json = planJson(run) as { capacity: PoolReport; nodes: { host: string }[] };
    expect(json.capacity.uses.map((u) => [u.resource, u.where, u.asked, u.capacity])).toEqual([
      ["memory", "xcp-ng-01", 462, 478.4],
      ["vCPU", "xcp-ng-01", 164, 192],
      ["SR", "local-ssd", 8240, 13900],
    ]);
    expect(json.nodes.map((n) => n.host)).toEqual(["xcp-ng-01", "xcp-ng-01", "xcp-ng-01"]);
  });
});
