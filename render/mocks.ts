/**
 * The SDK's mock runtime, answering as a small XO would: invokes resolve names from the
 * simulated inventory (failing on unknown names), and resources get deterministic ids. Every
 * registration is recorded, including what the engine would receive but mocks do not show
 * (parent, dependencies, resource options), read from the monitor's registration request.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { hostFigures, hostsAnswer, srSize } from "./capacityInventory";
import { fakeId, type SimulatedXo } from "./inventory";

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  parent: string | null;
  /** URN of the explicit provider it was registered with (the engine orders it after it too). */
  provider: string | null;
  /** URNs of every resource this one depends on (explicit dependsOn and through its inputs). */
  dependencies: string[];
  inputs: Record<string, unknown>;
  options: {
    protect: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    additionalSecretOutputs: string[];
    customTimeouts: { create: string; update: string; delete: string } | null;
    retainOnDelete: boolean;
  };
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A real ed25519 public key (generated for the mocks; its private half was never kept). */
export const MOCK_ADMIN_PUBLIC_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIqzLTnQNj2E5rUmUPJ9CHzd0e1R/fT1Y8988Vn8hYSM cluster-orchestrator mock\n";

/** Shaped as RKE2 writes /etc/rancher/rke2/rke2.yaml (server on loopback); the key data is fake. */
export function mockRke2Kubeconfig(id: string): string {
  return [
    "apiVersion: v1",
    "clusters:",
    "- cluster:",
    "    certificate-authority-data: bW9jay1jYQ==",
    "    server: https://127.0.0.1:6443",
    "  name: default",
    "contexts:",
    "- context:",
    "    cluster: default",
    "    user: default",
    "  name: default",
    "current-context: default",
    "kind: Config",
    "preferences: {}",
    "users:",
    "- name: default",
    "  user:",
    `    client-certificate-data: bW9jay1jZXJ0LSR7${Buffer.from(id).toString("base64")}`,
    `    client-key-data: bW9jay1rZXktJHtpZH0=`,
    "",
  ].join("\n");
}

export const MOCK_RANCHER_CA =
  "-----BEGIN CERTIFICATE-----\nbW9jay1yYW5jaGVyLWNh\n-----END CERTIFICATE-----\n";

/** The outputs of a management stack that has been brought up (components/management/reference.ts). */
export function mockManagementOutputs(token: string): Record<string, unknown> {
  return {
    rancherUrl: "https://rancher.lab.example.net",
    rancherCaCert: MOCK_RANCHER_CA,
    rancherCaChecksum: createHash("sha256").update(MOCK_RANCHER_CA).digest("hex"),
    rancherToken: token,
  };
}

/** True for a secret value as the mock runtime hands it over ({ <sig>: <secret sig>, value }). */
export function isMockSecret(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.values(value).includes(SECRET_SIG) &&
    "value" in value
  );
}

export class XoMocks implements pulumi.runtime.Mocks {
  readonly calls: pulumi.runtime.MockCallArgs[] = [];
  /** Secret values this fake handed out (token, registration URL, kubeconfig): the render redacts them. */
  readonly secretValues = new Set<string>();
  /**
   * State the engine would keep for a resource whose inputs it ignores (ignoreChanges): keyed by
   * resource name. Lets a test replay an update against earlier state, as `pulumi up` would.
   */
  readonly priorState = new Map<string, Record<string, unknown>>();

  /** Outputs of referenced stacks by name; absent: a management stack that is up (mockManagementOutputs). */
  readonly stackOutputs = new Map<string, Record<string, unknown>>();

  private secret(value: string): string {
    this.secretValues.add(value);
    return value;
  }

