/**
 * The Rancher-side components alone under the recording mocks (render/mocks.ts), each built in its
 * test: what each registers, with which options, and which of its outputs are secret. The whole
 * program's wiring of them is in rancher.test.ts and management.test.ts.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { managementProvider } from "../components/management/reference";
import { caChecksum } from "../components/management/rancherServer";
import { ClusterAccess } from "../components/rancher/clusterAccess";
import { RancherRegistration, type RancherRegistrationArgs } from "../components/rancher/registration";
import { inventoryFor } from "../render/inventory";
import type { RecordedResource } from "../render/mocks";
import { baseSpec } from "./helpers/fixtures";
import { resolveOutput, runUnderMocks } from "../render/runStack";

const base: RancherRegistrationArgs = {
  mode: "import",
  clusterName: "cluster3",
  description: "legal-ai dev",
  labels: { env: "dev" },
  kubernetesVersion: "v1.34.2+rke2r1",
  insecure: false,
};

const only = (resources: RecordedResource[], type: string): RecordedResource => {
  const found = resources.filter((r) => r.type === type);
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** Registers a RancherRegistration and resolves its outputs (secrets kept apart). */
async function registration(args: Partial<RancherRegistrationArgs>) {
  const made: { reg?: RancherRegistration } = {};
  const run = await runUnderMocks("legal-ai-dev", inventoryFor(baseSpec()), () => {
    made.reg = new RancherRegistration("c3", { ...base, ...args });
    return {};
  });
  const reg = made.reg!;
  return {
    resources: run.resources.filter((r) => !r.type.startsWith("cluster-orchestrator:")),
    component: only(run.resources, "cluster-orchestrator:rancher:RancherRegistration"),
    clusterId: await resolveOutput(reg.clusterId),
    manifestUrl: await resolveOutput(reg.manifestUrl),
    nodeCommand: await resolveOutput(reg.nodeCommand),
    secret: {
      manifestUrl: await pulumi.isSecret(reg.manifestUrl),
      nodeCommand: await pulumi.isSecret(reg.nodeCommand),
    },
    hasResource: reg.resource !== undefined,
  };
}

