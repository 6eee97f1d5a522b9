/**
 * Every format the schema (components/config/schema.ts) accepts, value by value: each bad value on
 * both sides of each boundary goes through the loader the users hit (a stack file read by
 * loadStack) and must come back as exactly one problem naming its key and its file; each accepted
 * edge value must pass the schema unchanged. Regex anchors are pinned by junk before and after a
 * valid value; character ranges by their first and last characters; length and number limits by
 * the values on both sides. The defaults that matter for security are asserted one by one.
 */
import { ConfigError } from "../components/config/errors";
import { specSchema } from "../components/config/schema";
import { loadStack } from "../components/stack/load";
import { profiles } from "../stacks/profiles";
import {
  baseSpecInput,
  envLayer,
  SSH_KEY,
  stackValues,
  useTempProjects,
  type RawInput,
} from "./helpers/fixtures";

const tempProject = useTempProjects();
const STACK = "legal-ai-dev";
const STACK_FILE = "stacks/Pulumi.legal-ai-dev.yaml";

/** A dotted path, or its parts when a part holds a dot itself (a record key such as an RKE2 release). */
type At = string | string[];
const partsOf = (at: At): string[] => (typeof at === "string" ? at.split(".") : at);

/** Sets `value` at `at` (numeric parts index arrays), creating missing objects. */
function setAt(target: RawInput, at: At, value: unknown): void {
  const parts = partsOf(at);
  let node: RawInput = target;
  for (const [i, part] of parts.slice(0, -1).entries()) {
    const next = parts[i + 1]!;
    node[part] ??= /^\d+$/.test(next) ? [] : {};
    node = node[part] as RawInput;
  }
  node[parts[parts.length - 1]!] = value;
}

function getAt(source: unknown, at: At): unknown {
  return partsOf(at).reduce<unknown>((node, part) => (node as RawInput | undefined)?.[part], source);
}

interface Bad {
  /** Where the stack file sets the value. */
  at: At;
  value: unknown;
  /** The key the problem must name (default `at`). */
  key?: string;
  /** A part of the message that says what is wrong. */
  message: string;
}

const SHORT_NAME = "must be lower-case letters, digits and '-', starting with a letter";
const IPV4 = "must be an IPv4 address";
const CIDR = "must be an IPv4 CIDR";
const DNS = "must be a DNS domain";
const DURATION = "must be a duration";
const URL = "must be an http(s) URL";
const SHA = "must be a sha256 hex digest";
const RELEASE = "must be an RKE2 release such as";
const HEX64 = "0123456789abcdef".repeat(4);

const ints = (at: string, min: number, max: number): Bad[] => [
  { at, value: min - 1, message: `expected number to be >=${min}` },
  { at, value: max + 1, message: `expected number to be <=${max}` },
  { at, value: min + 0.5, message: "expected int, received number" },
  { at, value: String(min), message: "expected number, received string" },
];
const nonEmpty = (at: string): Bad[] => [
  { at, value: "", message: "expected string to have >=1 characters" },
];
const enumOf = (at: string, ...bad: unknown[]): Bad[] =>
  bad.map((value) => ({ at, value, message: "Invalid option: expected one of" }));
const unknownKey = (at: string): Bad => ({
  at: `${at}.misspelt`,
  value: 1,
  message: "unknown key (misspelt?)",
});

