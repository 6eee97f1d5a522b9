/** The whole program under the SDK's mock runtime, for every stack in stacks/. */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { nodeNetworkConfig } from "../cloud-init/nodeCloudInit";
import { loadStack } from "../components/stack/load";
import { listStacks } from "../components/config/sources";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT, runProgram } from "../components/program";
import { inventoryFor } from "../render/inventory";
import { installRecordingMocks, XoMocks } from "../render/mocks";
import { profiles } from "../stacks/profiles";
import { byType, copyProjectConfig, runInMocks, secretValue, vmInputs } from "./helpers/program";

const VM = "xenorchestra:index/vm:Vm";
const NETWORK = "xenorchestra:index/xoaNetwork:XoaNetwork";
const GiB = 1024 ** 3;
const stacks = listStacks(PROJECT_ROOT);

test("the project has the six use-case stacks and the management stack (issue 11)", () => {
  expect(stacks).toEqual([
    "accounting-analytics-dev",
    "accounting-analytics-prod",
    "healthcare-dev",
    "healthcare-prod",
    "legal-ai-dev",
    "legal-ai-prod",
    "rancher-prod",
  ]);
});

describe.each(stacks)("stack %s", (stack) => {
  const loaded = loadStack(stack, { rootDir: PROJECT_ROOT, profiles });
  const { plan, spec } = loaded;
  let run: Awaited<ReturnType<typeof runInMocks>>;
  beforeAll(async () => {
    run = await runInMocks(stack);
  });

  test("URNs are unique (the mock monitor would silently overwrite a duplicate)", () => {
    const urns = run.resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
  });

  test("one VM per planned node, named by hostname, keyed by pool and index", () => {
    const vms = byType(run.resources, VM);
    expect(vms.map((v) => v.inputs.nameLabel).sort()).toEqual(plan.nodes.map((n) => n.hostname).sort());
    for (const node of plan.nodes) {
      const vm = vms.find((v) => v.inputs.nameLabel === node.hostname)!;
      expect(vm.name).toBe(`${plan.cluster.name}-${node.pool}-${node.index}`);
      expect(vm.parent).toMatch(new RegExp(`NodePool::${plan.cluster.name}-${node.pool}$`));
    }
  });

  test("VM inputs: MAC, expected address, sizes, tags, template/SR from the lookups", () => {
    for (const node of plan.nodes) {
      const vm = vmInputs(byType(run.resources, VM).find((v) => v.inputs.nameLabel === node.hostname)!);
      const [nic] = vm.networks;
      expect(nic!.macAddress).toBe(node.mac);
      expect(nic!.expectedIpCidr).toBe(node.ip === null ? plan.network.cidr : `${node.ip}/32`);
      expect(vm.cpus).toBe(node.cpus);
      expect(vm.memoryMax).toBe(node.memoryMiB * 1024 * 1024);
      // Issue 9 finding 8: static memory, so ballooning cannot shrink a node.
      expect(vm.memoryMin).toBe(vm.memoryMax);
      // Issue 9 finding 9: XO removes the config drive (secrets) once the VM has booted.
      expect(vm.destroyCloudConfigVdiAfterBoot).toBe(true);
      expect(vm.powerState ?? "Running").toBe("Running");
      expect(vm.disks.map((d) => d.size)).toEqual(
        [node.diskGiB, ...(node.dataDiskGiB === null ? [] : [node.dataDiskGiB])].map((g) => g * GiB),
      );
      expect(vm.tags).toEqual([
        "managed-by=cluster-orchestrator",
        `env=${spec.environment}`,
        `use-case=${spec.useCase}`,
        `cluster=${plan.cluster.name}`,
        `pool=${node.pool}`,
        `role=${node.role}`,
      ]);
      expect(vm.template).toMatch(/^[0-9a-f-]{36}$/);
      expect(vm.disks[0]!.srId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  test("every VM gets its own network-config and user-data", () => {
    for (const node of plan.nodes) {
      const vm = byType(run.resources, VM).find((v) => v.inputs.nameLabel === node.hostname)!;
      expect(vm.inputs.cloudNetworkConfig).toBe(nodeNetworkConfig(plan, node));
      const userData = parse(secretValue(vm.inputs.cloudConfig));
      expect(userData).toMatchObject({ hostname: node.hostname, fqdn: node.fqdn, ssh_pwauth: false });
    }
  });

  test("VM resource options: delete-before-replace, timeouts, template and config-drive changes ignored", () => {
    for (const vm of byType(run.resources, VM)) {
      expect(vm.options.deleteBeforeReplace).toBe(true);
      expect(vm.options.customTimeouts).toEqual({ create: "20m", update: "20m", delete: "10m" });
      // destroyCloudConfigVdiAfterBoot is ForceNew: ignored, so VMs created before it was set are
      // not all replaced at once (they are rolled one at a time, docs/nodes.md).
      expect(vm.options.ignoreChanges).toEqual(["template", "destroyCloudConfigVdiAfterBoot"]);
      // Issue 9 finding 7: a new address or MAC replaces the VM (the provider would swap the VIF
      // in place and the node's netplan, matched by MAC, would strand it). Each path is a real input.
      expect(vm.options.replaceOnChanges).toEqual(["networks[*].macAddress", "networks[*].expectedIpCidr"]);
      const [nic] = vmInputs(vm).networks;
      for (const field of ["macAddress", "expectedIpCidr"] as const)
        expect(nic![field]).toEqual(expect.any(String));
      expect(vm.options.additionalSecretOutputs).toContain("cloudConfig");
    }
  });

  test("no VM depends on another VM: all nodes are created in parallel", () => {
    const vmUrns = new Set(byType(run.resources, VM).map((v) => v.urn));
    for (const vm of byType(run.resources, VM)) {
      expect(vm.dependencies.filter((d) => vmUrns.has(d))).toEqual([]);
      expect(vm.dependencies.some((d) => d.endsWith(`::${plan.cluster.name}-network-vlan`))).toBe(true);
    }
  });

  test("the VLAN network: cluster VLAN on the environment's PIF, protected in prod", () => {
    const [net] = byType(run.resources, NETWORK);
    expect(net!.inputs).toMatchObject({
      vlan: plan.network.vlan,
      sourcePifDevice: spec.xo.pifDevice,
      mtu: 1500,
    });
    expect(net!.options.protect).toBe(spec.environment === "prod");
    expect(net!.options.replaceOnChanges).toEqual(["vlan", "sourcePifDevice"]);
  });

  test("template and SR are looked up inside the pool (names are only unique per pool)", () => {
    const poolScoped = run.mocks.calls.filter((c) => /getXoa(Template|StorageRepository)/.test(c.token));
    expect(poolScoped).toHaveLength(2);
    for (const call of poolScoped) expect(call.inputs.poolId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("outputs: network, nodes and DNS records, nothing secret", () => {
    expect(run.outputs.network).toMatchObject({ vlan: plan.network.vlan, cidr: plan.network.cidr });
    expect(run.outputs.nodes).toEqual(
      plan.nodes.map((n) =>
        expect.objectContaining({ hostname: n.hostname, ip: n.ip, mac: n.mac, role: n.role }),
      ),
    );
    expect(run.outputs.dnsRecords).toEqual(plan.dnsRecords);
  });
});

describe("changes", () => {
  const dir = copyProjectConfig();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function editStack(stack: string, edit: (config: Record<string, unknown>) => void): void {
    const file = path.join(dir, "stacks", `Pulumi.${stack}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8"));
    edit(doc.config);
    fs.writeFileSync(file, stringify(doc));
  }

  test("the same config gives the same resources and byte-identical cloud-init", async () => {
    const a = await runInMocks("legal-ai-prod");
    const b = await runInMocks("legal-ai-prod");
    const strip = (r: typeof a) =>
      JSON.stringify(
        [...r.resources]
          .sort((x, y) => x.urn.localeCompare(y.urn))
          .map((x) => [x.urn, x.inputs, x.dependencies]),
      );
    expect(strip(a)).toBe(strip(b));
  });

  test("adding a worker adds one VM and changes no other resource's inputs", async () => {
    const before = await runInMocks("legal-ai-dev", dir);
    editStack("legal-ai-dev", (c) => {
      c["cluster-orchestrator:pools"] = { worker: { count: 3 } };
    });
    const after = await runInMocks("legal-ai-dev", dir);
    const beforeByUrn = new Map(before.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
    const added = after.resources.filter((r) => !beforeByUrn.has(r.urn));
    expect(added.map((r) => r.name)).toEqual(["legal-ai-dev-worker-3"]);
    for (const r of after.resources.filter((r) => beforeByUrn.has(r.urn))) {
      expect(JSON.stringify(r.inputs)).toBe(beforeByUrn.get(r.urn));
    }
  });

  test("a bad config fails with the key and file, and registers no resource", () => {
    editStack("healthcare-dev", (c) => {
      c["cluster-orchestrator:pools"] = { server: { count: 2 } };
    });
    const recorded = installRecordingMocks(
      new XoMocks(inventoryFor(loadStack("healthcare-dev", { rootDir: PROJECT_ROOT, profiles }).spec)),
      "cluster-orchestrator",
      "healthcare-dev",
    );
    let error: unknown;
    try {
      void runProgram("healthcare-dev", dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect(String((error as Error).message)).toContain(
      "cluster-orchestrator:pools.server.count (stacks/Pulumi.healthcare-dev.yaml): a server pool needs an odd number",
    );
    expect(recorded).toEqual([]);
  });
});