  constructor(private readonly xo: SimulatedXo) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const id = fakeId(args.type, args.name);
    const inputs = args.inputs as Record<string, unknown>;
    switch (args.type) {
      case "xenorchestra:index/xoaNetwork:XoaNetwork":
        if (!this.xo.pifDevices.includes(String(inputs.sourcePifDevice))) {
          throw new Error(`simulated XO: no PIF device '${String(inputs.sourcePifDevice)}' in the pool`);
        }
        return { id, state: { ...inputs, bridge: `xapi${id.slice(0, 4)}` } };
      case "xenorchestra:index/vm:Vm":
        return { id, state: { ...inputs, powerState: "Running" } };
      case "random:index/randomPassword:RandomPassword":
        return {
          id,
          state: {
            ...inputs,
            result: this.secret(`tok${id.replace(/-/g, "")}`),
            bcryptHash: this.secret(`$2a$10$bcrypt${id.replace(/-/g, "")}`),
          },
        };
      // Private keys (the cluster CA, components/rke2/clusterCa.ts; the node-kubeconfig key pair,
      // components/access/): fake PEMs, handed out as secrets.
      case "tls:index/privateKey:PrivateKey":
        return {
          id,
          state: {
            ...inputs,
            // The body line is the secret, so the render's redaction (by value, per line) finds it.
            privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${this.secret(`fakekey${id.replace(/-/g, "")}`)}\n-----END PRIVATE KEY-----\n`,
            publicKeyOpenssh: MOCK_ADMIN_PUBLIC_KEY,
            privateKeyOpenssh: this.secret(`-----BEGIN OPENSSH PRIVATE KEY-----\nmock-${id}\n`),
          },
        };
      case "tls:index/selfSignedCert:SelfSignedCert":
        return {
          id,
          state: {
            ...inputs,
            certPem: `-----BEGIN CERTIFICATE-----\nfake${id}\n-----END CERTIFICATE-----\n`,
          },
        };
      case "random:index/randomString:RandomString":
        return { id, state: { ...inputs, ...this.priorState.get(args.name), result: id.slice(0, 8) } };
      case "rancher2:index/cluster:Cluster": {
        const url = this.secret(
          `https://rancher.example.net/v3/import/${id.replace(/-/g, "")}_c-m-${id.slice(0, 5)}.yaml`,
        );
        return {
          id: `c-${id.slice(0, 5)}`,
          state: { ...inputs, clusterRegistrationToken: { manifestUrl: url, token: id } },
        };
      }
      case "rancher2:index/clusterV2:ClusterV2": {
        const command = this.secret(
          `curl -fL https://rancher.example.net/system-agent-install.sh | sudo sh -s - --server https://rancher.example.net --token ${id}`,
        );
        const token = {
          nodeCommand: command,
          insecureNodeCommand: command.replace("curl -fL", "curl --insecure -fL"),
        };
        return {
          id: `fleet-default/${String(inputs.name)}`,
          state: { ...inputs, clusterV1Id: `c-m-${id.slice(0, 8)}`, clusterRegistrationToken: token },
        };
      }
      case "rancher2:index/clusterSync:ClusterSync":
        return {
          id,
          state: {
            ...inputs,
            kubeConfig: this.secret(
              `apiVersion: v1\nkind: Config\n# kubeconfig for ${String(inputs.clusterId)} (${id})\n`,
            ),
          },
        };
      // --- rancher (issue 11): node kubeconfig, management stack, StackReference ---
      case "command:remote:Command":
        return {
          id,
          state: {
            ...inputs,
            stdout: this.secret(mockRke2Kubeconfig(id)),
            stderr: "",
          },
        };
      case "kubernetes:core/v1:Secret":
        if (args.id === "cattle-system/tls-rancher") {
          return {
            id: args.id,
            state: { data: { "tls.crt": Buffer.from(MOCK_RANCHER_CA).toString("base64") } },
          };
        }
        return { id, state: inputs };
      case "rancher2:index/bootstrap:Bootstrap":
        return {
          id,
          state: {
            ...inputs,
            url: "https://rancher.lab.example.net",
            token: this.secret(`bootstrap-${id.replace(/-/g, "")}`),
            currentPassword: inputs.password,
          },
        };
      case "pulumi:pulumi:StackReference": {
        const name = String(inputs.name);
        const outputs =
          this.stackOutputs.get(name) ?? mockManagementOutputs(this.secret(`mgmt-${fakeId("token", name)}`));
        return {
          id: name,
          state: {
            name,
            outputs,
            secretOutputNames: Object.keys(outputs).filter((k) => k === "rancherToken"),
          },
        };
      }
      default:
        return { id, state: inputs };
    }
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.calls.push(args);
    const inputs = args.inputs as Record<string, string>;
    const find = (kind: string, names: string[]) => {
      const name = inputs.nameLabel ?? "";
      if (!names.includes(name)) throw new Error(`simulated XO: no ${kind} named '${name}'`);
      return {
        id: fakeId(kind, name),
        nameLabel: name,
        uuid: fakeId(kind, name),
        poolId: inputs.poolId ?? "",
      };
    };
    switch (args.token) {
      case "xenorchestra:index/getXoaPool:getXoaPool":
        return {
          ...find("pool", this.xo.pools),
          master: fakeId("host", "master"),
          cpus: {},
          description: "",
        };
      case "xenorchestra:index/getXoaTemplate:getXoaTemplate":
        return { ...find("template", this.xo.templates), bootFirmware: "uefi" };
      case "xenorchestra:index/getXoaStorageRepository:getXoaStorageRepository":
        return {
          ...find("storage repository", this.xo.srs),
          srType: "ext",
          container: "",
          size: srSize(this.xo, inputs.nameLabel ?? ""),
          usage: 0,
          physicalUsage: 0,
        };
      case "xenorchestra:index/getXoaHost:getXoaHost":
        return {
          ...find("host", this.xo.hosts),
          ...hostFigures(this.xo, inputs.nameLabel ?? ""),
          memoryUsage: 0,
          tags: [],
        };
      case "xenorchestra:index/getXoaHosts:getXoaHosts":
        return hostsAnswer(this.xo, inputs);
      case "xenorchestra:index/getXoaNetwork:getXoaNetwork":
        return { ...find("network", this.xo.networks), bridge: "xenbr1" };
      default:
        throw new Error(`simulated XO: no mock for ${args.token}`);
    }
  }
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getRetainondelete(): boolean | undefined;
}