const BAD: Bad[] = [
  // shortName: a letter first, then [a-z0-9-] and an alphanumeric last, 32 characters at most.
  ...[
    "",
    "1abc",
    "-abc",
    "abc-",
    "Abc",
    "aBc",
    "a_b",
    "a.b",
    " abc",
    "abc ",
    "abc\n",
    "x!",
    "a".repeat(33),
  ].map((value) => ({ at: "cluster.name", value, message: SHORT_NAME })),
  { at: "pools.worker.hostnamePrefix", value: "Worker", message: SHORT_NAME },
  { at: "nodes.adminUser", value: "root!", message: SHORT_NAME },
  { at: "workloads.ingressController.namespace", value: "kube_system", message: SHORT_NAME },
  {
    at: "workloads.components.Cache",
    value: {},
    key: "workloads.components.Cache",
    message: SHORT_NAME,
  },
  { at: "pools.Search", value: { role: "agent" }, message: SHORT_NAME },
  // IPv4 addresses and CIDRs (the validators themselves: tests/lib.test.ts).
  ...["10.0.0", "10.0.0.256", "10.0.0.1.1", "x10.0.0.1", "10.0.0.1x", " 10.0.0.1", "10.0.0.1/24", ""].map(
    (value) => ({ at: "cluster.gateway", value, message: IPV4 }),
  ),
  { at: "network.resolvers.0", value: "dns.example.net", message: IPV4 },
  { at: "network.resolvers", value: [], message: "expected array to have >=1 items" },
  ...[
    "10.0.0.0",
    "10.0.0.0/",
    "10.0.0.0/33",
    "10.0.0.0/024",
    "10.0.0.0/08",
    "10.0.0.0/2a",
    "10.0.0.0/24/8",
    "10.0.0/24",
  ].map((value) => ({ at: "cluster.cidr", value, message: CIDR })),
  { at: "network.supernet", value: "10.10.0.0/16 ", message: CIDR },
  { at: "rke2.clusterCidr", value: "10.42.0.0", message: CIDR },
  { at: "rke2.serviceCidr", value: "10.43.0.0/99", message: CIDR },
  { at: "workloads.egressAllowlist.0", value: "0.0.0.0", message: CIDR },
  // DNS domains: every label a DNS label of at most 63, the whole at most 200 characters.
  ...[
    "lab.Example.net",
    "lab..net",
    "lab.net.",
    ".lab.net",
    "-lab.net",
    "lab-.net",
    "lab_1.net",
    "lab net",
    "good.bad!",
    `${"a".repeat(64)}.net`,
  ].map((value) => ({ at: "network.domain", value, message: DNS })),
  {
    at: "network.domain",
    value: `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(9)}`,
    message: "expected string to have <=200 characters",
  },
  ...["Rancher.lab.net", "rancher..lab", "rancher.lab-", `${"r".repeat(64)}.lab`].map((value) => ({
    at: "management.hostname",
    value,
    message: "must be a DNS name",
  })),
  {
    at: "management.hostname",
    value: `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(9)}`,
    message: "expected string to have <=200 characters",
  },
  // Durations.
  ...["30", "s", "30d", "30ms", "30 s", " 30s", "30s ", "x30s", "1.5h", "-1s", "30S"].map((value) => ({
    at: "rancher.syncTimeout",
    value,
    message: DURATION,
  })),
  { at: "xo.createTimeout", value: "20", message: DURATION },
  { at: "xo.updateTimeout", value: "20min", message: DURATION },
  { at: "xo.deleteTimeout", value: "ten", message: DURATION },
  // http(s) URLs.
  ...["ftp://get.rke2.io", "https//get.rke2.io", "https://", "https://get rke2", " https://get.rke2.io"].map(
    (value) => ({ at: "rke2.installUrl", value, message: URL }),
  ),
  { at: "rke2.installUrl", value: "https://get.rke2.io\n", message: URL },
  { at: "rke2.installUrl", value: "xhttps://get.rke2.io", message: URL },
  { at: "rke2.installUrl", value: "httpss://get.rke2.io", message: URL },
  { at: "rke2.artifactUrl", value: "mirror.lab/rke2", message: URL },
  { at: "rke2.registryMirror", value: "https://mirror.lab two", message: URL },
  // RKE2 release names.
  ...[
    "1.34.2+rke2r1",
    "v1.34.2",
    "v1.34.2+k3s1",
    "v2.34.2+rke2r1",
    "v1.34+rke2r1",
    "v1x34.2+rke2r1",
    "v1.34x2+rke2r1",
    "v1.34.2-rke2r1",
    "v1.34.2+rke2r",
    "v1.a.2+rke2r1",
    "v1.34.b+rke2r1",
    "v1.34.2+rke2rc",
    "xv1.34.2+rke2r1",
    "v1.34.2+rke2r1 ",
    "v1.34.2+rke2r1x",
  ].map((value) => ({ at: "rke2.version", value, message: RELEASE })),
  // Registry host[:port].
  ...[
    "Registry.lab",
    "registry.lab:",
    "registry.lab:port",
    "registry.lab/path",
    " registry.lab",
    "registry.lab ",
    "https://registry.lab",
    "registry_lab",
  ].map((value) => ({ at: "rke2.systemDefaultRegistry", value, message: "must be a registry host[:port]" })),
  // sha256 digests: exactly 64 lower-case hex digits.
  ...[HEX64.slice(1), `${HEX64}0`, HEX64.toUpperCase(), `g${HEX64.slice(1)}`, ` ${HEX64.slice(1)}`].flatMap(
    (value) => [
      { at: "rke2.checksums.installer", value, message: SHA },
      { at: "rancher.caChecksum", value, message: SHA },
    ],
  ),
  ...["x", HEX64.slice(1), `${HEX64}0`, HEX64.toUpperCase(), ` ${HEX64.slice(1)}`, `${HEX64.slice(1)}g`].map(
    (value, i) => ({ at: ["rke2", "checksums", "releases", `v1.34.${i}+rke2r1`], value, message: SHA }),
  ),
  ...[
    "1.34.2+rke2r1",
    "v1.34.2",
    "latest",
    "v1.34.2+rke2r1 ",
    "xv1.34.2+rke2r1",
    "v1x34.2+rke2r1",
    "v1.34x2+rke2r1",
    "v1.34.2xrke2r1",
    "v2.34.2+rke2r1",
    "v1.a.2+rke2r1",
    "v1.34.b+rke2r1",
    "v1.34.2+rke2rc",
    "v1.34.2+rke2r",
  ].map((release) => ({
    at: ["rke2", "checksums", "releases", release],
    value: HEX64,
    message: "must be an RKE2 release",
  })),
  { at: "rke2.etcdSnapshotSchedule", value: "0 * * *", message: "expected string to have >=9 characters" },
  { at: "rke2.etcdSnapshotSchedule", value: "0 */6 * ", message: "expected string to have >=9 characters" },
  ...nonEmpty("rke2.kubeVipImage"),
  { at: "rke2.allowInsecureHttp", value: "true ", message: "expected boolean" },
  { at: "rancher.insecure", value: "yes", message: "expected boolean" },
  // Management stack names: up to two `org/project/` parts before a lower-case stack name.
  ...[
    "Rancher-prod",
    "rancher prod",
    "1rancher",
    "/rancher-prod",
    "a/b/c/rancher-prod",
    "org//rancher-prod",
    "-org/rancher-prod",
    "org/rancher-prod/",
    "org/Rancher",
    "rancher-prod ",
    " rancher-prod",
    "rancher_prod",
  ].map((value) => ({ at: "rancher.managementStack", value, message: "must be a stack name" })),
  {
    at: "management.privateCaCert",
    value: "-----BEGIN PRIVATE KEY-----",
    message: 'must include "-----BEGIN CERTIFICATE-----"',
  },
  // Nodes.
  { at: "nodes.sshAuthorizedKeys", value: [], message: "expected array to have >=1 items" },
  {
    at: "nodes.sshAuthorizedKeys.0",
    value: "ssh-ed25519 paste-your-key-here",
    message: "is not a ssh-ed25519",
  },
  { at: "nodes.sshAuthorizedKeys.0", value: "ssh-ed25519", message: "OpenSSH public key line" },
  { at: "nodes.sshAuthorizedKeys.0", value: `${SSH_KEY}\n${SSH_KEY}`, message: "one line" },
  ...["Curl", "-curl", ".curl", "curl;id", "curl jq", "cur_l", " curl", "curl "].map((value) => ({
    at: "nodes.packages.0",
    value,
    message: "must match pattern",
  })),
  ...[
    "../etc/passwd",
    "/Europe/Paris",
    "Europe/Paris/",
    "Europe//Paris",
    "1Europe/Paris",
    "Europe/Par is",
    "Europe/Paris;id",
    "Europe/..",
    " UTC",
    "UTC ",
    "",
  ].map((value) => ({ at: "nodes.timezone", value, message: "must be an IANA time zone" })),
  ...[
    "usr/bin/systemctl",
    "/usr/bin/systemctl  status",
    "/usr/bin/systemctl status;id",
    "/usr/bin/systemctl $(id)",
    " /usr/bin/systemctl",
    "/usr/bin/systemctl ",
    "/usr/bin/*",
    "/",
  ].map((value) => ({ at: "nodes.adminSudo.0", value, message: "absolute command line of plain words" })),
  { at: "nodes.adminSudo", value: [], message: "expected array to have >=1 items" },
  { at: "nodes.adminSudo", value: "some", message: "Invalid input" },
  // XO.
  ...nonEmpty("xo.pool"),
  ...nonEmpty("xo.template"),
  ...nonEmpty("xo.sr"),
  ...["Eth1", "1eth", "eth-1", "eth1 ", " eth1", "eth1;", ""].map((value) => ({
    at: "xo.pifDevice",
    value,
    message: "must be a PIF device name",
  })),
  // Cluster and network.
  { at: "cluster.description", value: "d".repeat(201), message: "expected string to have <=200 characters" },
  ...nonEmpty("cluster.hostnamePattern"),
  ...nonEmpty("network.existingNetwork"),
  ...ints("cluster.number", 1, 4000),
  ...ints("cluster.vlan", 1, 4094),
  ...ints("network.clusterPrefix", 16, 28),
  ...ints("network.vlanBase", 0, 4093),
  ...ints("network.mtu", 1280, 9000),
  ...ints("network.layout.reserved", 0, 1000),
  ...ints("network.layout.serverBlock", 1, 15),
  ...ints("network.layout.workerSlotSize", 1, 4000),
  ...ints("network.layout.workerSlots", 1, 16),
  ...ints("rke2.etcdSnapshotRetention", 1, 1000),
  // Pools.
  ...ints("pools.worker.count", 0, 250),
  ...ints("pools.worker.slot", 0, 15),
  ...ints("pools.worker.cpus", 1, 64),
  ...ints("pools.worker.memoryMiB", 1024, 512 * 1024),
  ...ints("pools.worker.diskGiB", 10, 4096),
  ...ints("pools.worker.dataDiskGiB", 1, 16384),
  ...enumOf("pools.worker.role", "Agent", "worker", ""),
  ...enumOf("pools.worker.addressing", "Static", "dhcp4", ""),
  ...nonEmpty("pools.worker.affinityHost"),
  { at: "pools.worker.labels.a;b", value: "x", message: "label key 'a;b'" },
  { at: "pools.worker.labels.role", value: "$(id)", message: "label value '$(id)'" },
  { at: "pools.worker.taints.0", value: "dedicated=search:NoRun", message: "has effect 'NoRun'" },
  { at: "pools.worker.taints.0", value: "dedicated=search", message: "must be key[=value]:Effect" },
  { at: "rancher.labels.x y", value: "v", message: "label key 'x y'" },
  // Enums elsewhere.
  ...enumOf("rke2.cni", "flannel", "Canal", ""),
  ...enumOf("rke2.profile", "cis-1.23", "CIS"),
  ...enumOf("rancher.mode", "imported", "None"),
  ...enumOf("kubeconfig.source", "ssh", "Rancher"),
  ...enumOf("management.tls", "letsencrypt", "Secret"),
  // Workloads.
  ...nonEmpty("workloads.storageClass"),
  ...nonEmpty("workloads.tlsSecretName"),
  { at: "workloads.ingressController.podSelectors", value: [], message: "expected array to have >=1 items" },
  { at: "workloads.ingressSourceRanges", value: [], message: "expected array to have >=1 items" },
  { at: "workloads.ingressSourceRanges.0", value: "0.0.0.0/0", message: "must not admit every address (/0)" },
  { at: "workloads.ingressSourceRanges.0", value: "10.0.0.0/8 ", message: CIDR },
  ...[
    "http://repo.example.net",
    "https://repo.example.net/a,b",
    "https://repo example",
    " https://repo.example.net",
    "https://repo.example.net\n",
  ].map((value) => ({
    at: "workloads.packageRepository",
    value: { url: value, cidrs: ["192.0.2.0/24"] },
    key: "workloads.packageRepository.url",
    message: "must be an https URL without commas",
  })),
  {
    at: "workloads.packageRepository",
    value: { url: "https://repo.example.net", cidrs: [] },
    key: "workloads.packageRepository.cidrs",
    message: "expected array to have >=1 items",
  },
  {
    at: "workloads.packageRepository",
    value: { url: "https://repo.example.net", cidrs: ["10.0.0.0/0"] },
    key: "workloads.packageRepository.cidrs.0",
    message: "must not admit every address (/0)",
  },
  { at: "workloads", value: "None", message: "Invalid input" },
  // Capacity model file names.
  ...[
    "xo-pools.json",
    "../xo-pools.yaml",
    "dir/xo-pools.yaml",
    "xo pools.yaml",
    "xo-pools.yaml ",
    "xo-pools.yamlx",
    ".yaml",
    "xo-pools-yaml",
  ].map((value) => ({ at: "capacity.model", value, message: "must be a YAML file name" })),
  // Strict objects: a misspelt key anywhere is named.
  ...[
    "cluster",
    "network",
    "network.layout",
    "xo",
    "nodes",
    "pools.worker",
    "rke2",
    "rke2.checksums",
    "rancher",
    "kubeconfig",
    "management",
    "workloads",
    "workloads.ingressController",
    "workloads.components.cache",
    "capacity",
  ].map(unknownKey),
  { at: "misspelt", value: 1, message: "unknown key (misspelt?)" },
];

