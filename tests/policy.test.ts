/**
 * The CrossGuard policy pack (policy/). Three layers:
 *  1. each policy's validateResource / validateStack called directly with crafted arguments and a
 *     reportViolation spy: a passing and failing case per policy, plus their configuration;
 *  2. every policy against the resources the real program registers for every stack (mock
 *     runtime): no violation;
 *  3. the pack started exactly as the Pulumi CLI starts it (`node run-policy-pack . ` in policy/,
 *     so module resolution, package.json and ts-node are real) and driven over gRPC the way the
 *     engine drives it: remediation pass then analysis pass per resource, then the stack pass.
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  Secret,
  unknownCheckingProxy,
  type PolicyConfigSchema,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { PROJECT_ROOT } from "../components/program";
import { listStacks } from "../components/config/sources";
import { HOSTNAME_TOKENS, isRfc1123Label as projectIsRfc1123Label } from "../components/plan/naming";
import { vmTags } from "../components/nodepool/vmArgs";
import type { RecordedResource } from "../render/mocks";
import {
  policies,
  prodNetworkProtected,
  vmAddressInClusterSubnet,
  vmDeleteBeforeReplace,
  vmHostnameConvention,
  vmNodeHardening,
  vmConfigDriveKept,
  vmNoPlaintextSecrets,
  vmRequiredTags,
} from "../policy/policies";
import { DEFAULT_HOSTNAME_PATTERN, isRfc1123Label, PATTERN_TOKENS } from "../policy/policies/hostname";
import { REQUIRED_TAGS } from "../policy/policies/vmTags";
import { forgetObservedSecrets, observeSecrets, SECRET_SIG, SECRET_SIG_KEY } from "../policy/lib/secrets";
import { runInMocks } from "./helpers/program";

const VM = "xenorchestra:index/vm:Vm";
const NETWORK = "xenorchestra:index/xoaNetwork:XoaNetwork";
/** What the engine sends for a value unknown during preview (a string sentinel). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const urnOf = (stack: string, type: string, name: string) =>
  `urn:pulumi:${stack}::cluster-orchestrator::${type}::${name}`;
const wireSecret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

const TAGS = [
  "managed-by=cluster-orchestrator",
  "env=dev",
  "use-case=legal-ai",
  "cluster=legal-ai-dev",
  "pool=server",
  "role=server",
];
const USER_DATA =
  "#cloud-config\nwrite_files:\n  - path: /etc/rancher/rke2/config.yaml\n    content: |\n      token: s3cr3tJoinToken\n";

function vmProps(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nameLabel: "cluster1-server1",
    nameDescription: "legal-ai-dev server (server #1), managed by cluster-orchestrator",
    tags: TAGS,
    networks: [{ networkId: "net-1", macAddress: "02:00:0a:0a:01:0b", expectedIpCidr: "10.10.1.11/32" }],
    cloudConfig: wireSecret(USER_DATA),
    cloudNetworkConfig: "version: 2\n",
    memoryMin: 8 * 1024 ** 3,
    memoryMax: 8 * 1024 ** 3,
    destroyCloudConfigVdiAfterBoot: true,
    ...overrides,
  };
}

function options(overrides: Partial<PolicyResourceOptions> = {}): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...overrides,
  };
}

interface Crafted {
  type?: string;
  stack?: string;
  name?: string;
  props?: Record<string, unknown>;
  opts?: Partial<PolicyResourceOptions>;
  config?: object;
}

function resourceArgs(c: Crafted = {}): ResourceValidationArgs {
  const type = c.type ?? VM;
  const name = c.name ?? "legal-ai-dev-server-1";
  return {
    type,
    name,
    urn: urnOf(c.stack ?? "legal-ai-dev", type, name),
    props: c.props ?? vmProps(),
    opts: options(c.opts),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => (c.config ?? {}) as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
}

/** Runs a resource policy's validations only and returns what it reported. */
async function validated(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
  const report = jest.fn<void, [string, string?]>();
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : [policy.validateResource];
  for (const validate of validations) await validate?.(args, report);
  return report.mock.calls.map(([message]) => message);
}

/** Runs a resource policy as the engine does: its remediation pass first, then its validations. */
async function violations(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
  if (policy.remediateResource) await policy.remediateResource(args);
  return validated(policy, args);
}

function policyResource(
  r: Pick<PolicyResource, "type" | "name" | "urn" | "props"> & Partial<PolicyResource>,
): PolicyResource {
  return {
    opts: options(),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
    ...r,
  };
}

