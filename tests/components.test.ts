/**
 * Components under the mock runtime, one at a time. Resource options are captured with a
 * `transformations` hook on the top component (mocks never see options).
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { loadStack } from "../components/stack/load";
import { ClusterNetwork } from "../components/network/clusterNetwork";
import { NodePool } from "../components/nodepool/nodePool";
import { PROJECT_ROOT } from "../components/program";
import { profiles } from "../stacks/profiles";
import { inventoryFor } from "../render/inventory";
import { installRecordingMocks, XoMocks } from "../render/mocks";
import { resolveOutput } from "./helpers/program";

interface Captured {
  type: string;
  name: string;
  opts: pulumi.CustomResourceOptions;
}

function capture(into: Captured[]): pulumi.ResourceTransformation {
  return (args) => {
    into.push({ type: args.type, name: args.name, opts: args.opts });
    return undefined;
  };
}

const prod = loadStack("legal-ai-prod", { rootDir: PROJECT_ROOT, profiles });
const dev = loadStack("legal-ai-dev", { rootDir: PROJECT_ROOT, profiles });

afterEach(() => pulumi.runtime.disconnect());

test("Cluster: every child carries its options; VMs are delete-before-replace with timeouts", async () => {
  const recorded = installRecordingMocks(
    new XoMocks(inventoryFor(prod.spec)),
    "cluster-orchestrator",
    prod.stack,
  );
  const captured: Captured[] = [];
  const cluster = new Cluster("c", { stack: prod }, { transformations: [capture(captured)] });
  await resolveOutput(cluster.network.networkId);
  await pulumi.runtime.disconnect();

  const vms = captured.filter((c) => c.type === "xenorchestra:index/vm:Vm");
  expect(vms).toHaveLength(prod.plan.nodes.length);
  for (const vm of vms) {
    expect(vm.opts.deleteBeforeReplace).toBe(true);
    expect(vm.opts.customTimeouts).toEqual({ create: "20m", update: "20m", delete: "10m" });
    expect(vm.opts.ignoreChanges).toEqual(["template", "destroyCloudConfigVdiAfterBoot"]);
    expect(vm.opts.parent).toBeInstanceOf(NodePool);
  }
  const [network] = captured.filter((c) => c.type === "xenorchestra:index/xoaNetwork:XoaNetwork");
  expect(network!.opts.protect).toBe(true);
  expect(network!.opts.parent).toBeInstanceOf(ClusterNetwork);
  // Children are named after their parent.
  for (const c of captured.filter((x) => x.name !== "c")) expect(c.name).toMatch(/^c-/);
  const urns = recorded.map((r) => r.urn);
  expect(new Set(urns).size).toBe(urns.length);
});

test("Cluster: vmIgnoreChanges reaches every VM (component options do not reach children)", async () => {
  installRecordingMocks(new XoMocks(inventoryFor(dev.spec)), "cluster-orchestrator", dev.stack);
  const captured: Captured[] = [];
  new Cluster("c", { stack: dev, vmIgnoreChanges: [] }, { transformations: [capture(captured)] });
  await pulumi.runtime.disconnect();
  const vms = captured.filter((c) => c.type === "xenorchestra:index/vm:Vm");
  expect(vms.length).toBeGreaterThan(0);
  for (const vm of vms) expect(vm.opts.ignoreChanges).toEqual([]);
});

test("ClusterNetwork: an existing network is looked up by name in the pool and nothing is created", async () => {
  const recorded = installRecordingMocks(
    new XoMocks({ ...inventoryFor(dev.spec), networks: ["lab-trunk"] }),
    "cluster-orchestrator",
    dev.stack,
  );
  const net = new ClusterNetwork("n", {
    clusterName: "x",
    plan: dev.plan.network,
    poolId: "pool-1",
    pifDevice: "eth1",
    existingNetwork: "lab-trunk",
    protect: false,
  });
  expect(await resolveOutput(net.networkId)).toMatch(/^[0-9a-f-]{36}$/);
  await pulumi.runtime.disconnect();
  expect(recorded.map((r) => r.type)).toEqual(["cluster-orchestrator:network:ClusterNetwork"]);
});

test("the simulated XO refuses names the inventory lacks, as the provider would", () => {
  const mocks = new XoMocks({ ...inventoryFor(dev.spec), pifDevices: ["eth0"] });
  expect(() =>
    mocks.newResource({
      type: "xenorchestra:index/xoaNetwork:XoaNetwork",
      name: "n",
      inputs: { sourcePifDevice: "eth1" },
    }),
  ).toThrow(/no PIF device 'eth1'/);
  expect(() =>
    mocks.call({
      token: "xenorchestra:index/getXoaTemplate:getXoaTemplate",
      inputs: { nameLabel: "other-template" },
    }),
  ).toThrow(/no template named 'other-template'/);
  expect(
    mocks.call({
      token: "xenorchestra:index/getXoaTemplate:getXoaTemplate",
      inputs: { nameLabel: dev.spec.xo.template },
    }).id,
  ).toMatch(/^[0-9a-f-]{36}$/);
});