const keyOf = (row: Bad) => `cluster-orchestrator:${row.key ?? partsOf(row.at).join(".")}`;

/**
 * The rows in as few stack files as can hold them: a row joins the first batch where no other
 * row's path is its own, inside it or around it, so that each value is judged alone; at most one
 * per batch under `workloads`, whose `none | settings` union reports several mistakes as one.
 * One load per batch keeps the file fast (Stryker runs it for every schema mutant).
 */
function batches(rows: Bad[]): Bad[][] {
  const out: Bad[][] = [];
  const clash = (a: string[], b: string[]) =>
    a.slice(0, Math.min(a.length, b.length)).every((part, i) => part === b[i]) ||
    (a[0] === "workloads" && b[0] === "workloads");
  for (const row of rows) {
    const batch = out.find((b) => b.every((other) => !clash(partsOf(other.at), partsOf(row.at))));
    if (batch) batch.push(row);
    else out.push([row]);
  }
  return out;
}

/** The problems loadStack reports for one stack file holding every row's value. */
function problemsOfBatch(rows: Bad[]): { key: string; file: string; message: string }[] {
  const stack = stackValues("legal-ai", "dev", 1);
  for (const row of rows) setAt(stack, row.at, row.value);
  const root = tempProject({ environments: { dev: envLayer("dev") }, stacks: { [STACK]: stack } });
  try {
    loadStack(STACK, { rootDir: root, profiles, crossCheck: false });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => ({ ...p }));
    throw error;
  }
  return [];
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