async function stackViolations(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
  config: object = {},
): Promise<{ message: string; urn?: string }[]> {
  const report = jest.fn<void, [string, string?]>();
  await policy.validateStack(
    {
      resources,
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable: (reason?: string): never => {
        throw new Error(`not applicable: ${reason}`);
      },
    },
    report,
  );
  return report.mock.calls.map(([message, urn]) => ({ message, urn }));
}

beforeEach(() => forgetObservedSecrets());

describe("the pack", () => {
  test("eight policies with unique names, mandatory unless they say otherwise, documented", () => {
    const names = policies.map((p) => p.name);
    expect(names).toEqual([
      "vm-required-tags",
      "vm-hostname-convention",
      "vm-address-in-cluster-subnet",
      "vm-delete-before-replace",
      "vm-node-hardening",
      "vm-no-plaintext-secrets",
      "prod-network-protected",
      "vm-config-drive-kept",
    ]);
    // The pack's level is mandatory; only the secrets policy sets its own (remediate, which the
    // SDK reports as mandatory: it needs the remediation pass to see secretness), and the
    // config-drive advice (advisory: it names VMs to roll, it cannot block their roll).
    expect(policies.filter((p) => p.enforcementLevel !== undefined).map((p) => p.name)).toEqual([
      "vm-no-plaintext-secrets",
      "vm-config-drive-kept",
    ]);
    expect(vmConfigDriveKept.enforcementLevel).toBe("advisory");
    expect(vmNoPlaintextSecrets.enforcementLevel).toBe("remediate");
    const docs = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "policy.md"), "utf8");
    for (const name of names) expect(docs).toContain(`\`${name}\``);
  });

  test("every configuration property has a default, and no schema declares enforcementLevel", () => {
    for (const policy of policies) {
      const schema: PolicyConfigSchema | undefined = policy.configSchema;
      for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        expect([policy.name, key, typeof property === "object" && "default" in property]).toEqual([
          policy.name,
          key,
          true,
        ]);
      }
      expect(Object.keys(schema?.properties ?? {})).not.toContain("enforcementLevel");
    }
  });

  test("the pack follows the program's conventions: tag keys, host name tokens, RFC 1123", () => {
    const tags = vmTags({ name: "c", environment: "dev", useCase: "u" }, {
      pool: "server",
      role: "server",
    } as Parameters<typeof vmTags>[1]);
    expect(tags.map((t) => t.split("=")[0])).toEqual([...REQUIRED_TAGS]);
    expect([...PATTERN_TOKENS].sort()).toEqual([...HOSTNAME_TOKENS].sort());
    for (const name of [
      "cluster1-server1",
      "a",
      "a-b",
      "-a",
      "a-",
      "A1",
      "x".repeat(63),
      "x".repeat(64),
      "a_b",
    ]) {
      expect([name, isRfc1123Label(name)]).toEqual([name, projectIsRfc1123Label(name)]);
    }
  });

  test("PulumiPolicy.yaml and package.json: what the CLI and the SDK read", () => {
    const yaml = fs.readFileSync(path.join(PROJECT_ROOT, "policy", "PulumiPolicy.yaml"), "utf8");
    expect(yaml).toMatch(/^runtime: nodejs$/m);
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "policy", "package.json"), "utf8"));
    // PolicyPack reads the version from package.json in its working directory (policy/).
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    // No dependencies of its own: @pulumi/policy and @pulumi/pulumi resolve from ../node_modules.
    expect(pkg.dependencies).toBeUndefined();
    const root = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    expect(root.dependencies["@pulumi/policy"]).toBeDefined();
  });
});

describe("vm-required-tags", () => {
  test("passes with the six tags", async () => {
    expect(await violations(vmRequiredTags, resourceArgs())).toEqual([]);
  });

  test("reports missing, empty, conflicting and foreign tags", async () => {
    const tags = ["managed-by=terraform", "env=dev", "env=prod", "use-case=", "cluster", "pool=server"];
    expect(await violations(vmRequiredTags, resourceArgs({ props: vmProps({ tags }) }))).toEqual([
      "VM is missing the tag(s) role=",
      "VM tag(s) use-case=, cluster= have no value",
      "VM tag(s) env are given more than once with different values",
      "VM tag managed-by must be 'cluster-orchestrator', not 'terraform'",
    ]);
    expect(await violations(vmRequiredTags, resourceArgs({ props: vmProps({ tags: undefined }) }))).toEqual([
      "VM is missing the tag(s) managed-by=, env=, use-case=, cluster=, pool=, role=",
    ]);
  });

  test("configurable keys; other resource types and unknown tags are not judged", async () => {
    const config = { requiredTags: ["owner"] };
    expect(await violations(vmRequiredTags, resourceArgs({ config }))).toEqual([
      "VM is missing the tag(s) owner=",
    ]);
    expect(await violations(vmRequiredTags, resourceArgs({ type: NETWORK, props: {} }))).toEqual([]);
    const unknown = unknownCheckingProxy(vmProps({ tags: UNKNOWN }));
    expect(await violations(vmRequiredTags, resourceArgs({ props: unknown }))).toEqual([]);
  });
});

