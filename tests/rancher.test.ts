/**
 * The RKE2 + Rancher wiring of the whole program under mocks: secrets end to end, the
 * dependency graph (parallel VMs, sync after the VMs, teardown order), each registration mode,
 * and what a version bump or a Rancher change does to the VMs (nothing). The deregistration's delete
 * against a loopback Rancher is in rancherDeregistration.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import type { RecordedResource } from "../render/mocks";
import { byType, copyProjectConfig, runInMocks, secretValue, type ProgramRun } from "./helpers/program";

const VM = "xenorchestra:index/vm:Vm";
const RANCHER_CLUSTER = "rancher2:index/cluster:Cluster";
const RANCHER_CLUSTER_V2 = "rancher2:index/clusterV2:ClusterV2";
const SYNC = "rancher2:index/clusterSync:ClusterSync";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
const PIN = "random:index/randomString:RandomString";
const DEREGISTRATION = "pulumi-nodejs:dynamic/rancher:RancherDeregistration";

const dir = copyProjectConfig();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function edit(file: string, change: (config: Record<string, unknown>) => void): void {
  const full = path.join(dir, file);
  const doc = parse(fs.readFileSync(full, "utf8")) as { config: Record<string, unknown> };
  change(doc.config);
  fs.writeFileSync(full, stringify(doc));
}

/** Pulumi deletes a resource only after everything that depends on it (and its children). */
function deletionOrder(resources: RecordedResource[]): string[] {
  const dependents = new Map<string, Set<string>>(resources.map((r) => [r.urn, new Set<string>()]));
  for (const r of resources) {
    for (const d of r.dependencies) dependents.get(d)?.add(r.urn);
    if (r.parent) dependents.get(r.parent)?.add(r.urn);
    // A resource is deleted before the provider it was created with.
    if (r.provider) dependents.get(r.provider)?.add(r.urn);
  }
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < resources.length) {
    const ready = resources.filter(
      (r) => !done.has(r.urn) && [...dependents.get(r.urn)!].every((d) => done.has(d)),
    );
    if (ready.length === 0) throw new Error("dependency cycle");
    for (const r of ready.sort((a, b) => a.urn.localeCompare(b.urn))) {
      order.push(r.urn);
      done.add(r.urn);
    }
  }
  return order;
}

