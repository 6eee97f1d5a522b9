/**
 * Issue 11: the management stack (rancher-prod), the kubeconfig read from the bootstrap server,
 * and the use-case stacks' Rancher provider from the management stack's outputs (StackReference).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { FETCH_KUBECONFIG_COMMAND, pointKubeconfigAt } from "../components/plan/kubeconfig";
import { loadStack } from "../components/stack/load";
import { ConfigError } from "../components/config/errors";
import { chartKubeProblem, MANAGEMENT_CHARTS } from "../components/plan/managementCharts";
import { managementAccessFrom } from "../components/management/reference";
import { PROJECT_ROOT, runProgram } from "../components/program";
import { inventoryFor } from "../render/inventory";
import {
  installRecordingMocks,
  isMockSecret,
  MOCK_RANCHER_CA,
  mockRke2Kubeconfig,
  XoMocks,
  type RecordedResource,
} from "../render/mocks";
import { profiles } from "../stacks/profiles";
import { byType, copyProjectConfig, runInMocks, secretValue, type ProgramRun } from "./helpers/program";

const VM = "xenorchestra:index/vm:Vm";
const COMMAND = "command:remote:Command";
const KEY = "tls:index/privateKey:PrivateKey";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const RANCHER_PROVIDER = "pulumi:providers:rancher2";
const BOOTSTRAP = "rancher2:index/bootstrap:Bootstrap";
const DEREGISTRATION = "pulumi-nodejs:dynamic/rancher:RancherDeregistration";

const named = (resources: RecordedResource[], name: string): RecordedResource => {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name}`);
  return found;
};
const isSecret = (value: unknown) => pulumi.isSecret(value as pulumi.Output<unknown>);

describe("pointKubeconfigAt (the address rewrite)", () => {
  test("every cluster entry points at the registration address; users and CA data are kept", () => {
    const text = pointKubeconfigAt(mockRke2Kubeconfig("x"), "10.20.1.10");
    const doc = parse(text) as { clusters: { cluster: Record<string, string> }[]; users: unknown[] };
    expect(doc.clusters.map((c) => c.cluster.server)).toEqual(["https://10.20.1.10:6443"]);
    expect(doc.clusters[0]!.cluster["certificate-authority-data"]).toBe("bW9jay1jYQ==");
    expect(doc.users).toEqual((parse(mockRke2Kubeconfig("x")) as { users: unknown[] }).users);
    expect(text).not.toContain("127.0.0.1");
  });

  test("property: any IPv4 address replaces the loopback server, with port 6443", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const doc = parse(pointKubeconfigAt(mockRke2Kubeconfig("p"), ip)) as {
          clusters: { cluster: { server: string } }[];
        };
        expect(doc.clusters[0]!.cluster.server).toBe(`https://${ip}:6443`);
      }),
    );
  });

  test("not a kubeconfig: an error that does not echo the text (it holds the admin key)", () => {
    const secretish = "client-key-data: c2VjcmV0\n";
    expect(() => pointKubeconfigAt(secretish, "10.0.0.1")).toThrow("has no clusters entry");
    try {
      pointKubeconfigAt(`${secretish}: : [`, "10.0.0.1");
    } catch (e) {
      expect(String(e)).not.toContain("c2VjcmV0");
    }
  });

  test("the remote command is a constant that waits for /readyz before printing the file", () => {
    expect(FETCH_KUBECONFIG_COMMAND).toContain("get --raw /readyz");
    expect(FETCH_KUBECONFIG_COMMAND.indexOf("/readyz")).toBeLessThan(
      FETCH_KUBECONFIG_COMMAND.indexOf('cat "$k"'),
    );
    expect(FETCH_KUBECONFIG_COMMAND).toContain("/etc/rancher/rke2/rke2.yaml");
  });
});

describe("the management stack rancher-prod", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInMocks("rancher-prod");
  });

  test("kubeconfig from its node: ED25519 key pair with secret private halves; public key only on the bootstrap server", () => {
    const [key] = byType(run.resources, KEY);
    expect(key!.inputs.algorithm).toBe("ED25519");
    expect(key!.options.additionalSecretOutputs).toEqual(
      expect.arrayContaining(["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"]),
    );
    const vms = byType(run.resources, VM);
    const withKey = vms.filter((vm) =>
      secretValue(vm.inputs.cloudConfig).includes("cluster-orchestrator mock"),
    );
    expect(withKey.map((vm) => vm.name)).toEqual(["rancher-prod-server-1"]);
  });

  test("the fetch command: secret connection key, no logging, secret stdout, after every VM, at the bootstrap server", () => {
    const [fetch] = byType(run.resources, COMMAND);
    const inputs = fetch!.inputs as { connection: unknown; logging: string; create: string };
    expect(inputs.logging).toBe("none");
    expect(inputs.create).toBe(FETCH_KUBECONFIG_COMMAND);
    // The whole connection (with its private key) is a secret input.
    expect(isMockSecret(inputs.connection)).toBe(true);
    const connection = (inputs.connection as { value: Record<string, unknown> }).value;
    expect(String(connection.privateKey)).toContain("OPENSSH PRIVATE KEY");
    expect(connection.host).toBe("10.20.10.11");
    expect(connection.user).toBe("ops");
    expect(fetch!.options.additionalSecretOutputs).toEqual(expect.arrayContaining(["stdout", "stderr"]));
    for (const vm of byType(run.resources, VM)) expect(fetch!.dependencies).toContain(vm.urn);
  });

  test("the Kubernetes provider: secret kubeconfig pointed at the VIP; the kubeconfig output is secret", async () => {
    const provider = named(run.resources, "rancher-prod-node-access-k8s");
    expect(provider.dependencies).toEqual([named(run.resources, "rancher-prod-node-access-fetch").urn]);
    expect(secretValue(provider.inputs.kubeconfig)).toContain("server: https://10.20.10.10:6443");
    expect(await isSecret(run.raw.kubeconfig)).toBe(true);
  });

  test("Helm after the cluster is reachable: cert-manager, then Rancher, both pinned, on the node's provider", () => {
    const provider = named(run.resources, "rancher-prod-node-access-k8s");
    const certManager = named(run.resources, "rancher-prod-rancher-server-cert-manager");
    const rancher = named(run.resources, "rancher-prod-rancher-server-rancher");
    for (const r of [certManager, rancher]) expect(r.provider).toBe(provider.urn);
    expect(rancher.dependencies).toContain(certManager.urn);
    expect(certManager.inputs).toMatchObject({
      chart: "cert-manager",
      version: MANAGEMENT_CHARTS.certManager.version,
      namespace: "cert-manager",
      values: { crds: { enabled: true } },
    });
    expect(rancher.inputs).toMatchObject({
      chart: "rancher",
      version: MANAGEMENT_CHARTS.rancher.version,
      namespace: "cattle-system",
    });
    // The values carry the bootstrap password: the whole object is a secret input.
    expect(isMockSecret(rancher.inputs.values)).toBe(true);
    const values = (rancher.inputs.values as { value: Record<string, unknown> }).value;
    expect(values.hostname).toBe("rancher.lab.example.net");
    expect(values.replicas).toBe(3);
    expect(values.ingress).toEqual({ tls: { source: "rancher" } });
    expect(String(values.bootstrapPassword)).toMatch(/^tok/);
    expect(byType(run.resources, RELEASE)).toHaveLength(2);
  });

  test("bootstrap provider after Rancher, trusting the CA read from the cluster; outputs URL, CA checksum, secret token", async () => {
    const rancher = named(run.resources, "rancher-prod-rancher-server-rancher");
    const provider = named(run.resources, "rancher-prod-rancher-server-bootstrap");
    expect(provider.dependencies).toContain(rancher.urn);
    expect(provider.inputs).toMatchObject({ apiUrl: "https://rancher.lab.example.net", bootstrap: "true" });
    expect(provider.inputs.caCerts).toBe(MOCK_RANCHER_CA);
    expect(provider.inputs.insecure).not.toBe("true");
    const [bootstrap] = byType(run.resources, BOOTSTRAP);
    expect(bootstrap!.provider).toBe(provider.urn);
    expect(bootstrap!.options.additionalSecretOutputs).toContain("token");
    expect(run.outputs.rancherUrl).toBe("https://rancher.lab.example.net");
    expect(run.outputs.rancherCaChecksum).toBe(createHash("sha256").update(MOCK_RANCHER_CA).digest("hex"));
    expect(await isSecret(run.raw.rancherToken)).toBe(true);
    expect(await isSecret(run.raw.rancherAdminPassword)).toBe(true);
    expect(run.outputs.rancherDnsRecord).toEqual({
      name: "rancher.lab.example.net",
      type: "A",
      value: "10.20.10.10",
    });
  });

  test("no Rancher registration of its own, no StackReference provider", () => {
    expect(run.resources.filter((r) => r.type.startsWith("rancher2:") && r.type !== BOOTSTRAP)).toEqual([]);
    expect(byType(run.resources, RANCHER_PROVIDER).map((r) => r.name)).toEqual([
      "rancher-prod-rancher-server-bootstrap",
    ]);
  });

  test("RKE2 of every environment is inside the Rancher chart's kubeVersion", () => {
    for (const env of ["dev", "prod"]) {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${env}.yaml`), "utf8");
      const version = /version: (v\S+)/.exec(text)![1]!;
      expect(chartKubeProblem(MANAGEMENT_CHARTS.rancher, version)).toBeNull();
    }
    expect(chartKubeProblem(MANAGEMENT_CHARTS.rancher, "v1.35.0+rke2r1")).toContain("kubeVersion (< 1.35.0)");
  });
});

describe("use-case stacks read the management stack through a StackReference", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInMocks("legal-ai-prod");
  });

  test("every rancher2 resource uses the explicit provider built from the management stack's outputs", () => {
    const provider = named(run.resources, "legal-ai-prod-rancher2");
    expect(provider.inputs.apiUrl).toBe("https://rancher.lab.example.net");
    expect(provider.inputs.caCerts).toBe(MOCK_RANCHER_CA);
    expect(secretValue(provider.inputs.tokenKey)).toMatch(/^mgmt-/);
    const rancher2 = run.resources.filter((r) => r.type.startsWith("rancher2:"));
    expect(rancher2.length).toBeGreaterThan(0);
    for (const r of rancher2) expect(r.provider).toBe(provider.urn);
  });

  test("the deregistration carries the management stack's URL and a secret token for destroy", () => {
    const [dereg] = byType(run.resources, DEREGISTRATION);
    expect(dereg!.inputs.rancherUrl).toBe("https://rancher.lab.example.net");
    expect(secretValue(dereg!.inputs.rancherToken)).toMatch(/^mgmt-/);
    expect(dereg!.options.additionalSecretOutputs).toContain("rancherToken");
  });

  test("the management stack's CA checksum reaches the bootstrap server's boot environment", () => {
    const sum = createHash("sha256").update(MOCK_RANCHER_CA).digest("hex");
    const bootstrap = byType(run.resources, VM).find((vm) => vm.name === "legal-ai-prod-server-1")!;
    expect(secretValue(bootstrap.inputs.cloudConfig)).toContain(sum);
  });

  test("a management stack with no outputs yet: one clear error, nothing registered", async () => {
    const mocks = new XoMocks(
      inventoryFor(loadStack("legal-ai-prod", { rootDir: PROJECT_ROOT, profiles }).spec),
    );
    mocks.stackOutputs.set("rancher-prod", {});
    const recorded = installRecordingMocks(mocks, "cluster-orchestrator", "legal-ai-prod");
    try {
      await expect(Promise.resolve(runProgram("legal-ai-prod"))).rejects.toThrow(
        /rancher\.managementStack 'rancher-prod': output 'rancherUrl' is missing .*output 'rancherToken' is missing .*Nothing was created/,
      );
      expect(recorded).toEqual([]);
    } finally {
      await pulumi.runtime.disconnect();
    }
  });
});

describe("rancher.mode none with workloads (issue 11: they used to be refused)", () => {
  const dir = copyProjectConfig();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  test("legal-ai-dev without Rancher installs its releases through the node kubeconfig's provider", async () => {
    const file = path.join(dir, "stacks", "Pulumi.legal-ai-dev.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    doc.config["cluster-orchestrator:rancher"] = { mode: "none" };
    fs.writeFileSync(file, stringify(doc));
    const run = await runInMocks("legal-ai-dev", dir);
    const provider = named(run.resources, "legal-ai-dev-node-access-k8s");
    const releases = byType(run.resources, RELEASE);
    expect(releases.length).toBeGreaterThan(0);
    for (const r of releases) expect(r.provider).toBe(provider.urn);
    expect(
      run.resources.filter((r) => r.type.startsWith("rancher2:") || r.type === RANCHER_PROVIDER),
    ).toEqual([]);
  });
});

describe("managementAccessFrom (pure)", () => {
  const good = {
    url: { value: "https://rancher.lab.example.net" },
    caCert: { value: MOCK_RANCHER_CA },
    caChecksum: { value: "a".repeat(64) },
    token: { secretValue: "token-x:y" },
  };
  test("complete outputs give the access; the token stays secret", async () => {
    const result = managementAccessFrom("rancher-prod", good);
    if (!("access" in result)) throw new Error(result.problems.join("; "));
    expect(result.access.url).toBe("https://rancher.lab.example.net");
    expect(await pulumi.isSecret(result.access.token)).toBe(true);
  });
  test("a plain (non-secret) token, an http URL, a bad checksum: every problem at once", () => {
    const result = managementAccessFrom("rancher-prod", {
      ...good,
      url: { value: "http://rancher" },
      caChecksum: { value: "xyz" },
      token: { value: "plain" },
    });
    expect("problems" in result && result.problems).toEqual([
      "output 'rancherUrl' is not an https URL",
      "output 'rancherToken' is not a secret; refusing to use it",
      "output 'rancherCaChecksum' is not a sha256 hex digest",
    ]);
  });
  // Review 3: a token the engine could not decrypt is elided (pulumi/pulumi#19533); "bring it up
  // first" would send the operator the wrong way when the URL is plainly there.
  test("URL present, token absent: the message names the secrets provider, not only a missing up", () => {
    const result = managementAccessFrom("rancher-prod", { ...good, token: undefined });
    const problems = "problems" in result ? result.problems : [];
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^'rancher-prod' has a URL but no readable token: .*same passphrase\/secrets provider and backend/,
      ),
    );
    const none = managementAccessFrom("rancher-prod", { ...good, url: undefined, token: undefined });
    expect("problems" in none && none.problems.some((p) => p.includes("no readable token"))).toBe(false);
  });
  test("no CA (a public certificate) is allowed", () => {
    const result = managementAccessFrom("rancher-prod", {
      ...good,
      caCert: undefined,
      caChecksum: undefined,
    });
    expect("access" in result && result.access.caCert).toBe("");
  });
});

describe("cross-stack checks know the management stack", () => {
  let dir: string;
  beforeEach(() => {
    dir = copyProjectConfig();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const edit = (stack: string, change: (c: Record<string, unknown>) => void) => {
    const file = path.join(dir, "stacks", `Pulumi.${stack}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    change(doc.config);
    fs.writeFileSync(file, stringify(doc));
  };
  const problems = (stack: string) => {
    try {
      loadStack(stack, { rootDir: dir, profiles });
    } catch (e) {
      if (e instanceof ConfigError) return e.problems.map((p) => `${p.key}: ${p.message}`);
      throw e;
    }
    return [];
  };

  test("the repo's stacks pass", () => {
    for (const s of ["rancher-prod", "legal-ai-dev", "healthcare-prod"]) expect(problems(s)).toEqual([]);
  });
  test("its cluster number is unique across environments (a dev stack cannot take 10)", () => {
    edit("legal-ai-dev", (c) => {
      c["cluster-orchestrator:cluster"] = { number: 10 };
    });
    expect(problems("legal-ai-dev")).toContainEqual(
      expect.stringMatching(
        /^cluster-orchestrator:cluster.number: cluster number 10 is also used by stack rancher-prod/,
      ),
    );
    expect(problems("rancher-prod")).toContainEqual(
      expect.stringContaining("also used by stack legal-ai-dev"),
    );
  });
  test("it runs Rancher: rancher.mode must be none", () => {
    edit("rancher-prod", (c) => {
      c["cluster-orchestrator:rancher"] = { mode: "import" };
    });
    expect(problems("rancher-prod")).toContain(
      "cluster-orchestrator:rancher.mode: the management stack runs Rancher itself: set rancher.mode: none",
    );
  });
  test("managementStack must name a management stack in stacks/", () => {
    edit("legal-ai-dev", (c) => {
      c["cluster-orchestrator:rancher"] = { managementStack: "healthcare-dev" };
    });
    expect(problems("legal-ai-dev")).toContain(
      "cluster-orchestrator:rancher.managementStack: stack 'healthcare-dev' is not a management stack (its use case installs no Rancher)",
    );
    edit("legal-ai-dev", (c) => {
      c["cluster-orchestrator:rancher"] = { managementStack: "rancher-dev" };
    });
    expect(problems("legal-ai-dev")).toContain(
      "cluster-orchestrator:rancher.managementStack: no stack 'rancher-dev' in stacks/ (stacks/Pulumi.rancher-dev.yaml)",
    );
  });
  // Review 3: the node kubeconfig is read with `sudo sh -c` (components/plan/kubeconfig.ts); a
  // restricted admin sudo used to pass here and fail the remote command after the VMs existed.
  test("kubeconfig from the node needs the admin user's sudo all; a Rancher kubeconfig does not", () => {
    const restrict = (stack: string, adminSudo: unknown) =>
      edit(stack, (c) => {
        c["cluster-orchestrator:nodes"] = { ...(c["cluster-orchestrator:nodes"] as object), adminSudo };
      });
    restrict("rancher-prod", "none");
    restrict("legal-ai-dev", "none");
    const sudoProblem =
      /^cluster-orchestrator:nodes\.adminSudo: kubeconfig\.source is node .*sudo "all", not "none"/;
    expect(problems("rancher-prod")).toContainEqual(expect.stringMatching(sudoProblem));
    expect(problems("legal-ai-dev").filter((p) => p.includes("adminSudo"))).toEqual([]);
    restrict("rancher-prod", ["/usr/bin/journalctl"]);
    expect(problems("rancher-prod")).toContainEqual(
      expect.stringMatching(/nodes\.adminSudo: kubeconfig\.source is node/),
    );
  });
  test("only the management stack takes the management key", () => {
    edit("legal-ai-dev", (c) => {
      c["cluster-orchestrator:management"] = { tls: "secret" };
    });
    expect(problems("legal-ai-dev")).toContainEqual(
      expect.stringMatching(/^cluster-orchestrator:management: only a management stack/),
    );
  });
});

describe("management.tls: secret with a private CA (review 3)", () => {
  // Not a real CA: only the marker the schema asks for; the chart mounts the text as it is.
  const PEM = "-----BEGIN CERTIFICATE-----\nTUlJQ3Jldmlldw==\n-----END CERTIFICATE-----\n";
  let dir: string;
  let run: ProgramRun;
  beforeAll(async () => {
    dir = copyProjectConfig();
    const file = path.join(dir, "stacks", "Pulumi.rancher-prod.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    doc.config["cluster-orchestrator:management"] = { tls: "secret", privateCaCert: PEM };
    fs.writeFileSync(file, stringify(doc));
    run = await runInMocks("rancher-prod", dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // rancher/rancher chart/templates/deployment.yaml: privateCA mounts Secret tls-ca (cacerts.pem),
  // not optional; a missing Secret keeps Rancher's pod from starting and the atomic release fails.
  test("the program creates cattle-system/tls-ca with the PEM before the Rancher release", () => {
    const rancher = named(run.resources, "rancher-prod-rancher-server-rancher");
    const values = (rancher.inputs.values as { value: Record<string, unknown> }).value;
    expect(values.privateCA).toBe(true);
    expect(values.ingress).toEqual({ tls: { source: "secret" } });
    const secret = named(run.resources, "rancher-prod-rancher-server-tls-ca");
    expect(secret.type).toBe("kubernetes:core/v1:Secret");
    expect(secret.inputs.metadata).toEqual({ name: "tls-ca", namespace: "cattle-system" });
    // The SDK marks a Secret's stringData secret (a public PEM here, but that is harmless).
    expect((secret.inputs.stringData as { value: unknown }).value).toEqual({ "cacerts.pem": PEM });
    expect(secret.provider).toBe(rancher.provider);
    expect(rancher.dependencies).toContain(secret.urn);
  });

  test("the default (Rancher's own CA) adds no resource: tls-ca exists only with a private CA", async () => {
    const plain = await runInMocks("rancher-prod");
    expect(
      plain.resources.filter((r) => r.name.endsWith("-tls-ca") || r.name.endsWith("-cattle-system")),
    ).toEqual([]);
  });
});