describe("vm-hostname-convention", () => {
  test("passes for cluster<N>-<pool><index>", async () => {
    for (const nameLabel of ["cluster1-server1", "cluster12-search3", "cluster3-worker-gpu2"]) {
      expect(await violations(vmHostnameConvention, resourceArgs({ props: vmProps({ nameLabel }) }))).toEqual(
        [],
      );
    }
    expect(DEFAULT_HOSTNAME_PATTERN).toBe("cluster{cluster}-{pool}{index}");
  });

  test("reports names that are not RFC 1123 labels or do not follow the pattern", async () => {
    const check = (nameLabel: unknown) =>
      violations(vmHostnameConvention, resourceArgs({ props: vmProps({ nameLabel }) }));
    expect(await check("web-1")).toEqual([
      "VM name 'web-1' does not follow the host name pattern 'cluster{cluster}-{pool}{index}'",
    ]);
    expect(await check("Cluster1-Server1")).toEqual([
      "VM name 'Cluster1-Server1' is not an RFC 1123 host name (lower-case a-z, 0-9 and '-', at most 63 characters, no leading or trailing '-')",
      "VM name 'Cluster1-Server1' does not follow the host name pattern 'cluster{cluster}-{pool}{index}'",
    ]);
    expect(await check(`cluster1-${"s".repeat(60)}1`)).toHaveLength(1);
    expect(await check("clusterx-server1")).toEqual([
      "VM name 'clusterx-server1' does not follow the host name pattern 'cluster{cluster}-{pool}{index}'",
    ]);
    expect(await check(undefined)).toEqual(["VM has no nameLabel: VMs are named by their host name"]);
  });

  test("the pattern is configuration; {env} and {usecase} must agree with the VM's tags", async () => {
    const config = { pattern: "{usecase}-{env}-{pool}{index}" };
    const check = (nameLabel: string) =>
      violations(vmHostnameConvention, resourceArgs({ props: vmProps({ nameLabel }), config }));
    expect(await check("legal-ai-dev-server1")).toEqual([]);
    expect(await check("healthcare-dev-server1")).toEqual([
      "VM name 'healthcare-dev-server1' does not follow the host name pattern '{usecase}-{env}-{pool}{index}'",
    ]);
    expect(await check("cluster1-server1")).toHaveLength(1);
    expect(
      await violations(vmHostnameConvention, resourceArgs({ config: { pattern: "{cluster}-{node}" } })),
    ).toEqual([
      "policy configuration: pattern '{cluster}-{node}': unknown token {node}; use {cluster}, {pool}, {index}, {usecase}, {env}",
    ]);
  });
});