describe("RancherRegistration", () => {
  test("import: one rancher2 Cluster under the component, upgraded one node at a time; its URL secret", async () => {
    const r = await registration({ mode: "import" });
    expect(r.resources.map((x) => `${x.type} ${x.name}`)).toEqual([
      "rancher2:index/cluster:Cluster c3-cluster",
    ]);
    const cluster = r.resources[0]!;
    expect(cluster.parent).toBe(r.component.urn);
    expect(cluster.inputs).toEqual({
      name: "cluster3",
      description: "legal-ai dev",
      labels: { env: "dev" },
      rke2Config: {
        version: "v1.34.2+rke2r1",
        upgradeStrategy: { serverConcurrency: 1, workerConcurrency: 1 },
      },
    });
    // The SDK marks caCert and kubeConfig itself; the registration token is the component's addition.
    expect(cluster.options.additionalSecretOutputs).toContain("clusterRegistrationToken");
    expect(cluster.options.customTimeouts?.delete).toBe("10m");
    expect(r.clusterId).toMatch(/^c-/);
    expect(r.manifestUrl).toMatch(/^https:\/\/rancher\.example\.net\/v3\/import\//);
    expect(r.secret.manifestUrl).toBe(true);
    expect(r.nodeCommand).toBeNull();
    expect(r.hasResource).toBe(true);
  });

  test.each([
    [false, /^curl -fL /],
    [true, /^curl --insecure -fL /],
  ])(
    "custom (insecure %s): a ClusterV2; every node's command secret, insecure only when asked",
    async (insecure, cmd) => {
      const r = await registration({ mode: "custom", insecure, machineGlobalConfig: "cni: canal\n" });
      expect(r.resources.map((x) => `${x.type} ${x.name}`)).toEqual([
        "rancher2:index/clusterV2:ClusterV2 c3-cluster",
      ]);
      const cluster = r.resources[0]!;
      expect(cluster.parent).toBe(r.component.urn);
      expect(cluster.inputs).toEqual({
        name: "cluster3",
        // ClusterV2 takes no description (@pulumi/rancher2 clusterV2.js copies no such input):
        // Rancher shows this annotation instead (rancher/terraform-provider-rancher2#965).
        annotations: { "field.cattle.io/description": "legal-ai dev" },
        labels: { env: "dev" },
        kubernetesVersion: "v1.34.2+rke2r1",
        rkeConfig: { machineGlobalConfig: "cni: canal\n" },
      });
      expect(cluster.options.customTimeouts?.delete).toBe("10m");
      expect(r.clusterId).toMatch(/^c-m-/);
      expect(r.nodeCommand).toMatch(cmd);
      expect(r.secret.nodeCommand).toBe(true);
      expect(r.manifestUrl).toBeNull();
      expect(r.hasResource).toBe(true);
    },
  );

  test("custom without RKE2 settings: no rkeConfig at all", async () => {
    const r = await registration({ mode: "custom" });
    expect(r.resources[0]!.inputs).not.toHaveProperty("rkeConfig");
  });

  test("none: nothing registered, nothing to wait for", async () => {
    const r = await registration({ mode: "none" });
    expect(r.resources).toEqual([]);
    expect([r.clusterId, r.manifestUrl, r.nodeCommand, r.hasResource]).toEqual([
      undefined,
      null,
      null,
      false,
    ]);
  });
});

describe("ClusterAccess", () => {
  test("a ClusterSync after the VMs, bounded by the sync timeout; a secret kubeconfig drives a provider that drops unreachable resources", async () => {
    const made: { access?: ClusterAccess; vm?: pulumi.Resource } = {};
    const run = await runUnderMocks("legal-ai-dev", inventoryFor(baseSpec()), () => {
      made.vm = new command.local.Command("vm-stand-in", { create: "true" });
      made.access = new ClusterAccess("c3-access", {
        clusterId: "c-abc",
        nodes: [made.vm],
        syncTimeout: "25m",
      });
      return {};
    });
    const component = only(run.resources, "cluster-orchestrator:rancher:ClusterAccess");
    const vm = only(run.resources, "command:local:Command");
    const sync = only(run.resources, "rancher2:index/clusterSync:ClusterSync");
    expect(sync.name).toBe("c3-access-sync");
    expect(sync.parent).toBe(component.urn);
    expect(sync.inputs).toEqual({ clusterId: "c-abc", stateConfirm: 2 });
    expect(sync.dependencies).toContain(vm.urn);
    expect(sync.options.customTimeouts).toEqual({ create: "25m", update: "25m", delete: "" });
    const provider = only(run.resources, "pulumi:providers:kubernetes");
    expect(provider.name).toBe("c3-access-k8s");
    expect(provider.parent).toBe(component.urn);
    // A provider's inputs reach the engine as strings.
    expect(provider.inputs.deleteUnreachable).toBe("true");
    expect(await pulumi.isSecret(made.access!.kubeconfig)).toBe(true);
    expect(await resolveOutput(made.access!.kubeconfig)).toMatch(/# kubeconfig for c-abc/);
  });
});

describe("managementProvider", () => {
  const access = (caCert: string) => ({
    stack: "rancher-prod",
    url: "https://rancher.lab.example.net",
    caCert,
    caChecksum: "",
    token: pulumi.secret("token-x:y"),
  });

  test.each([
    ["a private CA is trusted", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n", true],
    ["a public CA: no caCerts", "", false],
  ])("%s", async (_case, ca, trusted) => {
    const run = await runUnderMocks("legal-ai-dev", inventoryFor(baseSpec()), () => {
      managementProvider("c3", access(ca));
      return {};
    });
    const provider = only(run.resources, "pulumi:providers:rancher2");
    expect(provider.name).toBe("c3-rancher2");
    expect(provider.inputs).toMatchObject({ apiUrl: "https://rancher.lab.example.net" });
    expect("caCerts" in provider.inputs).toBe(trusted);
    if (trusted) expect(provider.inputs.caCerts).toBe(ca);
  });
});

describe("caChecksum", () => {
  // FIPS 180-2 test vectors, an oracle independent of node's crypto.
  test.each([
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ])("sha256 hex of %j", (pem, digest) => {
    expect(caChecksum(pem)).toBe(digest);
  });
});