interface MonitorWithRegister {
  registerResource(req: RegisterRequest, callback: (err: unknown, res?: { getUrn(): string }) => void): void;
}

/**
 * Installs the mocks for one stack and records each registration. The request is what the real
 * engine would receive; the mock monitor only forwards type, name and inputs to newResource.
 */
export function installRecordingMocks(
  mocks: XoMocks,
  project: string,
  stack: string,
  preview = false,
): RecordedResource[] {
  const recorded: RecordedResource[] = [];
  const inputsByUrn = new Map<string, Record<string, unknown>>();
  const wrapped: pulumi.runtime.Mocks = {
    newResource: (args) => {
      const result = mocks.newResource(args);
      inputsByUrn.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
      return result;
    },
    call: (args) => mocks.call(args),
  };
  // setMocks does all its work synchronously; its promise carries nothing to wait for.
  void pulumi.runtime.setMocks(wrapped, project, stack, preview);
  // The mock monitor is the SDK's own object; we only observe its registration requests.
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, res) => {
      if (!err && res) {
        const timeouts = req.getCustomtimeouts();
        recorded.push({
          type: req.getType(),
          name: req.getName(),
          urn: res.getUrn(),
          parent: req.getParent() || null,
          // A provider reference is `<provider URN>::<provider id>`.
          provider: req.getProvider()
            ? req.getProvider().slice(0, req.getProvider().lastIndexOf("::"))
            : null,
          dependencies: [...req.getDependenciesList()].sort(),
          inputs: inputsByUrn.get(`${req.getType()}::${req.getName()}`) ?? {},
          options: {
            protect: req.getProtect(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            customTimeouts: timeouts
              ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() }
              : null,
            retainOnDelete: req.getRetainondelete() ?? false,
          },
        });
      }
      callback(err, res);
    });
  return recorded;
}