describe("vm-address-in-cluster-subnet", () => {
  const stack = "legal-ai-dev";
  const network = policyResource({
    type: NETWORK,
    name: "legal-ai-dev-network-vlan",
    urn: urnOf(stack, NETWORK, "legal-ai-dev-network-vlan"),
    props: { nameDescription: "legal-ai-dev: 10.10.1.0/24 (managed by cluster-orchestrator)", vlan: 101 },
  });
  const vm = (name: string, ...cidrs: string[]) =>
    policyResource({
      type: VM,
      name,
      urn: urnOf(stack, VM, name),
      props: vmProps({ networks: cidrs.map((expectedIpCidr) => ({ networkId: UNKNOWN, expectedIpCidr })) }),
      propertyDependencies: { networks: [network] },
    });

  test("passes for static /32s and a DHCP node's subnet inside the network's subnet", async () => {
    const resources = [
      network,
      vm("s1", "10.10.1.11/32"),
      vm("s2", "10.10.1.12/32"),
      vm("d1", "10.10.1.0/24"),
    ];
    expect(await stackViolations(vmAddressInClusterSubnet, resources)).toEqual([]);
  });

  test("reports addresses outside the subnet, network/broadcast addresses, duplicates, bad CIDRs", async () => {
    const resources = [
      network,
      vm("s1", "10.10.2.11/32"),
      vm("s2", "10.10.1.0/32"),
      vm("s3", "10.10.1.255/32"),
      vm("s4", "10.10.1.20/32"),
      vm("s5", "10.10.1.20/32"),
      vm("d1", "10.10.0.0/16"),
      vm("x1", "10.10.1.300/32"),
    ];
    expect(await stackViolations(vmAddressInClusterSubnet, resources)).toEqual([
      {
        message:
          "VM 's1' networks[0].expectedIpCidr '10.10.2.11/32' is not inside the cluster subnet 10.10.1.0/24 (from the description of XO network 'legal-ai-dev-network-vlan')",
        urn: urnOf(stack, VM, "s1"),
      },
      {
        message:
          "VM 's2' networks[0].expectedIpCidr '10.10.1.0/32' is the network address of the cluster subnet 10.10.1.0/24",
        urn: urnOf(stack, VM, "s2"),
      },
      {
        message:
          "VM 's3' networks[0].expectedIpCidr '10.10.1.255/32' is the broadcast address of the cluster subnet 10.10.1.0/24",
        urn: urnOf(stack, VM, "s3"),
      },
      {
        message:
          "VM 's5' networks[0].expectedIpCidr '10.10.1.20/32': 10.10.1.20 is already the address of VM 's4'",
        urn: urnOf(stack, VM, "s5"),
      },
      {
        message:
          "VM 'd1' networks[0].expectedIpCidr '10.10.0.0/16' is not inside the cluster subnet 10.10.1.0/24 (from the description of XO network 'legal-ai-dev-network-vlan')",
        urn: urnOf(stack, VM, "d1"),
      },
      {
        message: "VM 'x1' networks[0].expectedIpCidr '10.10.1.300/32' is not an IPv4 CIDR",
        urn: urnOf(stack, VM, "x1"),
      },
    ]);
  });

  test("the subnet comes from a configured pin first, else from the VM's network", async () => {
    const config = { subnets: { [stack]: "10.10.2.0/24" } };
    expect(
      await stackViolations(vmAddressInClusterSubnet, [network, vm("s1", "10.10.2.11/32")], config),
    ).toEqual([]);
    expect(
      (await stackViolations(vmAddressInClusterSubnet, [network, vm("s1", "10.10.1.11/32")], config))[0]
        ?.message,
    ).toContain(
      "is not inside the cluster subnet 10.10.2.0/24 (from the policy configuration subnets.legal-ai-dev)",
    );
    // Without a property dependency, the VM's dependencies, then the stack's only network.
    const loose = policyResource({ ...vm("s1", "10.10.2.11/32"), propertyDependencies: {} });
    expect(await stackViolations(vmAddressInClusterSubnet, [network, loose])).toHaveLength(1);
  });

  test("no known subnet (existing XO network, no pin) is a violation that says how to pin it", async () => {
    const orphan = policyResource({ ...vm("s1", "10.10.1.11/32"), propertyDependencies: {} });
    expect(await stackViolations(vmAddressInClusterSubnet, [orphan])).toEqual([
      {
        message:
          "VM 's1' networks[0].expectedIpCidr '10.10.1.11/32': cannot tell the cluster subnet (no XO network with a CIDR in its description in this stack); pin it in this policy's configuration subnets.legal-ai-dev",
        urn: urnOf(stack, VM, "s1"),
      },
    ]);
  });
});

describe("vm-delete-before-replace", () => {
  test("passes when the option is set", async () => {
    expect(
      await violations(vmDeleteBeforeReplace, resourceArgs({ opts: { deleteBeforeReplace: true } })),
    ).toEqual([]);
  });

  test("reports a VM without it (unset or false); networks are not judged", async () => {
    const message =
      "VM is not deleteBeforeReplace: a replacement would start a second VM with the same MAC and address, which XO refuses";
    expect(await violations(vmDeleteBeforeReplace, resourceArgs())).toEqual([message]);
    expect(
      await violations(vmDeleteBeforeReplace, resourceArgs({ opts: { deleteBeforeReplace: false } })),
    ).toEqual([message]);
    expect(await violations(vmDeleteBeforeReplace, resourceArgs({ type: NETWORK, props: {} }))).toEqual([]);
  });
});