describe("import mode (legal-ai-prod)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInMocks("legal-ai-prod", dir);
  });

  test("secrets: kubeconfig output is secret; every VM's user-data arrives as a secret", () => {
    expect(pulumi.Output.isInstance(run.raw.kubeconfig)).toBe(true);
    return pulumi.isSecret(run.raw.kubeconfig as pulumi.Output<string>).then((secret) => {
      expect(secret).toBe(true);
      for (const vm of byType(run.resources, VM))
        expect(() => secretValue(vm.inputs.cloudConfig)).not.toThrow();
    });
  });

  test("the join token is in config.yaml of every node and nowhere in the plain outputs", () => {
    // Full K10<ca-hash>:: tokens (issue 14 finding 5): servers the server token, agents the agent token.
    const tokens = [...run.mocks.secretValues].filter((s) => s.startsWith("tok"));
    for (const vm of byType(run.resources, VM))
      expect(secretValue(vm.inputs.cloudConfig)).toMatch(
        new RegExp(`token: K10[0-9a-f]{64}::(server|node):(${tokens.join("|")})\n`),
      );
    const text = JSON.stringify({ ...run.outputs, kubeconfig: undefined });
    for (const secret of run.mocks.secretValues) expect(text).not.toContain(secret);
  });

  test("the Rancher cluster carries the version for Rancher's upgrades and hides its token", () => {
    const [cluster] = byType(run.resources, RANCHER_CLUSTER);
    expect(cluster!.inputs).toMatchObject({
      name: "legal-ai-prod",
      rke2Config: { version: "v1.34.2+rke2r1" },
    });
    expect(byType(run.resources, RANCHER_CLUSTER_V2)).toEqual([]);
    expect(cluster!.options.additionalSecretOutputs).toEqual(
      expect.arrayContaining(["clusterRegistrationToken", "kubeConfig"]),
    );
    expect(run.outputs.rancherClusterId).toMatch(/^c-/);
    expect(run.outputs.apiEndpoint).toBe("https://api.legal-ai.prod.lab.example.net:6443");
  });

  test("graph: VMs in parallel after the Rancher entry; the sync waits for every VM; the provider uses the sync", () => {
    const vms = byType(run.resources, VM);
    const [cluster] = byType(run.resources, RANCHER_CLUSTER);
    const [sync] = byType(run.resources, SYNC);
    const [provider] = byType(run.resources, K8S_PROVIDER);
    const bootstrap = vms.find((v) => v.inputs.nameLabel === "cluster1-server1")!;
    for (const vm of vms) {
      expect(vm.dependencies).not.toContain(bootstrap.urn);
      expect(vm.dependencies).toContain(cluster!.urn);
      expect(sync!.dependencies).toContain(vm.urn);
    }
    expect(provider!.dependencies).toContain(sync!.urn);
  });

  test("teardown order: access first, then the VMs, then the Rancher entry and the network", () => {
    const order = deletionOrder(run.resources);
    const at = (urn: string) => order.indexOf(urn);
    const [sync] = byType(run.resources, SYNC);
    const [provider] = byType(run.resources, K8S_PROVIDER);
    const [cluster] = byType(run.resources, RANCHER_CLUSTER);
    const network = run.resources.find((r) => r.type === "xenorchestra:index/xoaNetwork:XoaNetwork")!;
    expect(at(provider!.urn)).toBeLessThan(at(sync!.urn));
    for (const vm of byType(run.resources, VM)) {
      expect(at(sync!.urn)).toBeLessThan(at(vm.urn));
      expect(at(vm.urn)).toBeLessThan(at(cluster!.urn));
      expect(at(vm.urn)).toBeLessThan(at(network.urn));
    }
  });

  // Issue 9 #10. Fails on the old code: the VMs were deleted before anything removed the cluster
  // from Rancher, which then could not clean up an unreachable imported cluster.
  test("teardown order: Rancher removes the imported cluster while every VM still runs; workloads and access go first", () => {
    const order = deletionOrder(run.resources);
    const at = (urn: string) => order.indexOf(urn);
    const [dereg] = byType(run.resources, DEREGISTRATION);
    const [sync] = byType(run.resources, SYNC);
    const [cluster] = byType(run.resources, RANCHER_CLUSTER);
    expect(dereg).toBeDefined();
    expect(sync!.dependencies).toContain(dereg!.urn);
    for (const w of run.resources.filter((r) => r.type.startsWith("kubernetes:")))
      expect(at(w.urn)).toBeLessThan(at(dereg!.urn));
    for (const vm of byType(run.resources, VM)) {
      expect(dereg!.dependencies).toContain(vm.urn);
      expect(at(dereg!.urn)).toBeLessThan(at(vm.urn));
    }
    expect(at(dereg!.urn)).toBeLessThan(at(cluster!.urn));
  });

  test("teardown cannot hang on a dead cluster: the provider drops unreachable resources, deletes are bounded", () => {
    const [provider] = byType(run.resources, K8S_PROVIDER);
    expect(provider!.inputs.deleteUnreachable).toBe("true");
    expect(byType(run.resources, RANCHER_CLUSTER)[0]!.options.customTimeouts?.delete).toBe("10m");
  });

  test("the install version is pinned: its keepers are ignored after creation", () => {
    const [pin] = byType(run.resources, PIN);
    expect(pin!.options.ignoreChanges).toEqual(["keepers"]);
    expect(pin!.inputs.keepers).toEqual({ version: "v1.34.2+rke2r1" });
  });
});