describe("each bad value is one problem naming its key and the stack file", () => {
  const all = batches(BAD);
  test.each(all.map((rows, i) => [i + 1, all.length, rows] as const))(
    "stack file %i of %i",
    (_, __, rows) => {
      const expected = rows
        .map((row) => ({
          key: keyOf(row),
          file: STACK_FILE,
          message: expect.stringContaining(row.message) as string,
          value: row.value,
        }))
        .sort(byKey);
      const found = problemsOfBatch(rows).sort(byKey);
      // Each problem shown next to the value that caused it, so a failure names its row.
      const withValue = found.map((p) => ({ ...p, value: rows.find((r) => keyOf(r) === p.key)?.value }));
      expect(withValue).toEqual(expected);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Accepted edge values: the schema passes them through unchanged.

const rangeEdges = (at: string, min: number, max: number): [string, unknown][] => [
  [at, min],
  [at, max],
];
const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

const GOOD: [At, unknown][] = [
  // Both ends of every character range, in every position; the shortest and the longest.
  ...[
    "a",
    "z",
    "ab",
    "zy",
    "a0",
    "z9",
    "aaz09-a",
    "a-z",
    "a-0",
    "a-9",
    `a${"b".repeat(30)}c`,
    `z${"-".repeat(30)}9`,
  ].map((v): [string, unknown] => ["cluster.name", v]),
  ["pools.worker.hostnamePrefix", "search-node"],
  ["nodes.adminUser", "ubuntu"],
  ...["0.0.0.0", "255.255.255.255", "10.20.0.1"].map((v): [string, unknown] => ["cluster.gateway", v]),
  ["network.resolvers", ["10.10.0.2", "192.0.2.53"]],
  ...["0.0.0.0/0", "10.0.0.0/32", "10.0.0.0/8", "192.168.1.0/24"].map((v): [string, unknown] => [
    "cluster.cidr",
    v,
  ]),
  ...[
    "a",
    "lab.example.net",
    "z9.0a.lab-1",
    "9a.az09-z.b0.c9.aaa",
    `${"a".repeat(63)}.net`,
    `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(8)}`,
  ].map((v): [string, unknown] => ["network.domain", v]),
  ["management.hostname", "rancher.lab.example.net"],
  ["management.hostname", `${"r".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(8)}`],
  ...["0s", "30s", "20m", "1h", "120s", "99h"].map((v): [string, unknown] => ["rancher.syncTimeout", v]),
  ["xo.createTimeout", "45m"],
  ["xo.updateTimeout", "1h"],
  ["xo.deleteTimeout", "90s"],
  ...["http://a", "https://a", "https://get.rke2.io/path?x=1"].map((v): [string, unknown] => [
    "rke2.installUrl",
    v,
  ]),
  ["rke2.artifactUrl", "http://mirror.lab/rke2"],
  ["rke2.registryMirror", "https://mirror.lab:5000"],
  ...["v1.0.0+rke2r0", "v1.34.12+rke2r10", "v1.9.9+rke2r9"].map((v): [string, unknown] => [
    "rke2.version",
    v,
  ]),
  ...["a", "registry.lab", "reg-1.example:5000", "z9.-", "10.0.0.1:5000", "a:0"].map(
    (v): [string, unknown] => ["rke2.systemDefaultRegistry", v],
  ),
  ["rke2.checksums.installer", HEX64],
  ["rke2.checksums.releases", { "v1.34.2+rke2r1": HEX64, "v1.33.10+rke2r12": "f".repeat(64) }],
  ["rancher.caChecksum", HEX64],
  ["rke2.etcdSnapshotSchedule", "* * * * *"],
  ["rke2.kubeVipImage", "k"],
  ["rke2.allowInsecureHttp", true],
  ["rancher.insecure", true],
  ...[
    "r",
    "z",
    "rancher-prod",
    "a09z-",
    "org/rancher-prod",
    "org/project/rancher-prod",
    "A/a",
    "Z/a",
    "0/a",
    "9/a",
    "z/a",
    "a_.-Z9/x",
  ].map((v): [string, unknown] => ["rancher.managementStack", v]),
  ["management.privateCaCert", CERT],
  ...["curl", "0ad", "9base", "z", "libstdc++6", "python3.12", "a-b", "az09+.-z"].map(
    (v): [string, unknown] => ["nodes.packages", [v]],
  ),
  ...[
    "UTC",
    "Z",
    "z",
    "Europe/Paris",
    "America/Argentina/Buenos_Aires",
    "Etc/GMT+5",
    "Etc/GMT-14",
    "a0_+-/Z9_+-",
    "aAZaz09_+-/AZaz09_+-",
  ].map((v): [string, unknown] => ["nodes.timezone", v]),
  ["nodes.adminSudo", "all"],
  ["nodes.adminSudo", "none"],
  [
    "nodes.adminSudo",
    [
      "/usr/bin/systemctl restart rke2-server",
      "/a",
      "/Z/z/0/9._-",
      "/x k=v h:1 u@h a-b a_b a.b Z9/z",
      "/A/Z/a/z/0/9 A0 Za9z",
    ],
  ],
  ...["eth1", "a", "z9", "xenbr0", "aaz09"].map((v): [string, unknown] => ["xo.pifDevice", v]),
  ...["xo-pools.yaml", "a.yml", "A_b.c-1.yaml"].map((v): [string, unknown] => ["capacity.model", v]),
  ["cluster.description", "d".repeat(200)],
  ...rangeEdges("cluster.number", 1, 4000),
  ...rangeEdges("cluster.vlan", 1, 4094),
  ...rangeEdges("network.clusterPrefix", 16, 28),
  ...rangeEdges("network.vlanBase", 0, 4093),
  ...rangeEdges("network.mtu", 1280, 9000),
  ...rangeEdges("network.layout.reserved", 0, 1000),
  ...rangeEdges("network.layout.serverBlock", 1, 15),
  ...rangeEdges("network.layout.workerSlotSize", 1, 4000),
  ...rangeEdges("network.layout.workerSlots", 1, 16),
  ...rangeEdges("rke2.etcdSnapshotRetention", 1, 1000),
  ...rangeEdges("pools.worker.count", 0, 250),
  ...rangeEdges("pools.worker.slot", 0, 15),
  ...rangeEdges("pools.worker.cpus", 1, 64),
  ...rangeEdges("pools.worker.memoryMiB", 1024, 524288),
  ...rangeEdges("pools.worker.diskGiB", 10, 4096),
  ...rangeEdges("pools.worker.dataDiskGiB", 1, 16384),
  ["pools.worker.role", "server"],
  ["pools.worker.role", "agent"],
  ["pools.worker.addressing", "static"],
  ["pools.worker.addressing", "dhcp"],
  ["pools.worker.labels", { "workload.cluster-orchestrator.io/role": "search", a: "" }],
  ["pools.worker.taints", ["dedicated=search:NoSchedule", "k:NoExecute", "k=v:PreferNoSchedule"]],
  [
    "pools.a",
    {
      role: "agent",
      count: 1,
      cpus: 1,
      memoryMiB: 1024,
      diskGiB: 10,
      addressing: "dhcp",
      labels: {},
      taints: [],
    },
  ],
  ...["canal", "calico", "cilium"].map((v): [string, unknown] => ["rke2.cni", v]),
  ["rke2.profile", "cis"],
  ["rke2.profile", "none"],
  ...["import", "custom", "none"].map((v): [string, unknown] => ["rancher.mode", v]),
  ["kubeconfig.source", "rancher"],
  ["kubeconfig.source", "node"],
  ["management.tls", "rancher"],
  ["management.tls", "secret"],
  ["workloads", "none"],
  ["workloads.components", { cache: { enabled: false, values: {} }, "a-1": { values: { x: [1] } } }],
  ["workloads.ingressSourceRanges", ["0.0.0.0/1", "10.0.0.0/10", "192.0.2.0/30"]],
  [
    "workloads.packageRepository",
    { url: "https://repo.example.net/maven2", cidrs: ["192.0.2.0/24", "198.51.100.0/24"] },
  ],
  ["workloads.ingressController.podSelectors", [{ app: "a" }, { "app.kubernetes.io/name": "b" }]],
  ["nodes.sshAuthorizedKeys", [SSH_KEY, SSH_KEY.replace("ops@test", "second@test")]],
  ["workloads.storageClass", "s"],
  ["workloads.tlsSecretName", "t"],
];

test.each(GOOD.map(([at, value]) => [partsOf(at).join("."), JSON.stringify(value), at, value] as const))(
  "%s = %s is accepted as given",
  (_, __, at, value) => {
    const input = baseSpecInput();
    setAt(input, at, value);
    const parsed = specSchema.safeParse(input);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(getAt(parsed.data, at)).toEqual(value);
  },
);

// ---------------------------------------------------------------------------------------------
// Defaults: what a stack gets for each key it leaves out.

/** The base input without the keys whose defaults are asserted. */
function minimalInput(): RawInput {
  const input = baseSpecInput();
  input.rke2 = { version: "v1.34.2+rke2r1" };
  return input;
}

describe("defaults", () => {
  test("the security-relevant defaults are the safe ones", () => {
    const spec = specSchema.parse(minimalInput());
    // TLS verification of the registration manifest stays on; no CA pin is invented.
    expect(spec.rancher.insecure).toBe(false);
    expect(spec.rancher.caChecksum).toBeUndefined();
    // Downloads over https only, from RKE2's own installer, checked against no invented digest.
    expect(spec.rke2.allowInsecureHttp).toBe(false);
    expect(spec.rke2.installUrl).toBe("https://get.rke2.io");
    expect(spec.rke2.checksums).toEqual({ releases: {} });
    expect(spec.rke2.artifactUrl).toBeUndefined();
    expect(spec.rke2.registryMirror).toBeUndefined();
    expect(spec.rke2.systemDefaultRegistry).toBeUndefined();
    // Workload egress denied but for what is listed; ingress only through TLS and the bundled controller.
    const workloads = spec.workloads;
    if (workloads === "none") throw new Error("expected workload settings by default");
    expect(workloads.egressAllowlist).toEqual([]);
    expect(workloads.tlsSecretName).toBe("ingress-tls");
    expect(workloads.ingressSourceRanges).toBeUndefined();
    expect(workloads.packageRepository).toBeUndefined();
    expect(workloads.ingressController).toEqual({
      namespace: "kube-system",
      podSelectors: [
        { "app.kubernetes.io/name": "rke2-ingress-nginx" },
        { "app.kubernetes.io/name": "rke2-traefik" },
      ],
    });
    // The RKE2 CIS profile follows the use case's hardening unless set (undefined, not "none").
    expect(spec.rke2.profile).toBeUndefined();
    // Protection and the critical marker are decided per environment when unset.
    expect(spec.protect).toBeUndefined();
    expect(spec.critical).toBeUndefined();
    expect(spec.kubeconfig).toEqual({});
    expect(spec.management).toBeUndefined();
  });

  test("the other defaults, as docs/configuration.md states them", () => {
    const spec = specSchema.parse(minimalInput());
    expect(spec.rancher).toEqual({ mode: "import", insecure: false, syncTimeout: "30m", labels: {} });
    expect(spec.rke2).toMatchObject({
      cni: "canal",
      clusterCidr: "10.42.0.0/16",
      serviceCidr: "10.43.0.0/16",
      etcdSnapshotSchedule: "0 */6 * * *",
      etcdSnapshotRetention: 28,
      kubeVipImage: "ghcr.io/kube-vip/kube-vip:v0.8.9",
    });
    expect(spec.nodes).toEqual({
      adminUser: "ops",
      adminSudo: "all",
      timezone: "UTC",
      packages: [],
      sshAuthorizedKeys: [SSH_KEY],
    });
    expect(spec.xo).toMatchObject({ createTimeout: "20m", updateTimeout: "20m", deleteTimeout: "10m" });
    expect(spec.network).toMatchObject({
      clusterPrefix: 24,
      mtu: 1500,
      layout: { reserved: 8, serverBlock: 9, workerSlotSize: 40, workerSlots: 4 },
    });
    expect(spec.cluster.hostnamePattern).toBe("cluster{cluster}-{pool}{index}");
    expect(spec.pools.worker).toMatchObject({ addressing: "static", labels: {}, taints: [] });
    expect(spec.pools.worker!.slot).toBeUndefined();
    expect(spec.capacity).toEqual({});
    expect(spec.workloads).toMatchObject({ components: {} });
  });

  test("a section that is set keeps the defaults of the keys it leaves out", () => {
    const spec = specSchema.parse({
      ...minimalInput(),
      rke2: { version: "v1.34.2+rke2r1", checksums: { installer: HEX64 } },
      rancher: { mode: "custom" },
      network: { ...minimalInput().network, layout: { reserved: 2 } },
      workloads: { ingressController: { namespace: "ingress" }, components: { cache: {} } },
    });
    expect(spec.rke2.checksums).toEqual({ installer: HEX64, releases: {} });
    expect(spec.rke2.allowInsecureHttp).toBe(false);
    expect(spec.rancher).toEqual({ mode: "custom", insecure: false, syncTimeout: "30m", labels: {} });
    expect(spec.network.layout).toEqual({ reserved: 2, serverBlock: 9, workerSlotSize: 40, workerSlots: 4 });
    expect(spec.workloads).toMatchObject({
      ingressController: {
        namespace: "ingress",
        podSelectors: [
          { "app.kubernetes.io/name": "rke2-ingress-nginx" },
          { "app.kubernetes.io/name": "rke2-traefik" },
        ],
      },
      components: { cache: { values: {} } },
    });
    // A management section without tls: Rancher's own CA (cert-manager), not a certificate it lacks.
    const management = specSchema.parse({ ...minimalInput(), management: {} }).management;
    expect(management).toEqual({ tls: "rancher" });
    const empty = specSchema.parse({ ...minimalInput(), workloads: { ingressController: {} } });
    expect(empty.workloads).toMatchObject({ ingressController: { namespace: "kube-system" } });
  });
});