describe("vm-node-hardening", () => {
  test("passes with static memory and the config drive removed; unknowns are judged at up", async () => {
    expect(await violations(vmNodeHardening, resourceArgs())).toEqual([]);
    expect(
      await violations(vmNodeHardening, resourceArgs({ props: vmProps({ memoryMin: UNKNOWN }) })),
    ).toEqual([]);
    expect(await violations(vmNodeHardening, resourceArgs({ type: NETWORK, props: {} }))).toEqual([]);
  });

  test("reports dynamic memory and a kept config drive", async () => {
    const found = await violations(
      vmNodeHardening,
      resourceArgs({ props: vmProps({ memoryMin: 2 * 1024 ** 3, destroyCloudConfigVdiAfterBoot: false }) }),
    );
    expect(found).toEqual([
      `VM memory is not static (memoryMin ${2 * 1024 ** 3}, memoryMax ${8 * 1024 ** 3}): ballooning can shrink a Kubernetes node`,
      "VM keeps its cloud-init config drive after boot (destroyCloudConfigVdiAfterBoot is not true): its secrets stay readable from the guest",
    ]);
    const unset = await violations(
      vmNodeHardening,
      resourceArgs({ props: vmProps({ memoryMin: undefined, destroyCloudConfigVdiAfterBoot: undefined }) }),
    );
    expect(unset).toHaveLength(2);
  });
});

describe("a VM created before destroyCloudConfigVdiAfterBoot (the program ignores changes to it)", () => {
  // The engine hands policies the inputs after ignoreChanges has put back the old values
  // (pulumi/pulumi pkg/resource/deploy/step_generator.go at v3.248.0: processIgnoreChanges, then
  // prov.Check, then analyzeAll on those inputs). Such a VM shows its old `false` to the pack.
  const existing = resourceArgs({
    props: vmProps({ destroyCloudConfigVdiAfterBoot: false }),
    opts: { ignoreChanges: ["template", "destroyCloudConfigVdiAfterBoot"] },
  });

  test("does not block the preview (it could never be rolled by an up the pack refuses)", async () => {
    expect(await violations(vmNodeHardening, existing)).toEqual([]);
  });

  test("is still named, as advice to roll it, by vm-config-drive-kept", async () => {
    expect(await violations(vmConfigDriveKept, existing)).toEqual([
      "VM was created before destroyCloudConfigVdiAfterBoot: its config drive (join token, keys) stays until the VM is rolled (docs/nodes.md)",
    ]);
    expect(await violations(vmConfigDriveKept, resourceArgs())).toEqual([]);
    expect(await violations(vmConfigDriveKept, resourceArgs({ type: NETWORK, props: {} }))).toEqual([]);
  });

  test("without the ignore, a VM that keeps its drive is still refused", async () => {
    const kept = resourceArgs({ props: vmProps({ destroyCloudConfigVdiAfterBoot: false }) });
    expect(await violations(vmNodeHardening, kept)).toHaveLength(1);
  });
});

describe("vm-no-plaintext-secrets", () => {
  test("passes when cloudConfig is a secret (wire format, as the mock runtime records it)", async () => {
    expect(await violations(vmNoPlaintextSecrets, resourceArgs())).toEqual([]);
  });

  test("passes when the remediation pass saw cloudConfig as a Secret (the real runtime)", async () => {
    const args = resourceArgs({ props: vmProps({ cloudConfig: USER_DATA }) });
    // Remediation pass: secrets wrapped in Secret objects; analysis pass: unwrapped to plain text.
    observeSecrets(args.urn, { ...vmProps(), cloudConfig: new Secret(USER_DATA) });
    expect(await validated(vmNoPlaintextSecrets, args)).toEqual([]);
  });

  test("reports a plain cloudConfig the remediation pass saw as plain", async () => {
    const args = resourceArgs({ props: vmProps({ cloudConfig: "#cloud-config\n" }) });
    expect(await violations(vmNoPlaintextSecrets, args)).toEqual([
      "VM input 'cloudConfig' is not a secret: build it with pulumi.secret() (it carries the cluster's credentials)",
    ]);
  });

  test("without the remediation pass, a plain cloudConfig with a token is reported", async () => {
    const args = resourceArgs({ props: vmProps({ cloudConfig: USER_DATA }) });
    expect(await validated(vmNoPlaintextSecrets, args)).toEqual([
      "VM input 'cloudConfig' contains a token line (`token: …`) and its secretness could not be verified: keep this policy at enforcement level 'remediate' so it can see which inputs are secrets",
    ]);
  });

  test("reports credential-like content in any other plain input, never echoing it", async () => {
    const props = vmProps({
      nameDescription: "join with K10" + "ab12".repeat(16) + "::server:hunter2",
      cloudNetworkConfig: "version: 2\n# -----BEGIN OPENSSH PRIVATE KEY-----\n",
      disks: [{ nameLabel: "https://rancher.example.net/v3/import/abcdefghij0123456789abcd_c-m-1.yaml" }],
      affinityHost: "curl -fL https://r/system-agent-install.sh | sh -s - --token abcdefghij0123456789",
    });
    const found = await violations(vmNoPlaintextSecrets, resourceArgs({ props }));
    expect(found).toEqual([
      "VM input 'nameDescription' contains an RKE2 secure join token (`K10…::server:`) in plain text",
      "VM input 'cloudNetworkConfig' contains a private key in plain text",
      "VM input 'disks[0].nameLabel' contains a Rancher registration URL (`/v3/import/<token>`) in plain text",
      "VM input 'affinityHost' contains a Rancher node command token (`--token …`) in plain text",
    ]);
    expect(found.join("\n")).not.toMatch(/hunter2|abcdefghij/);
  });

  test("comments about tokens and unknown values are not credentials; secretInputs is configuration", async () => {
    const props = vmProps({ cloudNetworkConfig: "# The command carries the registration token: run it\n" });
    expect(await violations(vmNoPlaintextSecrets, resourceArgs({ props }))).toEqual([]);
    const unknown = unknownCheckingProxy(vmProps({ cloudConfig: UNKNOWN }));
    expect(await violations(vmNoPlaintextSecrets, resourceArgs({ props: unknown }))).toEqual([]);
    const config = { secretInputs: ["cloudConfig", "cloudNetworkConfig"] };
    expect(await violations(vmNoPlaintextSecrets, resourceArgs({ config }))).toEqual([
      "VM input 'cloudNetworkConfig' is not a secret: build it with pulumi.secret() (it carries the cluster's credentials)",
    ]);
  });
});

