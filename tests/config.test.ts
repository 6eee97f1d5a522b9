/**
 * The config loader: the real stacks, merge precedence, and a table of bad configurations, each
 * naming its key and its file.
 */
import * as path from "path";
import { ConfigError, type ConfigProblem } from "../components/config/errors";
import { loadStack, type LoadedStack } from "../components/stack/load";
import { mergeLayers, sourceOf } from "../components/config/merge";
import { listStacks } from "../components/config/sources";
import { overlaps, parseCidr } from "../components/lib/ipv4";
import { profiles } from "../stacks/profiles";
import {
  envLayer,
  SSH_KEY,
  stackValues,
  useTempProjects,
  type ProjectFiles,
  type RawInput,
} from "./helpers/fixtures";

const REPO = path.resolve(__dirname, "..");
const tempProject = useTempProjects();

/** The error loadStack throws (fails the test when it does not throw a ConfigError). */
function configErrorOf(rootDir: string, stack: string): ConfigError {
  try {
    loadStack(stack, { rootDir, profiles });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected loadStack(${stack}) to throw a ConfigError`);
}

const SELF = "legal-ai-dev";
const SELF_FILE = "stacks/Pulumi.legal-ai-dev.yaml";
const ENV_FILE = "Pulumi.dev.yaml";

/** Two valid dev stacks (legal-ai cluster 1, healthcare cluster 2) over a valid dev layer. */
type Project = ProjectFiles & {
  environments: Record<string, RawInput>;
  stacks: Record<string, RawInput | string>;
};

function baseProject(): Project {
  return {
    environments: { dev: envLayer("dev") },
    stacks: {
      "legal-ai-dev": stackValues("legal-ai", "dev", 1),
      "healthcare-dev": stackValues("healthcare", "dev", 2),
    },
  };
}

function project(modify: (p: Project) => void): string {
  const p = baseProject();
  modify(p);
  return tempProject(p);
}

describe("the real stacks", () => {
  const stacks = listStacks(REPO);
  const loaded: LoadedStack[] = stacks.map((stack) => loadStack(stack, { rootDir: REPO, profiles }));

  test("six use-case stacks and the management stack, named <useCase>-<environment>", () => {
    expect(stacks).toEqual([
      "accounting-analytics-dev",
      "accounting-analytics-prod",
      "healthcare-dev",
      "healthcare-prod",
      "legal-ai-dev",
      "legal-ai-prod",
      "rancher-prod",
    ]);
    for (const { stack, spec } of loaded) expect(stack).toBe(`${spec.useCase}-${spec.environment}`);
  });

  test.each(stacks)("%s merges profile < environment layer < stack file", (stack) => {
    const { spec, files, plan } = loaded.find((l) => l.stack === stack)!;
    expect(files).toEqual([
      `stacks/${spec.useCase}.ts`,
      `Pulumi.${spec.environment}.yaml`,
      `stacks/Pulumi.${stack}.yaml`,
    ]);
    expect(plan.nodes.length).toBeGreaterThan(0);
    expect(spec.protect).toBe(spec.environment === "prod");
  });

  test.each(["dev", "prod"])(
    "%s: unique cluster numbers, VLANs, host names, addresses and MACs; disjoint subnets",
    (env) => {
      const inEnv = loaded.filter((l) => l.spec.environment === env);
      // prod also holds the management stack rancher-prod (issue 11).
      expect(inEnv).toHaveLength(env === "prod" ? 4 : 3);
      const all = <T>(f: (l: LoadedStack) => T[]) => inEnv.flatMap(f);
      const unique = (values: unknown[]) => expect(new Set(values).size).toBe(values.length);
      unique(all((l) => [l.plan.cluster.number]));
      unique(all((l) => [l.plan.network.vlan]));
      unique(all((l) => l.plan.nodes.map((n) => n.hostname)));
      unique(all((l) => l.plan.nodes.map((n) => n.mac)));
      unique(all((l) => l.plan.nodes.flatMap((n) => (n.ip === null ? [] : [n.ip]))));
      unique(all((l) => l.plan.dnsRecords.map((r) => r.name)));
      for (const a of inEnv)
        for (const b of inEnv)
          if (a !== b)
            expect(overlaps(parseCidr(a.plan.network.cidr), parseCidr(b.plan.network.cidr))).toBe(false);
    },
  );

  test("VLANs, subnets and MACs are also unique across environments sharing the XO pool", () => {
    const vlans = loaded.map((l) => l.plan.network.vlan);
    const macs = loaded.flatMap((l) => l.plan.nodes.map((n) => n.mac));
    expect(new Set(vlans).size).toBe(vlans.length);
    expect(new Set(macs).size).toBe(macs.length);
    const cidrs = loaded.map((l) => parseCidr(l.plan.network.cidr));
    cidrs.forEach((a, i) => cidrs.forEach((b, j) => i !== j && expect(overlaps(a, b)).toBe(false)));
  });

  test("healthcare-prod: the stack file's pool override lands on the profile's pool", () => {
    const { plan } = loaded.find((l) => l.stack === "healthcare-prod")!;
    const servers = plan.nodes.filter((n) => n.role === "server");
    expect(servers.map((n) => [n.hostname, n.ip, n.affinityHost])).toEqual([
      ["cluster3-server1", "10.20.3.11", "xcp-ng-01"],
      ["cluster3-server2", "10.20.3.12", "xcp-ng-01"],
      ["cluster3-server3", "10.20.3.13", "xcp-ng-01"],
    ]);
    expect(plan.network.registrationAddress).toBe("10.20.3.10");
  });

  test("loading does not mutate the use-case profiles", () => {
    const before = JSON.stringify(profiles);
    for (const stack of stacks) loadStack(stack, { rootDir: REPO, profiles });
    expect(JSON.stringify(profiles)).toBe(before);
  });
});

describe("merge precedence", () => {
  test("stack file > environment layer > profile > code defaults; arrays replace, not append", () => {
    const root = project((p) => {
      const env = p.environments.dev!;
      env.nodes.sshAuthorizedKeys = [SSH_KEY, `${SSH_KEY}-second`];
      env.nodes.packages = ["curl", "jq"];
      env.network.mtu = 9000;
      env.network.resolvers = ["10.10.0.2", "10.10.0.3"];
      env.pools = { worker: { count: 3, cpus: 6, taints: ["a=b:NoSchedule", "c=d:NoSchedule"] } };
      const stack = p.stacks[SELF] as RawInput;
      stack.nodes = { sshAuthorizedKeys: [`${SSH_KEY}-stack`] };
      stack.network = { resolvers: ["192.0.2.53"] };
      stack.pools = { worker: { count: 4, taints: ["e=f:NoExecute"] } };
    });
    const { spec, plan } = loadStack(SELF, { rootDir: root, profiles });
    const worker = spec.pools.worker!;
    expect(worker.count).toBe(4); // stack file over env layer (3) over profile (2)
    expect(worker.cpus).toBe(6); // env layer over profile (4)
    expect(worker.memoryMiB).toBe(16384); // profile
    expect(worker.dataDiskGiB).toBe(100); // profile
    expect(worker.taints).toEqual(["e=f:NoExecute"]); // replaced, not appended
    expect(spec.nodes.sshAuthorizedKeys).toEqual([`${SSH_KEY}-stack`]);
    expect(spec.nodes.packages).toEqual(["curl", "jq"]); // env layer, untouched by the stack
    expect(spec.nodes.adminUser).toBe("ops");
    expect(spec.nodes.timezone).toBe("UTC"); // code default
    expect(spec.network.resolvers).toEqual(["192.0.2.53"]);
    expect(spec.network.mtu).toBe(9000);
    expect(spec.network.vlanBase).toBe(100); // env layer survives the stack's partial `network`
    expect(spec.network.layout).toEqual({ reserved: 8, serverBlock: 9, workerSlotSize: 40, workerSlots: 4 });
    expect(spec.cluster.hostnamePattern).toBe("cluster{cluster}-{pool}{index}");
    expect(plan.nodes.filter((n) => n.pool === "worker")).toHaveLength(4);
    expect(plan.network.resolvers).toEqual(["192.0.2.53"]);
  });

  test("a stack can replace the environment's scalar with its own and add keys the layer lacks", () => {
    const root = project((p) => {
      Object.assign(p.stacks[SELF] as RawInput, {
        protect: true,
        xo: { template: "debian-12-cloudinit" },
        cluster: { number: 1, name: "rag", vlan: 42 },
      });
    });
    const { spec, plan } = loadStack(SELF, { rootDir: root, profiles });
    expect(spec.protect).toBe(true);
    expect(spec.xo).toMatchObject({ pool: "homelab", template: "debian-12-cloudinit", createTimeout: "20m" });
    expect(plan.cluster.name).toBe("rag");
    expect(plan.network.vlan).toBe(42);
  });

  test("mergeLayers records which layer set each key", () => {
    const merged = mergeLayers([
      { source: "profile", values: { pools: { w: { count: 1, cpus: 2 } } } },
      { source: "env", values: { network: { mtu: 1500, resolvers: ["a", "b"] }, pools: { w: { cpus: 4 } } } },
      { source: "stack", values: { network: { resolvers: ["c"] }, cluster: { number: 1 } } },
    ]);
    expect(merged.values).toEqual({
      pools: { w: { count: 1, cpus: 4 } },
      network: { mtu: 1500, resolvers: ["c"] },
      cluster: { number: 1 },
    });
    expect(sourceOf(merged.provenance, ["pools", "w", "count"])).toBe("profile");
    expect(sourceOf(merged.provenance, ["pools", "w", "cpus"])).toBe("env");
    expect(sourceOf(merged.provenance, ["network", "mtu"])).toBe("env");
    expect(sourceOf(merged.provenance, ["network", "resolvers", 0])).toBe("stack");
    expect(sourceOf(merged.provenance, ["cluster", "vlan"])).toBe("stack"); // nearest enclosing section
    expect(sourceOf(merged.provenance, ["xo", "pool"])).toBeUndefined();
  });

  test("other namespaces (provider settings) are ignored", () => {
    const root = project((p) => {
      (p.stacks[SELF] as RawInput)["xenorchestra:url"] = "wss://xo.example.net";
      p.environments.dev!["rancher2:apiUrl"] = "https://rancher.example.net";
    });
    expect(() => loadStack(SELF, { rootDir: root, profiles })).not.toThrow();
  });

  test("another stack's own mistakes do not fail this stack", () => {
    const root = project((p) => {
      p.stacks["healthcare-dev"] = "config:\n  cluster-orchestrator:cluster: [\n";
    });
    expect(loadStack(SELF, { rootDir: root, profiles }).plan.network.cidr).toBe("10.10.1.0/24");
  });

  test("crossCheck: false skips the other stacks", () => {
    const root = project((p) => ((p.stacks[SELF] as RawInput).cluster.number = 2));
    expect(() => loadStack(SELF, { rootDir: root, profiles, crossCheck: false })).not.toThrow();
    expect(() => loadStack(SELF, { rootDir: root, profiles })).toThrow(ConfigError);
  });
});

interface BadConfig {
  name: string;
  modify: (p: Project) => void;
  /** Stack to load (default legal-ai-dev). */
  stack?: string;
  /** Every problem that must be reported: exact key, exact file, message substring. */
  expected: { key: string; file: string; message: string }[];
  /** Total number of problems, when the row pins it. */
  count?: number;
}

const self = (p: Project) => p.stacks[SELF] as RawInput;

const BAD_CONFIGS: BadConfig[] = [
  {
    name: "VLAN out of range pinned in the stack file",
    modify: (p) => (self(p).cluster.vlan = 5000),
    expected: [{ key: "cluster-orchestrator:cluster.vlan", file: SELF_FILE, message: "<=4094" }],
    count: 1,
  },
  {
    name: "derived VLAN out of range because of the environment's vlanBase",
    modify: (p) => (p.environments.dev!.network.vlanBase = 4093),
    stack: "healthcare-dev",
    expected: [
      {
        key: "cluster-orchestrator:network.vlanBase",
        file: ENV_FILE,
        message: "VLAN 4095 (network.vlanBase 4093 + cluster.number 2) is out of range 1–4094",
      },
    ],
    count: 1,
  },
  {
    name: "even server count set in the stack file",
    modify: (p) => (self(p).pools = { server: { count: 2 } }),
    expected: [
      {
        key: "cluster-orchestrator:pools.server.count",
        file: SELF_FILE,
        message: "odd number of servers for etcd quorum (1, 3, 5…), got 2",
      },
    ],
    count: 1,
  },
  {
    name: "even server count set in the environment layer",
    modify: (p) => (p.environments.dev!.pools = { server: { count: 4 } }),
    expected: [{ key: "cluster-orchestrator:pools.server.count", file: ENV_FILE, message: "got 4" }],
    count: 1,
  },
  {
    name: "pinned subnet overlapping another stack of the same environment",
    modify: (p) => (self(p).cluster.cidr = "10.10.0.0/22"),
    expected: [
      {
        key: "cluster-orchestrator:cluster.cidr",
        file: SELF_FILE,
        message: "subnet 10.10.0.0/22 overlaps 10.10.2.0/24 of stack healthcare-dev",
      },
    ],
    count: 1,
  },
  {
    name: "pinned VLAN used by another stack",
    modify: (p) => (self(p).cluster.vlan = 102),
    expected: [
      {
        key: "cluster-orchestrator:cluster.vlan",
        file: SELF_FILE,
        message: "VLAN 102 is already used by stack healthcare-dev on XO pool 'homelab'",
      },
    ],
    count: 1,
  },
  {
    name: "more nodes than the worker block holds",
    modify: (p) => (self(p).pools = { worker: { count: 41 } }),
    expected: [
      {
        key: "cluster-orchestrator:pools.worker.count",
        file: SELF_FILE,
        message: "41 nodes do not fit: the pool's address block 10.10.1.20–10.10.1.59 holds 40",
      },
    ],
    count: 1,
  },
  {
    name: "cluster number used by another stack of the same environment",
    modify: (p) => (self(p).cluster.number = 2),
    expected: [
      {
        key: "cluster-orchestrator:cluster.number",
        file: SELF_FILE,
        message:
          "cluster number 2 is already used by stack healthcare-dev (stacks/Pulumi.healthcare-dev.yaml)",
      },
      { key: "cluster-orchestrator:cluster.hostnamePattern", file: SELF_FILE, message: "cluster2-server1" },
      { key: "cluster-orchestrator:cluster.vlan", file: SELF_FILE, message: "VLAN 102" },
      { key: "cluster-orchestrator:cluster.cidr", file: SELF_FILE, message: "10.10.2.0/24" },
    ],
  },
  {
    name: "cluster number beyond the supernet",
    modify: (p) => (self(p).cluster.number = 300),
    expected: [
      {
        key: "cluster-orchestrator:cluster.number",
        file: SELF_FILE,
        message: "cluster 300 has no /24 in 10.10.0.0/16 (numbers 1–255 fit)",
      },
    ],
    count: 1,
  },
  {
    name: "misspelt top-level key",
    modify: (p) => (self(p).netwrok = { mtu: 9000 }),
    expected: [{ key: "cluster-orchestrator:netwrok", file: SELF_FILE, message: "unknown key" }],
    count: 1,
  },
  {
    name: "misspelt nested key",
    modify: (p) => (self(p).cluster.vlna = 7),
    expected: [{ key: "cluster-orchestrator:cluster.vlna", file: SELF_FILE, message: "unknown key" }],
    count: 1,
  },
  {
    name: "misspelt key in the environment layer",
    modify: (p) => {
      const network = p.environments.dev!.network;
      network.vlanbase = network.vlanBase;
      delete network.vlanBase;
    },
    expected: [
      { key: "cluster-orchestrator:network.vlanbase", file: ENV_FILE, message: "unknown key" },
      { key: "cluster-orchestrator:network.vlanBase", file: ENV_FILE, message: "expected number" },
    ],
    count: 2,
  },
  {
    name: "wrong type coming from the environment layer",
    modify: (p) => (p.environments.dev!.network.vlanBase = "100"),
    expected: [
      {
        key: "cluster-orchestrator:network.vlanBase",
        file: ENV_FILE,
        message: "expected number, received string",
      },
    ],
    count: 1,
  },
  {
    name: "missing required key in the stack file",
    modify: (p) => delete self(p).cluster.number,
    expected: [{ key: "cluster-orchestrator:cluster.number", file: SELF_FILE, message: "expected number" }],
    count: 1,
  },
  {
    name: "missing required key in the environment layer",
    modify: (p) => delete p.environments.dev!.xo.template,
    expected: [{ key: "cluster-orchestrator:xo.template", file: ENV_FILE, message: "expected string" }],
    count: 1,
  },
  {
    name: "missing required section: the file says where to add it",
    modify: (p) => delete p.environments.dev!.nodes,
    expected: [
      {
        key: "cluster-orchestrator:nodes",
        file: `not set; add it to ${ENV_FILE} or ${SELF_FILE}`,
        message: "expected object",
      },
    ],
    count: 1,
  },
  {
    name: "unknown use case",
    modify: (p) => (p.stacks["robotics-dev"] = stackValues("robotics", "dev", 4)),
    stack: "robotics-dev",
    expected: [
      {
        key: "cluster-orchestrator:useCase",
        file: "stacks/Pulumi.robotics-dev.yaml",
        message: "unknown use case 'robotics'; known: accounting-analytics, healthcare, legal-ai",
      },
    ],
  },
  {
    name: "stack name does not match <useCase>-<environment>",
    modify: (p) => (self(p).useCase = "healthcare"),
    expected: [
      {
        key: "cluster-orchestrator:useCase",
        file: SELF_FILE,
        message: "stack 'legal-ai-dev' must be named <useCase>-<environment> ('healthcare-dev')",
      },
    ],
    count: 1,
  },
  {
    name: "YAML syntax error in the stack file",
    modify: (p) =>
      (p.stacks[SELF] = [
        "# comment",
        "config:",
        "  cluster-orchestrator:environment: dev",
        "  cluster-orchestrator:useCase: legal-ai: oops",
        "  cluster-orchestrator:cluster:",
        "    number: 1",
        "",
      ].join("\n")),
    expected: [{ key: "cluster-orchestrator:*", file: SELF_FILE, message: "line 4: Nested mappings" }],
  },
  {
    name: "YAML syntax error in the environment layer",
    modify: (p) =>
      ((p.environments as Record<string, unknown>).dev =
        "config:\n  cluster-orchestrator:xo:\n    pool: homelab\n   sr: bad-indent\n"),
    expected: [{ key: "cluster-orchestrator:*", file: ENV_FILE, message: "line 4" }],
  },
  {
    name: "duplicate key in a config file",
    modify: (p) =>
      (p.stacks[SELF] =
        "config:\n  cluster-orchestrator:environment: dev\n  cluster-orchestrator:useCase: legal-ai\n  cluster-orchestrator:environment: prod\n"),
    expected: [{ key: "cluster-orchestrator:*", file: SELF_FILE, message: "line 4" }],
  },
  {
    name: "secure value in our namespace (stack file)",
    modify: (p) => (self(p).xo = { secure: "v1:c2VjcmV0" }),
    expected: [{ key: "cluster-orchestrator:xo", file: SELF_FILE, message: "encrypted value" }],
    count: 1,
  },
  {
    name: "secure value in our namespace (environment layer)",
    modify: (p) => (p.environments.dev!.protect = { secure: "v1:c2VjcmV0" }),
    expected: [{ key: "cluster-orchestrator:protect", file: ENV_FILE, message: "encrypted value" }],
    count: 1,
  },
  {
    // Issue 9 finding 17: the key and the layers that exist, not "file not found" plus advice to
    // copy network/xo/nodes/rke2 into the stack file.
    name: "environment naming a layer that does not exist",
    modify: (p) => {
      p.environments.prod = envLayer("prod");
      self(p).environment = "staging";
      self(p).useCase = "legal-ai";
    },
    stack: "legal-ai-dev",
    expected: [
      {
        key: "cluster-orchestrator:environment",
        file: SELF_FILE,
        message: "environment 'staging' has no layer Pulumi.staging.yaml; layers that exist: dev, prod",
      },
      { key: "cluster-orchestrator:useCase", file: SELF_FILE, message: "must be named" },
    ],
    count: 2,
  },
  {
    name: "missing environment layer file",
    modify: (p) => delete p.environments.dev,
    expected: [
      {
        key: "cluster-orchestrator:environment",
        file: SELF_FILE,
        message: "environment 'dev' has no layer Pulumi.dev.yaml; layers that exist: none",
      },
    ],
    count: 1,
  },
  {
    // Issue 9 finding 16: a placeholder body is not a key; sshpk parses the line for real.
    name: "placeholder SSH key in the environment layer",
    modify: (p) =>
      (p.environments.dev!.nodes.sshAuthorizedKeys = [SSH_KEY, "ssh-ed25519 paste-your-key-here"]),
    expected: [
      {
        key: "cluster-orchestrator:nodes.sshAuthorizedKeys.1",
        file: ENV_FILE,
        message: "'paste-your-key-here' is not a ssh-ed25519 public key",
      },
    ],
    count: 1,
  },
  {
    name: "SSH key whose type does not match its body, and a truncated one",
    modify: (p) =>
      (self(p).nodes = {
        sshAuthorizedKeys: [SSH_KEY.replace("ssh-ed25519", "ssh-rsa"), SSH_KEY.slice(0, 40)],
      }),
    expected: [
      { key: "cluster-orchestrator:nodes.sshAuthorizedKeys.0", file: SELF_FILE, message: "not a ssh-rsa" },
      {
        key: "cluster-orchestrator:nodes.sshAuthorizedKeys.1",
        file: SELF_FILE,
        message: "not a ssh-ed25519",
      },
    ],
    count: 2,
  },
  {
    // Issue 14 finding 2 (schema part): the proven injection's label value, and its siblings.
    name: "pool labels and taints outside Kubernetes' syntax",
    modify: (p) =>
      (self(p).pools = {
        worker: {
          labels: { tier: "$(touch /pwned)", "bad key;id": "x", "example.com/ok": "" },
          taints: ["dedicated=a`id`:NoSchedule", "x:Sometimes", "example.com/burst=true:NoSchedule"],
        },
      }),
    expected: [
      {
        key: "cluster-orchestrator:pools.worker.labels.tier",
        file: SELF_FILE,
        message: "label value '$(touch /pwned)'",
      },
      {
        key: "cluster-orchestrator:pools.worker.labels.bad key;id",
        file: SELF_FILE,
        message: "label key 'bad key;id'",
      },
      { key: "cluster-orchestrator:pools.worker.taints.0", file: SELF_FILE, message: "label value 'a`id`'" },
      { key: "cluster-orchestrator:pools.worker.taints.1", file: SELF_FILE, message: "effect 'Sometimes'" },
    ],
    count: 4,
  },
  {
    // Issue 14 finding 2 (other config strings): cloud-init copies /usr/share/zoneinfo/<zone>.
    name: "a time zone that walks out of the zoneinfo folder",
    modify: (p) => (self(p).nodes = { timezone: "../../../etc/shadow" }),
    expected: [{ key: "cluster-orchestrator:nodes.timezone", file: SELF_FILE, message: "IANA time zone" }],
    count: 1,
  },
  {
    // Issue 14 finding 12: refused by name, whatever zod would make of it.
    name: "prototype keys in a stack file, nested and at the top",
    modify: (p) =>
      (p.stacks[SELF] = [
        "config:",
        "  cluster-orchestrator:environment: dev",
        "  cluster-orchestrator:useCase: legal-ai",
        "  cluster-orchestrator:cluster:",
        "    number: 1",
        "    __proto__:",
        "      polluted: yes",
        "  cluster-orchestrator:__proto__:",
        "    polluted: yes",
        "  cluster-orchestrator:pools:",
        "    worker:",
        "      labels:",
        "        constructor: x",
        "",
      ].join("\n")),
    expected: [
      {
        key: "cluster-orchestrator:cluster.__proto__",
        file: SELF_FILE,
        message: "'__proto__' cannot be a key",
      },
      { key: "cluster-orchestrator:__proto__", file: SELF_FILE, message: "JavaScript's object prototype" },
      {
        key: "cluster-orchestrator:pools.worker.labels.constructor",
        file: SELF_FILE,
        message: "'constructor'",
      },
    ],
    count: 3,
  },
  {
    name: "prototype key in the environment layer",
    modify: (p) =>
      ((p.environments as Record<string, unknown>).dev =
        "config:\n  cluster-orchestrator:network:\n    prototype:\n      mtu: 9000\n"),
    expected: [{ key: "cluster-orchestrator:network.prototype", file: ENV_FILE, message: "'prototype'" }],
    count: 1,
  },
  {
    name: "missing stack file",
    modify: () => undefined,
    stack: "legal-ai-test",
    expected: [
      { key: "cluster-orchestrator:*", file: "stacks/Pulumi.legal-ai-test.yaml", message: "file not found" },
    ],
    count: 1,
  },
  {
    name: "three problems at once, from both files",
    modify: (p) => {
      self(p).cluster.vlan = 5000;
      self(p).netwrok = {};
      p.environments.dev!.network.mtu = "jumbo";
    },
    expected: [
      { key: "cluster-orchestrator:cluster.vlan", file: SELF_FILE, message: "<=4094" },
      { key: "cluster-orchestrator:netwrok", file: SELF_FILE, message: "unknown key" },
      { key: "cluster-orchestrator:network.mtu", file: ENV_FILE, message: "expected number" },
    ],
    count: 3,
  },
  {
    name: "three planning problems at once",
    modify: (p) =>
      (self(p).pools = {
        server: { count: 2 },
        worker: { count: 41, slot: 0 },
        search: { role: "agent", count: 1, slot: 9, cpus: 1, memoryMiB: 1024, diskGiB: 10 },
      }),
    expected: [
      { key: "cluster-orchestrator:pools.server.count", file: SELF_FILE, message: "odd number" },
      { key: "cluster-orchestrator:pools.search.slot", file: SELF_FILE, message: "slot 9 does not exist" },
      { key: "cluster-orchestrator:pools.worker.count", file: SELF_FILE, message: "holds 40" },
    ],
    count: 3,
  },
];

describe("bad configurations", () => {
  test.each(BAD_CONFIGS)("$name", ({ modify, stack = SELF, expected, count }) => {
    const error = configErrorOf(project(modify), stack);
    // No row may leave a key on Object.prototype behind (issue 14 finding 12).
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
    for (const problem of expected) {
      expect(error.problems).toContainEqual<ConfigProblem>({
        key: problem.key,
        file: problem.file,
        message: expect.stringContaining(problem.message),
      });
      // The formatted message names the key and the file of every problem.
      expect(error.message).toContain(`${problem.key} (${problem.file}): `);
    }
    if (count !== undefined) expect(error.problems).toHaveLength(count);
    expect(error.problems.length).toBeGreaterThanOrEqual(expected.length);
    expect(error.message).toMatch(
      new RegExp(`^Invalid configuration for stack ${stack} \\(\\d+ problems?\\)`),
    );
    expect(error.message).not.toContain("    at ");
    expect(error.message.split("\n")).toHaveLength(error.problems.length + 1);
  });
});