describe("changes that must not touch a VM", () => {
  const vmInputs = (r: ProgramRun) =>
    Object.fromEntries(byType(r.resources, VM).map((v) => [v.urn, JSON.stringify(v.inputs)]));

  test("an RKE2 version bump in the environment layer changes no VM input, only Rancher's target", async () => {
    const before = await runInMocks("legal-ai-prod", dir);
    const [pin] = byType(before.resources, PIN);
    edit("Pulumi.prod.yaml", (c) => {
      (c["cluster-orchestrator:rke2"] as Record<string, unknown>).version = "v1.34.6+rke2r3";
    });
    // Without the pin every VM's cloud-init would change (the control for this test).
    const unpinned = await runInMocks("legal-ai-prod", dir);
    expect(vmInputs(unpinned)).not.toEqual(vmInputs(before));
    // The engine keeps the pin's old keepers (ignoreChanges), as `pulumi up` would.
    const after = await runInMocks(
      "legal-ai-prod",
      dir,
      new Map([[pin!.name, { keepers: pin!.inputs.keepers }]]),
    );
    expect(vmInputs(after)).toEqual(vmInputs(before));
    expect(byType(after.resources, RANCHER_CLUSTER)[0]!.inputs.rke2Config).toMatchObject({
      version: "v1.34.6+rke2r3",
    });
    edit("Pulumi.prod.yaml", (c) => {
      (c["cluster-orchestrator:rke2"] as Record<string, unknown>).version = "v1.34.2+rke2r1";
    });
  });

  test("Rancher labels and sync timeout change no VM input", async () => {
    const before = await runInMocks("healthcare-dev", dir);
    edit("stacks/Pulumi.healthcare-dev.yaml", (c) => {
      c["cluster-orchestrator:rancher"] = { labels: { team: "emr" }, syncTimeout: "45m" };
    });
    const after = await runInMocks("healthcare-dev", dir);
    expect(vmInputs(after)).toEqual(vmInputs(before));
    expect(byType(after.resources, RANCHER_CLUSTER)[0]!.inputs.labels).toMatchObject({ team: "emr" });
  });
});

describe("other modes", () => {
  test("custom: a ClusterV2, and every node runs Rancher's command with its roles", async () => {
    edit("stacks/Pulumi.accounting-analytics-dev.yaml", (c) => {
      c["cluster-orchestrator:rancher"] = { mode: "custom" };
    });
    const run = await runInMocks("accounting-analytics-dev", dir);
    const [cluster] = byType(run.resources, RANCHER_CLUSTER_V2);
    expect(cluster!.inputs).toMatchObject({
      name: "accounting-analytics-dev",
      kubernetesVersion: "v1.34.2+rke2r1",
    });
    expect(byType(run.resources, RANCHER_CLUSTER)).toEqual([]);
    for (const vm of byType(run.resources, VM)) {
      const userData = secretValue(vm.inputs.cloudConfig);
      // Roles as the system agent's CATTLE_* settings (issue 14 finding 2: no shell-joined command).
      const roles = String(vm.inputs.nameLabel).includes("server")
        ? "CATTLE_ROLE_ETCD=true\n"
        : "CATTLE_ROLE_ETCD=false\n";
      expect(userData).toContain(roles);
      expect(userData).not.toContain("/etc/rancher/rke2/config.yaml\n");
      expect(vm.dependencies).toContain(cluster!.urn);
    }
    expect(byType(run.resources, SYNC)).toHaveLength(1);
  });

  test("none: no Rancher resources; the kubeconfig comes from the bootstrap server (issue 11), RKE2 still configured", async () => {
    edit("stacks/Pulumi.healthcare-prod.yaml", (c) => {
      c["cluster-orchestrator:rancher"] = { mode: "none" };
      c["cluster-orchestrator:workloads"] = "none";
    });
    const run = await runInMocks("healthcare-prod", dir);
    expect(run.resources.filter((r) => r.type.startsWith("rancher2:"))).toEqual([]);
    // Before issue 11 a cluster without Rancher had no Kubernetes provider at all.
    const [provider] = byType(run.resources, K8S_PROVIDER);
    expect(provider!.dependencies).toEqual([
      expect.stringContaining("command:remote:Command::healthcare-prod-node-access-fetch"),
    ]);
    expect(secretValue(provider!.inputs.kubeconfig)).toContain("server: https://10.20.3.10:6443");
    expect(await pulumi.isSecret(run.raw.kubeconfig as pulumi.Output<string>)).toBe(true);
    for (const vm of byType(run.resources, VM)) {
      expect(secretValue(vm.inputs.cloudConfig)).toContain("path: /etc/rancher/rke2/config.yaml");
      expect(vm.dependencies.filter((d) => d.includes("rancher2"))).toEqual([]);
    }
  });

  test("none with kubeconfig.source rancher: a clear error, nothing registered", async () => {
    edit("stacks/Pulumi.healthcare-prod.yaml", (c) => {
      c["cluster-orchestrator:rancher"] = { mode: "none" };
      c["cluster-orchestrator:kubeconfig"] = { source: "rancher" };
    });
    await expect(runInMocks("healthcare-prod", dir)).rejects.toThrow(
      "cluster-orchestrator:kubeconfig.source (stacks/Pulumi.healthcare-prod.yaml): rancher.mode is none",
    );
  });
});