describe("prod-network-protected", () => {
  const network = (stack: string, protect: boolean, config: object = {}) =>
    resourceArgs({
      type: NETWORK,
      stack,
      name: `${stack}-network-vlan`,
      props: { vlan: 201 },
      opts: { protect },
      config,
    });

  test("passes for a protected prod network and any dev network", async () => {
    expect(await violations(prodNetworkProtected, network("legal-ai-prod", true))).toEqual([]);
    expect(await violations(prodNetworkProtected, network("legal-ai-dev", false))).toEqual([]);
  });

  test("reports an unprotected prod network; the prod pattern is configuration", async () => {
    expect(await violations(prodNetworkProtected, network("legal-ai-prod", false))).toEqual([
      "XO network of prod stack 'legal-ai-prod' is not protected: deleting it would cut every VM of the cluster off",
    ]);
    expect(
      await violations(
        prodNetworkProtected,
        network("legal-ai-live", false, { prodStackPattern: "-(prod|live)$" }),
      ),
    ).toHaveLength(1);
    expect(await violations(prodNetworkProtected, resourceArgs({ stack: "legal-ai-prod" }))).toEqual([]);
  });
});

// --- The real program's resources ---------------------------------------------------------------

function recordedOptions(r: RecordedResource): PolicyResourceOptions {
  const timeouts = r.options.customTimeouts;
  const seconds = (t: string | undefined) => (t ? Number(/^(\d+)m$/.exec(t)?.[1] ?? 0) * 60 : 0);
  return options({
    protect: r.options.protect,
    ignoreChanges: r.options.ignoreChanges,
    // The SDK sends deleteBeforeReplace only when the program set it.
    ...(r.options.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
    additionalSecretOutputs: r.options.additionalSecretOutputs,
    customTimeouts: {
      createSeconds: seconds(timeouts?.create),
      updateSeconds: seconds(timeouts?.update),
      deleteSeconds: seconds(timeouts?.delete),
    },
    ...(r.parent ? { parent: r.parent } : {}),
  });
}

function asPolicyResources(records: RecordedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const resources = records.map((r) => {
    const resource = policyResource({
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: r.inputs,
      opts: recordedOptions(r),
    });
    byUrn.set(r.urn, resource);
    return resource;
  });
  records.forEach((r, i) => {
    // The recorder keeps all dependencies, not per property: the subnet policy falls back to them.
    resources[i]!.dependencies = r.dependencies.flatMap((u) => byUrn.get(u) ?? []);
  });
  return resources;
}

/** One mock run per stack, shared by the tests that need it. */
const runs = new Map<string, Promise<RecordedResource[]>>();
function recorded(stack: string): Promise<RecordedResource[]> {
  if (!runs.has(stack))
    runs.set(
      stack,
      runInMocks(stack).then((run) => run.resources),
    );
  return runs.get(stack)!;
}

describe.each(listStacks(PROJECT_ROOT))("every policy against stack %s", (stack) => {
  test("no violation", async () => {
    const resources = await recorded(stack);
    expect(resources.filter((r) => r.type === VM).length).toBeGreaterThan(0);
    expect(resources.filter((r) => r.type === NETWORK)).toHaveLength(1);
    const found: string[] = [];
    for (const r of resources) {
      const args = resourceArgs({ type: r.type, name: r.name, props: r.inputs });
      const withUrn = { ...args, urn: r.urn, opts: recordedOptions(r) };
      for (const policy of policies) {
        if (!("validateStack" in policy)) {
          for (const message of await violations(policy, withUrn))
            found.push(`${policy.name} ${r.name}: ${message}`);
        }
      }
    }
    for (const policy of policies) {
      if ("validateStack" in policy) {
        for (const { message } of await stackViolations(policy, asPolicyResources(resources))) {
          found.push(`${policy.name}: ${message}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});

// --- The pack as the CLI runs it ----------------------------------------------------------------

interface Diagnostic {
  policy: string;
  level: number;
  message: string;
}

/** Starts policy/ the way the CLI's pulumi-analyzer-policy shim does and talks to it like the engine. */
class PackProcess {
  private child?: ChildProcess;
  private client?: analyzerRpc.AnalyzerClient;
  stderr = "";

  async start(): Promise<void> {
    const script = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", {
      paths: [path.join(PROJECT_ROOT, "policy")],
    });
    const child = spawn(process.execPath, [script, "127.0.0.1:0", "."], {
      cwd: path.join(PROJECT_ROOT, "policy"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const match = /^(\d+)\s*$/m.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on("exit", (code) => reject(new Error(`policy pack exited ${code}: ${this.stderr}`)));
    });
    this.client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  stop(): void {
    this.client?.close();
    this.child?.kill();
  }

  private call<Req, Res>(method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      type Unary = (request: Req, callback: (error: Error | null, response: Res) => void) => void;
      const fn = (this.client as unknown as Record<string, Unary>)[method]!.bind(this.client);
      fn(request, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }

  info(): Promise<analyzerPb.AnalyzerInfo> {
    return this.call("getAnalyzerInfo", new Empty());
  }

  async configure(config: Record<string, Record<string, unknown>>): Promise<void> {
    const request = new analyzerPb.ConfigureAnalyzerRequest();
    for (const [name, properties] of Object.entries(config)) {
      const policyConfig = new analyzerPb.PolicyConfig();
      policyConfig.setEnforcementlevel(analyzerPb.EnforcementLevel.MANDATORY);
      policyConfig.setProperties(Struct.fromJavaScript(properties as never));
      request.getPolicyconfigMap().set(name, policyConfig);
    }
    await this.call("configure", request);
  }

  /** One resource registration: the remediation pass, then the analysis pass (as the engine). */
  async analyze(r: RecordedResource, opts: { deleteBeforeReplace?: boolean } = {}): Promise<Diagnostic[]> {
    const request = new analyzerPb.AnalyzeRequest();
    request.setUrn(r.urn);
    request.setType(r.type);
    request.setName(r.name);
    request.setProperties(Struct.fromJavaScript(r.inputs as never));
    request.setOptions(this.options(r, opts.deleteBeforeReplace ?? r.options.deleteBeforeReplace));
    const remediation = await this.call<analyzerPb.AnalyzeRequest, analyzerPb.RemediateResponse>(
      "remediate",
      request,
    );
    expect(remediation.getRemediationsList()).toEqual([]);
    return diagnostics(await this.call("analyze", request));
  }

  async analyzeStack(records: RecordedResource[]): Promise<Diagnostic[]> {
    const request = new analyzerPb.AnalyzeStackRequest();
    const types = new Map(records.map((r) => [r.urn, r.type]));
    for (const r of records) {
      const resource = new analyzerPb.AnalyzerResource();
      resource.setUrn(r.urn);
      resource.setType(r.type);
      resource.setName(r.name);
      resource.setProperties(Struct.fromJavaScript(r.inputs as never));
      resource.setOptions(this.options(r, r.options.deleteBeforeReplace));
      if (r.parent) resource.setParent(r.parent);
      resource.setDependenciesList(r.dependencies);
      // What the engine sends for a VM: its `networks` input depends on the XO network.
      const networkDeps = r.dependencies.filter((u) => types.get(u) === NETWORK);
      if (r.type === VM && networkDeps.length > 0) {
        const deps = new analyzerPb.AnalyzerPropertyDependencies();
        deps.setUrnsList(networkDeps);
        resource.getPropertydependenciesMap().set("networks", deps);
      }
      request.addResources(resource);
    }
    return diagnostics(await this.call("analyzeStack", request));
  }

  private options(r: RecordedResource, deleteBeforeReplace: boolean): analyzerPb.AnalyzerResourceOptions {
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setProtect(r.options.protect);
    opts.setIgnorechangesList(r.options.ignoreChanges);
    opts.setDeletebeforereplace(deleteBeforeReplace);
    opts.setDeletebeforereplacedefined(deleteBeforeReplace);
    opts.setAdditionalsecretoutputsList(r.options.additionalSecretOutputs);
    if (r.parent) opts.setParent(r.parent);
    return opts;
  }
}

function diagnostics(response: analyzerPb.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    message: d.getMessage(),
  }));
}

describe("the pack under the real policy runtime (started as the CLI starts it)", () => {
  const pack = new PackProcess();
  let records: RecordedResource[];

  beforeAll(async () => {
    await Promise.all([pack.start(), recorded("legal-ai-prod").then((resources) => (records = resources))]);
  });
  afterAll(() => pack.stop());

  test("it loads from policy/ with the project's node_modules and lists its policies", async () => {
    const info = await pack.info();
    expect(info.getName()).toBe("cluster-orchestrator");
    expect(info.getVersion()).toBe("0.1.0");
    expect(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()])).toEqual([
      ["vm-required-tags", analyzerPb.EnforcementLevel.MANDATORY],
      ["vm-hostname-convention", analyzerPb.EnforcementLevel.MANDATORY],
      ["vm-address-in-cluster-subnet", analyzerPb.EnforcementLevel.MANDATORY],
      ["vm-delete-before-replace", analyzerPb.EnforcementLevel.MANDATORY],
      ["vm-node-hardening", analyzerPb.EnforcementLevel.MANDATORY],
      ["vm-no-plaintext-secrets", analyzerPb.EnforcementLevel.REMEDIATE],
      ["prod-network-protected", analyzerPb.EnforcementLevel.MANDATORY],
      ["vm-config-drive-kept", analyzerPb.EnforcementLevel.ADVISORY],
    ]);
  });

  test("legal-ai-prod as the engine would send it: no violation, secrets seen as secrets", async () => {
    const found: Diagnostic[] = [];
    for (const r of records) found.push(...(await pack.analyze(r)));
    found.push(...(await pack.analyzeStack(records)));
    expect(found).toEqual([]);
    expect(pack.stderr).toBe("");
  });

  test("a tampered VM and network: options, secretness and unknowns as the engine sends them", async () => {
    const vm = records.find((r) => r.type === VM)!;
    const network = records.find((r) => r.type === NETWORK)!;
    const plainUserData = (vm.inputs.cloudConfig as { value: string }).value;
    const tampered: RecordedResource = {
      ...vm,
      urn: `${vm.urn}-tampered`,
      inputs: {
        ...vm.inputs,
        cloudConfig: plainUserData,
        networks: [{ networkId: UNKNOWN, expectedIpCidr: "10.99.0.5/32" }],
      },
    };
    const vmFound = await pack.analyze(tampered, { deleteBeforeReplace: false });
    expect(vmFound.map((d) => [d.policy, d.level])).toEqual([
      ["vm-delete-before-replace", analyzerPb.EnforcementLevel.MANDATORY],
      // Remediate-level violations are reported as mandatory.
      ["vm-no-plaintext-secrets", analyzerPb.EnforcementLevel.MANDATORY],
    ]);
    expect(vmFound[1]!.message).toContain("VM input 'cloudConfig' is not a secret");
    const joinToken = /^\s*token: (\S+)$/m.exec(plainUserData)?.[1];
    expect(joinToken).toBeDefined();
    expect(JSON.stringify(vmFound)).not.toContain(joinToken);

    const unknownUserData = await pack.analyze({ ...vm, inputs: { ...vm.inputs, cloudConfig: UNKNOWN } });
    expect(unknownUserData).toEqual([]);

    const unprotected = await pack.analyze({ ...network, options: { ...network.options, protect: false } });
    expect(unprotected.map((d) => d.policy)).toEqual(["prod-network-protected"]);

    const stack = await pack.analyzeStack([network, tampered]);
    expect(stack.map((d) => d.message)).toEqual([
      expect.stringContaining(
        "'10.99.0.5/32' is not inside the cluster subnet 10.20.1.0/24 (from the description of XO network 'legal-ai-prod-network-vlan')",
      ),
    ]);
  });

  test("policy configuration reaches the policies (Configure RPC)", async () => {
    await pack.configure({ "vm-hostname-convention": { pattern: "{usecase}-{pool}{index}" } });
    const vm = records.find((r) => r.type === VM)!;
    expect((await pack.analyze(vm)).map((d) => d.policy)).toEqual(["vm-hostname-convention"]);
    await pack.configure({});
  });
});
