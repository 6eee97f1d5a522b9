/**
 * cloud-init/scripts/rke2-bootstrap.sh (delivered as /usr/local/sbin/co-bootstrap.sh), run under bash
 * in a temp dir: CO_ROOT points at a fake root, and stub curl/systemctl/sleep come first on PATH.
 *
 * The stub curl serves a fake web from `<sandbox>/web/<url without scheme>`: a missing file is a
 * refused connection (exit 7), and `<file>.fail` holding N makes the next N requests fail first. The
 * "installer" it serves is a sh script that records its environment and creates usr/local/bin/rke2.
 * Every stub call is appended to calls.log.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadStack } from "../components/stack/load";
import { PROJECT_ROOT } from "../components/program";
import { parseRancherNodeCommand, rancherAgentEnv } from "../components/rke2/rancherAgent";
import { profiles } from "../stacks/profiles";
import {
  requireTool,
  run,
  RunResult,
  selfSignedCert,
  shellcheckFindings,
  writeScript,
} from "./helpers/validators";

// What a node receives: the script with its shared lib/ files inlined (cloud-init/scripts.ts).
const script = writeScript("rke2-bootstrap.sh");

const VERSION = "v1.31.4+rke2r1";
const VIP = "10.20.0.100";
const SERVER_1 = "10.20.0.11";
const INSTALL_URL = "https://get.rke2.io";
const MIRROR = "https://mirror.lab.example/rke2/v1.31.4+rke2r1";
// Secrets: neither may appear in the script's stdout, stderr or log file.
const MANIFEST_TOKEN = "q7xk9zsecrettoken4bmw2";
const MANIFEST_URL = `https://rancher.lab.example/v3/import/${MANIFEST_TOKEN}_c-m-8x2k4.yaml`;
const NODE_TOKEN = "K10nodesecret::server:9f8e7d";
const MANIFEST_BODY = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cattle-system\n";
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBfakeRancherCA\n-----END CERTIFICATE-----\n";
const CONFIG = "token: join-token\ntls-san:\n  - 10.20.0.100\n";

const STUBS: Record<string, string> = {
  curl: `
out=""; url=""; method=GET; wfmt=""; cert=""; config=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift ;;
    -X) method="$2"; shift ;;
    -w) wfmt="$2"; shift ;;
    --cert) cert="$2"; shift ;;
    -K) config="$2"; shift ;;
    *://*) url="$1" ;;
  esac
  shift
done
# -K -: the URL comes from curl's config on stdin (never an argument).
if [ "$config" = "-" ]; then
  url=$(sed -n 's/^url = "\\(.*\\)"$/\\1/p')
  echo "curl-config $url" >>"$STUB_LOG"
fi
# A client certificate must be signed by the cluster's client CA.
if [ -n "$cert" ]; then
  if openssl verify -CAfile "$CO_ROOT/var/lib/rancher/rke2/server/tls/client-ca.crt" "$cert" >/dev/null 2>&1; then
    echo "cert-ok $(openssl x509 -in "$cert" -noout -subject)" >>"$STUB_LOG"
  else
    echo "cert-bad" >>"$STUB_LOG"; exit 58
  fi
fi
file="$STUB_WEB/\${url#*://}"
if [ -f "$file.fail" ]; then
  n=$(cat "$file.fail")
  if [ "$n" -gt 0 ]; then echo $((n - 1)) >"$file.fail"; exit 7; fi
fi
if [ "$method" = DELETE ]; then [ -f "$file" ] || exit 22; rm -f "$file"; exit 0; fi
if [ -n "$wfmt" ]; then
  if [ -f "$file" ]; then cat "$file" >"\${out:-/dev/stdout}"; printf 200; else printf 404; fi
  exit 0
fi
[ -f "$file" ] || exit 7
if [ -n "$out" ]; then cat "$file" >"$out"; else cat "$file"; fi`,
  // rke2-server writes its kubeconfig once up; the import step waits for it.
  // ...and RKE2 unpacks its kubectl; the stub kubectl records what it applied.
  systemctl: `
[ ! -e "$STUB_DIR/systemctl.fail" ] || exit 1
case "$*" in
  *"enable --now rke2-server.service"*)
    mkdir -p "$CO_ROOT/etc/rancher/rke2" "$CO_ROOT/var/lib/rancher/rke2/bin"
    echo kubeconfig >"$CO_ROOT/etc/rancher/rke2/rke2.yaml"
    printf '#!/bin/sh\\necho "kubectl $*" >>"$STUB_LOG"\\nwhile [ $# -gt 0 ]; do [ "$1" = -f ] && cat "$2" >>"$STUB_DIR/applied.yaml"; shift; done\\n[ ! -e "$STUB_DIR/kubectl.fail" ]\\n' >"$CO_ROOT/var/lib/rancher/rke2/bin/kubectl"
    chmod 755 "$CO_ROOT/var/lib/rancher/rke2/bin/kubectl" ;;
esac`,
  sleep: "",
};

// What the stub curl serves for the installer URL.
const FAKE_INSTALLER = `#!/bin/sh
set -e
echo "installer $INSTALL_RKE2_TYPE" >>"$STUB_LOG"
env | grep -E '^(INSTALL_RKE2_|TMPDIR=|CO_RANCHER_)' | sort >"$STUB_DIR/installer.env"
if [ -n "$INSTALL_RKE2_ARTIFACT_PATH" ]; then
  for f in "$INSTALL_RKE2_ARTIFACT_PATH"/*; do echo "$(basename "$f"): $(cat "$f")"; done >"$STUB_DIR/installer.artifacts"
fi
mkdir -p "$CO_ROOT/usr/local/bin"
printf '#!/bin/sh\\n' >"$CO_ROOT/usr/local/bin/rke2"
chmod 755 "$CO_ROOT/usr/local/bin/rke2"
`;

const AGENT_INSTALL_URL = "https://rancher.lab.example/system-agent-install.sh";

/** A node of the real legal-ai-prod plan, for the renderer side of the exploit replay. */
const planNode = loadStack("legal-ai-prod", { rootDir: PROJECT_ROOT, profiles }).plan.nodes.find(
  (n) => n.hostname === "cluster1-server2",
)!;

/** What cloud-init writes: a 0600 file under the fake root. */
function writeSecret(box: { path: (rel: string) => string }, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(box.path(rel)), { recursive: true });
  fs.writeFileSync(box.path(rel), content, { mode: 0o600 });
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Sandbox {
  dir: string;
  root: string;
  /** Serves `body` at `url`; `failFirst` requests fail before it answers. */
  serve: (url: string, body: string, failFirst?: number) => void;
  run: (env: Record<string, string>) => RunResult;
  /** Stub calls, curl reduced to "ping <host:port>" / "GET <url> [tls flags]" for readability. */
  calls: () => string[];
  rawCalls: () => string;
  log: () => string;
  path: (rel: string) => string;
  read: (rel: string) => string;
  exists: (rel: string) => boolean;
  mode: (rel: string) => number;
  installerEnv: () => Record<string, string>;
}

function sandbox(): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-rke2-bootstrap-"));
  tempDirs.push(dir);
  const root = path.join(dir, "root");
  const bin = path.join(dir, "bin");
  const web = path.join(dir, "web");
  const stubLog = path.join(dir, "calls.log");
  fs.mkdirSync(bin);
  fs.mkdirSync(web);
  fs.mkdirSync(root);
  for (const [name, body] of Object.entries(STUBS)) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >>"$STUB_LOG"\n${body}\n`, {
      mode: 0o755,
    });
  }
  const serve = (url: string, body: string, failFirst = 0): void => {
    const file = path.join(web, url.replace(/^[a-z]+:\/\//, ""));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
    if (failFirst > 0) fs.writeFileSync(`${file}.fail`, `${failFirst}\n`);
  };
  serve(INSTALL_URL, FAKE_INSTALLER);
  // cloud-init writes config.yaml 0600, without a server: line on the bootstrap node.
  fs.mkdirSync(path.join(root, "etc/rancher/rke2"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/rancher/rke2/config.yaml"), CONFIG, { mode: 0o600 });

  // Seatbelt (tests may run as root): sbin directories are left out, so a command the stubs miss is
  // more likely to fail than to touch the host.
  const hostPath = (process.env.PATH ?? "/usr/bin:/bin")
    .split(":")
    .filter((p) => !p.endsWith("sbin"))
    .join(":");
  const rawCalls = (): string => (fs.existsSync(stubLog) ? fs.readFileSync(stubLog, "utf8") : "");
  const p = (rel: string): string => path.join(root, rel);
  return {
    dir,
    root,
    serve,
    run: (env) =>
      run("bash", [script], {
        PATH: `${bin}:${hostPath}`,
        CO_ROOT: root,
        STUB_LOG: stubLog,
        STUB_WEB: web,
        STUB_DIR: dir,
        // Sleep is stubbed, so the interval only shows up in the calls; the timeout is a safety net
        // (a wait that never ends busy-loops until then).
        CO_POLL_INTERVAL: "7",
        CO_WAIT_TIMEOUT: "3",
        ...env,
      }),
    calls: () =>
      rawCalls()
        .trim()
        .split("\n")
        .filter((line) => line !== "")
        .reduce<string[]>((lines, line) => {
          // "curl-config <url>" follows the curl line whose URL came on stdin: put it in place.
          if (line.startsWith("curl-config ")) {
            lines.push(`${lines.pop() ?? ""} <${line.slice("curl-config ".length)}>`);
          } else if (!line.startsWith("cert-")) lines.push(line);
          return lines;
        }, [])
        .map((line) => {
          if (!line.startsWith("curl ")) return line;
          const method = line.includes(" -X DELETE ") ? "DELETE" : "GET";
          const stdinUrl = /<(\S+)>$/.exec(line)?.[1];
          const url = stdinUrl ?? line.split(" ").find((word) => word.includes("://")) ?? "?";
          const ping = /^https:\/\/(.+)\/ping$/.exec(url);
          if (ping) return `ping ${ping[1]}`;
          const tls = line.includes(" --cacert ") ? " --cacert" : / -[a-zA-Z]*k\b/.test(line) ? " -k" : "";
          return `${method} ${url}${tls}`;
        }),
    rawCalls,
    log: () => {
      const file = p("var/log/cluster-orchestrator/bootstrap.log");
      return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    },
    path: p,
    read: (rel) => fs.readFileSync(p(rel), "utf8"),
    exists: (rel) => fs.existsSync(p(rel)),
    mode: (rel) => fs.statSync(p(rel)).mode & 0o777,
    installerEnv: () =>
      Object.fromEntries(
        fs
          .readFileSync(path.join(dir, "installer.env"), "utf8")
          .trim()
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      ),
  };
}

const MARKER = "var/lib/cluster-orchestrator/bootstrapped";
const CONFIG_FILE = "etc/rancher/rke2/config.yaml";
const IMPORT_MANIFEST = "var/lib/rancher/rke2/server/manifests/rancher-import.yaml";
const ping = (address: string): string => `https://${address}:9345/ping`;

const bootstrapServer = {
  CO_NODE_ROLE: "server",
  CO_BOOTSTRAP: "true",
  CO_REGISTRATION_ADDRESS: VIP,
  CO_RKE2_VERSION: VERSION,
  CO_NODE_NAME: "cluster1-server1",
  // 14s of silence at a 7s interval: 3 probes.
  CO_INIT_QUIET_SECONDS: "14",
};
const secondServer = {
  CO_NODE_ROLE: "server",
  CO_REGISTRATION_ADDRESS: VIP,
  CO_PREVIOUS_SERVER: SERVER_1,
  CO_RKE2_VERSION: VERSION,
};
const agent = { CO_NODE_ROLE: "agent", CO_REGISTRATION_ADDRESS: VIP, CO_RKE2_VERSION: VERSION };

/** The script's own output and log never hold the manifest URL or the node command's token. */
function expectNoSecrets(box: Sandbox, result: RunResult): void {
  for (const text of [result.stdout, result.stderr, box.log()]) {
    expect(text).not.toContain(MANIFEST_TOKEN);
    expect(text).not.toContain(NODE_TOKEN);
  }
}

describe("rke2-bootstrap.sh: who initialises, who joins, who waits", () => {
  interface Scenario {
    name: string;
    env: Record<string, string>;
    /** url → number of failed requests before it answers pong */
    pong: Record<string, number>;
    calls: string[];
    serverLine: boolean;
    output: RegExp;
  }
  const install = [`GET ${INSTALL_URL}`];
  const scenarios: Scenario[] = [
    {
      name: "bootstrap server, nothing answers: initialises",
      env: bootstrapServer,
      pong: {},
      calls: [
        ...install,
        "installer server",
        `ping ${VIP}:9345`,
        "sleep 7",
        `ping ${VIP}:9345`,
        "sleep 7",
        `ping ${VIP}:9345`,
        "systemctl enable --now rke2-server.service",
      ],
      serverLine: false,
      output:
        /INITIALISING a new cluster: nothing answered at https:\/\/10\.20\.0\.100:9345 or at any other server for 14s/,
    },
    {
      name: "re-created bootstrap server, the registration address answers: joins",
      env: bootstrapServer,
      pong: { [ping(VIP)]: 1 },
      calls: [
        ...install,
        "installer server",
        `ping ${VIP}:9345`,
        "sleep 7",
        `ping ${VIP}:9345`,
        "systemctl enable --now rke2-server.service",
      ],
      serverLine: true,
      output:
        /JOINING: a cluster already answers \(this bootstrap node was re-created\); it will not start a second cluster/,
    },
    {
      name: "second server: waits for the previous server, then the registration address",
      env: secondServer,
      pong: { [ping(SERVER_1)]: 3, [ping(VIP)]: 0 },
      calls: [
        ...install,
        "installer server",
        `ping ${SERVER_1}:9345`,
        "sleep 7",
        `ping ${SERVER_1}:9345`,
        "sleep 7",
        `ping ${SERVER_1}:9345`,
        "sleep 7",
        `ping ${SERVER_1}:9345`,
        `ping ${VIP}:9345`,
        "systemctl enable --now rke2-server.service",
      ],
      serverLine: false,
      output: /the previous server at https:\/\/10\.20\.0\.11:9345: ready \(after 3 failed attempts\)/,
    },
    {
      name: "agent: waits for the registration address, then starts rke2-agent",
      env: agent,
      pong: { [ping(VIP)]: 2 },
      calls: [
        ...install,
        "installer agent",
        `ping ${VIP}:9345`,
        "sleep 7",
        `ping ${VIP}:9345`,
        "sleep 7",
        `ping ${VIP}:9345`,
        "systemctl enable --now rke2-agent.service",
      ],
      serverLine: false,
      output: /JOINING the cluster at https:\/\/10\.20\.0\.100:9345 as an agent/,
    },
  ];

  it.each(scenarios)("$name", ({ env, pong, calls, serverLine, output }) => {
    const box = sandbox();
    for (const [url, failFirst] of Object.entries(pong)) box.serve(url, "pong", failFirst);
    const result = box.run(env);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(output);
    expect(box.calls()).toEqual(calls);
    expect(box.read(CONFIG_FILE)).toBe(serverLine ? `${CONFIG}server: https://${VIP}:9345\n` : CONFIG);
    expect(box.mode(CONFIG_FILE)).toBe(0o600);
    expect(box.exists(MARKER)).toBe(true);
    expect(result.stdout).toMatch(/bootstrap complete\n$/);
    expect(box.log()).toBe(result.stdout);
    // The temp work dir is cleaned up.
    expect(fs.readdirSync(box.path("var/lib/cluster-orchestrator")).sort()).toEqual(
      env === bootstrapServer
        ? ["bootstrapped", "cluster-decision", "rke2-started"]
        : ["bootstrapped", "rke2-started"],
    );
  });

  it.each([
    ["an agent", agent, "the registration address at https://10.20.0.100:9345"],
    ["a joining server", secondServer, "the previous server at https://10.20.0.11:9345"],
  ])("%s fails with a clear message when its wait times out, and starts nothing", (_name, env, what) => {
    const box = sandbox();
    const result = box.run({ ...env, CO_WAIT_TIMEOUT: "0" });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(`ERROR: timed out after 0s waiting for ${what} (1 failed attempts)`);
    expect(box.calls().filter((c) => c.startsWith("systemctl"))).toEqual([]);
    expect(box.exists(MARKER)).toBe(false);
  });

  it("brackets an IPv6 registration address", () => {
    const box = sandbox();
    box.serve("https://[fd00::100]:9345/ping", "pong");
    const result = box.run({ ...agent, CO_REGISTRATION_ADDRESS: "fd00::100" });
    expect(result.status).toBe(0);
    expect(box.calls()).toContain("ping [fd00::100]:9345");
  });

  it("a re-run after a failed start keeps the join decision and appends the server line once", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    fs.writeFileSync(path.join(box.dir, "systemctl.fail"), "");
    const failed = box.run(bootstrapServer);
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toMatch(/ERROR: command failed \(exit 1\) at line \d+/);
    expect(box.exists(MARKER)).toBe(false);

    // Second run: the VIP now answers from anywhere (possibly this node); the decision is reused,
    // the installer is not run again, and the config still has exactly one server line.
    fs.rmSync(path.join(box.dir, "systemctl.fail"));
    fs.rmSync(path.join(box.dir, "calls.log"));
    const again = box.run(bootstrapServer);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("reusing the decision of an earlier run: join");
    expect(box.calls()).toEqual(["systemctl enable --now rke2-server.service"]);
    expect(box.read(CONFIG_FILE).match(/^server:/gm)).toHaveLength(1);
    expect(box.mode(CONFIG_FILE)).toBe(0o600);
  });

  it("joining does not glue the server line onto a last line without a newline", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    fs.writeFileSync(box.path(CONFIG_FILE), "token: join-token", { mode: 0o600 });
    expect(box.run(bootstrapServer).status).toBe(0);
    expect(box.read(CONFIG_FILE)).toBe(`token: join-token\nserver: https://${VIP}:9345\n`);
  });

  it("a bootstrap server that must join refuses to go on without config.yaml (the join token)", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    fs.rmSync(box.path(CONFIG_FILE));
    const result = box.run(bootstrapServer);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("config.yaml is missing");
    expect(box.calls().filter((c) => c.startsWith("systemctl"))).toEqual([]);
  });
});

// Issue 9 finding 14: the bootstrap server used to initialise when only the registration address
// was silent for three probes.
describe("rke2-bootstrap.sh: positive evidence before initialising", () => {
  const SERVER_2 = "10.20.0.12";
  const SERVER_3 = "10.20.0.13";
  const withOthers = { ...bootstrapServer, CO_OTHER_SERVERS: `${SERVER_2} ${SERVER_3}` };

  it("re-created bootstrap server, the VIP silent but another server answers: joins", () => {
    const box = sandbox();
    box.serve(ping(SERVER_3), "pong");
    const result = box.run(withOthers);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`server ${SERVER_3} answers`);
    expect(result.stdout).toContain("it will not start a second cluster");
    expect(box.read(CONFIG_FILE)).toContain(`server: https://${VIP}:9345\n`);
    expect(box.calls().slice(2, 5)).toEqual([
      `ping ${VIP}:9345`,
      `ping ${SERVER_2}:9345`,
      `ping ${SERVER_3}:9345`,
    ]);
  });

  it("initialises only after every address stayed silent in every round of the quiet window", () => {
    const box = sandbox();
    const result = box.run({ ...withOthers, CO_INIT_QUIET_SECONDS: "21" });
    expect(result.status).toBe(0);
    const probes = box.calls().filter((c) => c.startsWith("ping "));
    // 21s at 7s: 4 rounds of 3 addresses.
    expect(probes).toHaveLength(12);
    expect(box.calls().filter((c) => c === "sleep 7")).toHaveLength(3);
    expect(result.stdout).toContain("INITIALISING a new cluster");
  });

  it("a server that answers only in the last round still means join", () => {
    const box = sandbox();
    box.serve(ping(SERVER_2), "pong", 2);
    const result = box.run(withOthers);
    expect(result.status).toBe(0);
    expect(box.read(CONFIG_FILE)).toContain("server: ");
  });

  it("refuses an address list that is not addresses", () => {
    const result = sandbox().run({ ...withOthers, CO_OTHER_SERVERS: "10.0.0.1 $(id)" });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("CO_OTHER_SERVERS holds '$(id)', not an address");
  });
});

// Issue 9 finding 6: a re-created server with the same name was refused by RKE2 (etcd "duplicate
// node name", node password). The joining server deletes the stale Node, which RKE2 turns into the
// etcd member's and the password secret's removal.
describe("rke2-bootstrap.sh: replacing a server of the same name", () => {
  const NODE_URL = `https://${VIP}:6443/api/v1/nodes/cluster1-server2`;
  const joiner = { ...secondServer, CO_NODE_NAME: "cluster1-server2" };

  function replacementBox(nodeJson: string | null): Sandbox {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    box.serve(ping(SERVER_1), "pong");
    if (nodeJson !== null) box.serve(NODE_URL, nodeJson);
    const tls = box.path("var/lib/rancher/rke2/server/tls");
    fs.mkdirSync(tls, { recursive: true });
    const made = selfSignedCert(
      path.join(tls, "client-ca.key"),
      path.join(tls, "client-ca.crt"),
      "rke2-client-ca",
    );
    expect(made.status).toBe(0);
    fs.writeFileSync(path.join(tls, "server-ca.crt"), "server CA\n");
    return box;
  }
  const notReady = JSON.stringify({
    kind: "Node",
    status: { conditions: [{ type: "Ready", status: "Unknown", reason: "NodeStatusUnknown" }] },
  });

  it("a stale, NotReady node of this name is deleted (with a cert from the cluster's client CA) before RKE2 starts", () => {
    const box = replacementBox(notReady);
    const result = box.run(joiner);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const calls = box.calls();
    const start = calls.indexOf("systemctl enable --now rke2-server.service");
    expect(calls.slice(start - 3, start)).toEqual([
      `GET ${NODE_URL} --cacert`,
      `DELETE ${NODE_URL} --cacert`,
      `GET ${NODE_URL} --cacert`,
    ]);
    expect(result.stdout).toContain("REPLACING: the cluster still has a node named cluster1-server2");
    // Every API call carried a client certificate the cluster's client CA signed, as system:masters.
    const certs = box
      .rawCalls()
      .split("\n")
      .filter((l) => l.startsWith("cert-"));
    expect(certs).toHaveLength(3);
    for (const line of certs)
      expect(line).toMatch(
        /^cert-ok subject=O ?= ?system:masters, CN ?= ?cluster-orchestrator:node-replacement$/,
      );
    // The one-time admin key is gone with the work dir.
    expect(fs.readdirSync(box.path("var/lib/cluster-orchestrator")).sort()).toEqual([
      "bootstrapped",
      "rke2-started",
    ]);
  });

  it("no node of this name: a first join, nothing deleted", () => {
    const box = replacementBox(null);
    const result = box.run(joiner);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("no node named cluster1-server2 in the cluster: a first join");
    expect(box.calls().filter((c) => c.startsWith("DELETE"))).toEqual([]);
  });

  it("a node of this name that is still Ready is never deleted", () => {
    const box = replacementBox(
      JSON.stringify({ kind: "Node", status: { conditions: [{ type: "Ready", status: "True" }] } }, null, 2),
    );
    const result = box.run(joiner);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("a node named cluster1-server2 is still Ready in the cluster; refusing");
    expect(box.calls().filter((c) => c.startsWith("DELETE") || c.startsWith("systemctl"))).toEqual([]);
  });

  // Review 2 (a guard, not a fix): the Ready check pipes the body into `grep -q` under
  // `set -o pipefail`; were grep to exit before the writer finished, the writer's SIGPIPE (141)
  // would make the test false and a live node would be deleted. It holds because `tr` removes the
  // newlines, so grep must read the one line to its end. A real Node lists every image after its
  // conditions (NodeStatus field order, k8s.io/api core/v1), so the body here is large.
  it("a Ready node with a real-sized status (conditions, then a long image list) is never deleted", () => {
    const images = Array.from({ length: 4000 }, (_, i) => ({
      names: [`registry.example/library/image-${i}@sha256:${"0".repeat(64)}`],
      sizeBytes: 1000 + i,
    }));
    const box = replacementBox(
      JSON.stringify({ kind: "Node", status: { conditions: [{ type: "Ready", status: "True" }], images } }),
    );
    const result = box.run(joiner);
    expect(box.calls().filter((c) => c.startsWith("DELETE") || c.startsWith("systemctl"))).toEqual([]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("a node named cluster1-server2 is still Ready in the cluster; refusing");
  });

  // Review 2: a retry after this node's own RKE2 was started must never treat this node's own Node
  // object as a stale one. Before, a start that failed (or a later step that timed out) left the
  // kubelet registered and NotReady (CNI not up yet), and the retry deleted the node itself, which
  // also removes its etcd member (k3s pkg/etcd/member_controller.go); a Ready one looped forever.
  it.each([
    ["NotReady (CNI not up yet)", notReady],
    ["Ready", JSON.stringify({ kind: "Node", status: { conditions: [{ type: "Ready", status: "True" }] } })],
  ])("a retry after RKE2 was started never deletes or refuses its own, %s, node", (_name, ownNode) => {
    const box = replacementBox(null);
    fs.writeFileSync(path.join(box.dir, "systemctl.fail"), "");
    const failed = box.run(joiner);
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toContain("no node named cluster1-server2 in the cluster: a first join");
    // RKE2 (restarted by its own unit) registered this very node in the meantime.
    box.serve(NODE_URL, ownNode);
    fs.rmSync(path.join(box.dir, "systemctl.fail"));
    fs.rmSync(path.join(box.dir, "calls.log"));
    const again = box.run(joiner);
    expect(box.calls().filter((c) => c.startsWith("DELETE") || c.startsWith("GET"))).toEqual([]);
    expect(again.stdout).toContain("RKE2 was already started on this node: skipping the stale-node check");
    expect(again.status).toBe(0);
    expect(box.exists(MARKER)).toBe(true);
  });

  it("without the cluster CA on the node (an older cluster) the check is skipped with a log line", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    box.serve(ping(SERVER_1), "pong");
    const result = box.run(joiner);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("no cluster CA on this node: skipping the stale-node check");
  });
});

describe("rke2-bootstrap.sh: installation and idempotency", () => {
  it("runs the installer at the pinned version and type, with the default install URL", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    const result = box.run({ ...agent, CO_RANCHER_MODE: "import", CO_RANCHER_INSECURE: "true" });
    expect(result.status).toBe(0);
    const env = box.installerEnv();
    expect(env).toMatchObject({ INSTALL_RKE2_VERSION: VERSION, INSTALL_RKE2_TYPE: "agent" });
    expect(env).not.toHaveProperty("INSTALL_RKE2_ARTIFACT_PATH");
    // The installer's own temp dir stays off /tmp; Rancher's secrets are not passed to it.
    expect(env.TMPDIR).toMatch(new RegExp(`^${box.root}/var/lib/cluster-orchestrator/work\\.`));
    expect(env).not.toHaveProperty("CO_RANCHER_INSECURE");
    expect(box.calls()[0]).toBe(`GET ${INSTALL_URL}`);
    expect(box.exists("usr/local/bin/rke2")).toBe(true);
    // Import mode on an agent: nothing to register.
    expect(box.exists(IMPORT_MANIFEST)).toBe(false);
  });

  it("honours CO_RKE2_INSTALL_URL", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    box.serve("https://mirror.lab.example/install.sh", FAKE_INSTALLER);
    const result = box.run({ ...agent, CO_RKE2_INSTALL_URL: "https://mirror.lab.example/install.sh" });
    expect(result.status).toBe(0);
    expect(box.calls().slice(0, 2)).toEqual(["GET https://mirror.lab.example/install.sh", "installer agent"]);
  });

  it.each([
    ["with the image tarball", true],
    ["without the (optional) image tarball", false],
  ])("artifact mirror %s: downloads the release and passes INSTALL_RKE2_ARTIFACT_PATH", (_name, images) => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    box.serve(`${MIRROR}/rke2.linux-amd64.tar.gz`, "tarball");
    box.serve(`${MIRROR}/sha256sum-amd64.txt`, "sums");
    if (images) box.serve(`${MIRROR}/rke2-images.linux-amd64.tar.zst`, "images");
    const result = box.run({ ...agent, CO_RKE2_ARTIFACT_URL: `${MIRROR}/` });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(box.calls().slice(0, 5)).toEqual([
      `GET ${INSTALL_URL}`,
      `GET ${MIRROR}/rke2.linux-amd64.tar.gz`,
      `GET ${MIRROR}/sha256sum-amd64.txt`,
      `GET ${MIRROR}/rke2-images.linux-amd64.tar.zst`,
      "installer agent",
    ]);
    const env = box.installerEnv();
    expect(env.INSTALL_RKE2_ARTIFACT_PATH).toMatch(
      new RegExp(`^${box.root}/var/lib/cluster-orchestrator/work\\.[^/]+/artifacts$`),
    );
    expect(env).toMatchObject({ INSTALL_RKE2_VERSION: VERSION, INSTALL_RKE2_TYPE: "agent" });
    // What the installer found in the artifact dir (no empty images file when the mirror has none).
    expect(fs.readFileSync(path.join(box.dir, "installer.artifacts"), "utf8").trim().split("\n")).toEqual([
      ...(images ? ["rke2-images.linux-amd64.tar.zst: images"] : []),
      "rke2.linux-amd64.tar.gz: tarball",
      "sha256sum-amd64.txt: sums",
    ]);
    expect(result.stdout).toContain(
      images ? "downloaded rke2-images.linux-amd64.tar.zst" : "images will be pulled from the registry",
    );
  });

  // Issue 14 finding 6: pinned checksums are verified before anything downloaded runs.
  it("a pinned installer checksum is checked: a match runs it, a mismatch stops before running it", () => {
    const sha = createHash("sha256").update(FAKE_INSTALLER).digest("hex");
    const ok = sandbox();
    ok.serve(ping(VIP), "pong");
    const good = ok.run({ ...agent, CO_RKE2_INSTALLER_SHA256: sha });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain("the RKE2 installer: sha256 matches the pin");
    const bad = sandbox();
    const result = bad.run({ ...agent, CO_RKE2_INSTALLER_SHA256: "0".repeat(64) });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(
      `the RKE2 installer: sha256 mismatch: expected ${"0".repeat(64)}, got ${sha}`,
    );
    expect(bad.calls()).not.toContain("installer agent");
  });

  it("without a pin the download is used with a warning naming its sha256", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    const result = box.run(agent);
    expect(result.stdout).toContain("WARNING: no pinned sha256 for the RKE2 installer (got ");
  });

  it("a pinned release checksum is checked against the mirror's sha256sum-amd64.txt", () => {
    const box = sandbox();
    box.serve(`${MIRROR}/rke2.linux-amd64.tar.gz`, "tarball");
    box.serve(`${MIRROR}/sha256sum-amd64.txt`, "forged sums");
    const sha = createHash("sha256").update("real sums").digest("hex");
    const result = box.run({ ...agent, CO_RKE2_ARTIFACT_URL: MIRROR, CO_RKE2_RELEASE_SHA256: sha });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(`sha256sum-amd64.txt of ${VERSION}: sha256 mismatch`);
    expect(box.calls()).not.toContain("installer agent");
  });

  it("curl is limited to https unless the lab opt-out is set", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    box.run(agent);
    expect(
      box
        .rawCalls()
        .split("\n")
        .find((l) => l.includes(INSTALL_URL)),
    ).toContain("--proto =https ");
    const lab = sandbox();
    lab.serve(ping(VIP), "pong");
    lab.run({ ...agent, CO_ALLOW_INSECURE_HTTP: "true" });
    expect(
      lab
        .rawCalls()
        .split("\n")
        .find((l) => l.includes(INSTALL_URL)),
    ).toContain("--proto =http,https ");
  });

  it("fails when a required mirror file is missing, before starting anything", () => {
    const box = sandbox();
    box.serve(`${MIRROR}/sha256sum-amd64.txt`, "sums");
    const result = box.run({ ...agent, CO_RKE2_ARTIFACT_URL: MIRROR });
    expect(result.status).not.toBe(0);
    expect(box.calls()).not.toContain("installer agent");
    expect(box.calls().filter((c) => c.startsWith("systemctl"))).toEqual([]);
  });

  it("fails with a clear message when the installer fails", () => {
    const box = sandbox();
    box.serve(INSTALL_URL, "#!/bin/sh\necho 'installer: boom' >&2\nexit 3\n");
    const result = box.run(agent);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("ERROR: the RKE2 installer failed");
    expect(box.calls().filter((c) => c.startsWith("systemctl"))).toEqual([]);
  });

  it("skips the installer when rke2 is already installed (a re-run after a failure)", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    fs.mkdirSync(box.path("usr/local/bin"), { recursive: true });
    fs.writeFileSync(box.path("usr/local/bin/rke2"), "", { mode: 0o755 });
    const result = box.run(agent);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("RKE2 already installed");
    expect(box.calls()).toEqual([`ping ${VIP}:9345`, "systemctl enable --now rke2-agent.service"]);
  });

  it.each([
    ["bootstrap server, none", bootstrapServer, "none", ["systemctl enable --now rke2-server.service"]],
    ["agent, import", agent, "import", ["systemctl enable --now rke2-agent.service"]],
    ["bootstrap server, custom", bootstrapServer, "custom", []],
  ])(
    "with the marker (%s mode) it only makes sure the service runs, no install",
    (_name, env, mode, calls) => {
      const box = sandbox();
      box.serve(ping(VIP), "pong");
      box.serve(AGENT_INSTALL_URL, "#!/bin/sh\nexit 0\n");
      writeSecret(box, "etc/cluster-orchestrator/rancher-agent.env", "CATTLE_SERVER=https://r\n");
      writeSecret(box, "etc/cluster-orchestrator/rancher-manifest.url", `${MANIFEST_URL}\n`);
      box.serve(MANIFEST_URL, MANIFEST_BODY);
      const modeEnv = {
        CO_RANCHER_MODE: mode,
        CO_RANCHER_AGENT_INSTALL_URL: AGENT_INSTALL_URL,
        CO_RANCHER_INSECURE: "true",
      };
      const first = box.run({ ...env, ...modeEnv });
      expect(first.status).toBe(0);
      expect(box.exists(MARKER)).toBe(true);
      fs.rmSync(path.join(box.dir, "calls.log"), { force: true });
      box.serve(AGENT_INSTALL_URL, "#!/bin/sh\nexit 1\n");
      const again = box.run({ ...env, ...modeEnv });
      expect(again.stderr).toBe("");
      expect(again.status).toBe(0);
      expect(again.stdout).toContain("already bootstrapped");
      expect(box.calls()).toEqual(calls);
    },
  );

  it("loads node.env when run by hand without the environment", () => {
    const box = sandbox();
    box.serve(ping(VIP), "pong");
    fs.mkdirSync(box.path("etc/cluster-orchestrator"), { recursive: true });
    fs.writeFileSync(
      box.path("etc/cluster-orchestrator/node.env"),
      `CO_NODE_ROLE='agent'\nCO_REGISTRATION_ADDRESS='${VIP}'\nCO_RKE2_VERSION='${VERSION}'\n`,
    );
    const result = box.run({});
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("loaded ");
    expect(box.calls()).toContain("systemctl enable --now rke2-agent.service");
  });

  it.each([
    ["an unknown role", { ...agent, CO_NODE_ROLE: "worker" }, "CO_NODE_ROLE must be server or agent"],
    ["a bootstrap agent", { ...agent, CO_BOOTSTRAP: "true" }, "CO_BOOTSTRAP=true is only valid on a server"],
    [
      "no registration address",
      { ...agent, CO_REGISTRATION_ADDRESS: "" },
      "CO_REGISTRATION_ADDRESS is not set",
    ],
    ["an unknown Rancher mode", { ...agent, CO_RANCHER_MODE: "adopt" }, "CO_RANCHER_MODE must be"],
    ["a non-numeric timeout", { ...agent, CO_WAIT_TIMEOUT: "1h" }, "CO_WAIT_TIMEOUT must be a whole number"],
  ])("rejects %s before doing anything", (_name, env, message) => {
    const box = sandbox();
    const result = box.run(env);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(message);
    expect(box.calls()).toEqual([]);
  });
});

describe("rke2-bootstrap.sh: Rancher registration", () => {
  const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
  const URL_FILE = "etc/cluster-orchestrator/rancher-manifest.url";
  const importServer = { ...bootstrapServer, CO_RANCHER_MODE: "import" };

  function importBox(): Sandbox {
    const box = sandbox();
    box.serve(MANIFEST_URL, MANIFEST_BODY);
    box.serve("https://rancher.lab.example/cacerts", CA_PEM);
    writeSecret(box, URL_FILE, `${MANIFEST_URL}\n`);
    return box;
  }

  it.each([
    [
      "a matching CA checksum: --cacert",
      { CO_RANCHER_CA_CHECKSUM: sha256(CA_PEM).toUpperCase() },
      ["GET https://rancher.lab.example/cacerts -k", `GET ${MANIFEST_URL} --cacert`],
    ],
    ["CO_RANCHER_INSECURE=true: -k", { CO_RANCHER_INSECURE: "true" }, [`GET ${MANIFEST_URL} -k`]],
    ["neither: the system trust store", {}, [`GET ${MANIFEST_URL}`]],
  ])(
    "import mode with %s; the manifest is applied once with kubectl, nothing left behind",
    (_name, tlsEnv, rancherCalls) => {
      const box = importBox();
      const result = box.run({ ...importServer, ...tlsEnv });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const kubectl = `kubectl --kubeconfig ${box.root}/etc/rancher/rke2/rke2.yaml apply -f`;
      const calls = box.calls();
      expect(calls.slice(-rancherCalls.length - 1, -1)).toEqual(rancherCalls);
      expect(calls.at(-1)).toMatch(new RegExp(`^${kubectl} \\S+/work\\.[^/]+/rancher-import\\.yaml$`));
      // RKE2 was started before the manifest was fetched.
      expect(calls.indexOf("systemctl enable --now rke2-server.service")).toBe(
        calls.length - rancherCalls.length - 2,
      );
      expect(fs.readFileSync(path.join(box.dir, "applied.yaml"), "utf8")).toBe(MANIFEST_BODY);
      // Issue 9 finding 11: nothing in RKE2's manifests folder (it re-applies those at every start).
      expect(box.exists(IMPORT_MANIFEST)).toBe(false);
      // Issue 14 finding 10: the URL never was a command argument, and its file is gone.
      expect(
        box
          .rawCalls()
          .split("\n")
          .filter((l) => l.startsWith("curl ") && l.includes(MANIFEST_TOKEN)),
      ).toEqual([]);
      expect(box.exists(URL_FILE)).toBe(false);
      expect(result.stdout).toContain("registration manifest applied once");
      expect(box.exists(MARKER)).toBe(true);
      expectNoSecrets(box, result);
    },
  );

  it("removes a manifest an older version left in RKE2's manifests folder", () => {
    const box = importBox();
    fs.mkdirSync(path.dirname(box.path(IMPORT_MANIFEST)), { recursive: true });
    fs.writeFileSync(box.path(IMPORT_MANIFEST), MANIFEST_BODY);
    expect(box.run({ ...importServer, CO_RANCHER_INSECURE: "true" }).status).toBe(0);
    expect(box.exists(IMPORT_MANIFEST)).toBe(false);
  });

  it("after success, cloud-init's cached copies of the user-data are removed too", () => {
    const box = importBox();
    const instance = "var/lib/cloud/instances/6f1c2a9e-vm-uuid";
    for (const f of ["user-data.txt", "user-data.txt.i", "obj.pkl", "boot-finished"])
      writeSecret(box, `${instance}/${f}`, "x");
    // Review 2: cloud-init also keeps the merged cloud-config (write_files contents included) in
    // the instance dir (cloudinit/handlers/cloud_config.py writes Paths "cloud_config",
    // cloud-config.txt) and in /run/cloud-init/combined-cloud-config.json (cloudinit/stages.py).
    writeSecret(box, `${instance}/cloud-config.txt`, MANIFEST_URL);
    writeSecret(box, "run/cloud-init/combined-cloud-config.json", JSON.stringify({ url: MANIFEST_URL }));
    writeSecret(box, "run/cloud-init/instance-data.json", "{}");
    expect(box.run({ ...importServer, CO_RANCHER_INSECURE: "true" }).status).toBe(0);
    expect(fs.readdirSync(box.path(instance))).toEqual(["boot-finished"]);
    expect(fs.readdirSync(box.path("run/cloud-init"))).toEqual(["instance-data.json"]);
  });

  it("a failed apply is retried (RKE2's kubectl may not be ready), and the URL file stays until it succeeds", () => {
    const box = importBox();
    fs.writeFileSync(path.join(box.dir, "kubectl.fail"), "");
    const failed = box.run({ ...importServer, CO_RANCHER_INSECURE: "true", CO_WAIT_TIMEOUT: "0" });
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toContain("timed out after 0s waiting for the registration manifest to be applied");
    expect(box.exists(URL_FILE)).toBe(true);
    expect(box.exists(MARKER)).toBe(false);
    fs.rmSync(path.join(box.dir, "kubectl.fail"));
    expect(box.run({ ...importServer, CO_RANCHER_INSECURE: "true" }).status).toBe(0);
    expect(box.exists(URL_FILE)).toBe(false);
  });

  it("the CA cacert file passed to curl is the one that matched the checksum", () => {
    const box = importBox();
    const result = box.run({ ...importServer, CO_RANCHER_CA_CHECKSUM: sha256(CA_PEM) });
    expect(result.status).toBe(0);
    const lines = box.rawCalls().split("\n");
    const manifestCall = lines[lines.findIndex((line) => line === `curl-config ${MANIFEST_URL}`) - 1];
    expect(manifestCall).toMatch(
      /--cacert \S+\/var\/lib\/cluster-orchestrator\/work\.[^/]+\/rancher-ca\.pem /,
    );
    expect(manifestCall).not.toMatch(/ -[a-zA-Z]*k\b/);
  });

  it("a CA checksum mismatch is fatal: no manifest, no insecure fallback", () => {
    const box = importBox();
    const result = box.run({ ...importServer, CO_RANCHER_CA_CHECKSUM: sha256("another CA") });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(
      `ERROR: Rancher's CA checksum mismatch: expected ${sha256("another CA")}`,
    );
    // The manifest was never requested, with -k or otherwise.
    expect(box.rawCalls()).not.toContain(MANIFEST_TOKEN);
    expect(fs.existsSync(path.join(box.dir, "applied.yaml"))).toBe(false);
    expect(box.exists(MARKER)).toBe(false);
    expectNoSecrets(box, result);
  });

  it("retries the manifest download until it succeeds, logging without the URL", () => {
    const box = importBox();
    box.serve(MANIFEST_URL, MANIFEST_BODY, 2);
    const result = box.run({ ...importServer, CO_RANCHER_INSECURE: "true" });
    expect(result.status).toBe(0);
    expect(box.calls().filter((c) => c.startsWith(`GET ${MANIFEST_URL}`))).toHaveLength(3);
    expect(result.stdout.match(/registration manifest download failed \(curl exit 7\)/g)).toHaveLength(2);
    expect(fs.readFileSync(path.join(box.dir, "applied.yaml"), "utf8")).toBe(MANIFEST_BODY);
    expectNoSecrets(box, result);
  });

  it("a manifest that never comes times out with a message, leaving nothing behind", () => {
    const box = importBox();
    fs.rmSync(path.join(box.dir, "web", MANIFEST_URL.replace("https://", "")));
    const result = box.run({ ...importServer, CO_RANCHER_INSECURE: "true", CO_WAIT_TIMEOUT: "0" });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("timed out after 0s waiting for the registration manifest");
    expect(fs.readdirSync(box.path("var/lib/cluster-orchestrator")).sort()).toEqual([
      "cluster-decision",
      "rke2-started",
    ]);
    expectNoSecrets(box, result);
  });

  it("a URL file that is not a plain https URL is refused", () => {
    const box = importBox();
    writeSecret(box, URL_FILE, 'https://r/x" -o /etc/passwd\n');
    const result = box.run({ ...importServer, CO_RANCHER_INSECURE: "true" });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("does not hold a plain https URL");
  });

  it("a joining bootstrap server also applies the manifest; other servers never do", () => {
    const joining = importBox();
    joining.serve(ping(VIP), "pong");
    expect(joining.run({ ...importServer, CO_RANCHER_INSECURE: "true" }).status).toBe(0);
    expect(joining.read(CONFIG_FILE)).toContain(`server: https://${VIP}:9345\n`);
    expect(fs.readFileSync(path.join(joining.dir, "applied.yaml"), "utf8")).toBe(MANIFEST_BODY);

    const other = importBox();
    other.serve(ping(VIP), "pong");
    other.serve(ping(SERVER_1), "pong");
    const result = other.run({ ...secondServer, CO_RANCHER_MODE: "import", CO_RANCHER_INSECURE: "true" });
    expect(result.status).toBe(0);
    expect(other.rawCalls()).not.toContain(MANIFEST_TOKEN);
    expect(fs.existsSync(path.join(other.dir, "applied.yaml"))).toBe(false);
  });
});

describe("rke2-bootstrap.sh: custom mode (Rancher's system agent)", () => {
  const ENV_FILE = "etc/cluster-orchestrator/rancher-agent.env";
  // A fake system-agent-install.sh: records the CATTLE_* environment and its arguments.
  const FAKE_AGENT_INSTALLER = `#!/bin/sh
env | grep '^CATTLE_' | sort >"$STUB_DIR/agent.env"
echo "args:$*" >"$STUB_DIR/agent.args"
exit "\${AGENT_EXIT:-0}"
`;
  const customAgent = {
    ...agent,
    CO_RANCHER_MODE: "custom",
    CO_RANCHER_AGENT_INSTALL_URL: AGENT_INSTALL_URL,
    CO_RANCHER_INSECURE: "true",
  };

  function customBox(envFile: string): Sandbox {
    const box = sandbox();
    box.serve(AGENT_INSTALL_URL, FAKE_AGENT_INSTALLER);
    writeSecret(box, ENV_FILE, envFile);
    return box;
  }

  it("runs Rancher's installer with the CATTLE_* file exported: no arguments, no token on a command line", () => {
    const box = customBox(
      `CATTLE_SERVER=https://rancher.lab.example\nCATTLE_TOKEN=${NODE_TOKEN}\nCATTLE_ROLE_WORKER=true\n`,
    );
    const result = box.run(customAgent);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(box.dir, "agent.env"), "utf8")).toBe(
      `CATTLE_ROLE_WORKER=true\nCATTLE_SERVER=https://rancher.lab.example\nCATTLE_TOKEN=${NODE_TOKEN}\n`,
    );
    expect(fs.readFileSync(path.join(box.dir, "agent.args"), "utf8")).toBe("args:\n");
    // No RKE2 installer, no probes, no service of ours: Rancher's system agent does all of that.
    expect(box.calls()).toEqual([`GET ${AGENT_INSTALL_URL} -k`]);
    expect(box.rawCalls()).not.toContain(NODE_TOKEN);
    expect(box.exists(ENV_FILE)).toBe(false);
    expect(box.exists(MARKER)).toBe(true);
    expectNoSecrets(box, result);
  });

  // Issue 14 finding 2, the proven exploit replayed: a pool label value "$(…)" used to run as root
  // on every node (the node command was joined unquoted and run with sh -c). The label now goes
  // from the program's renderer to the installer's environment without any shell parsing it.
  it("the label-injection exploit: a label value with $(…), backticks and ; runs nothing", () => {
    const marker = "pwned-by-label";
    const n = {
      ...planNode,
      labels: {
        evil: `$(touch "$CO_ROOT/${marker}")`,
        tick: `\`touch "$CO_ROOT/${marker}"\``,
        // Absolute paths: the script runs in jest's working directory, where a relative marker
        // would never be looked for (review 2: these two payloads could not fail the test).
        semi: `x; touch "$CO_ROOT/${marker}"`,
      },
      taints: [`t=$(touch "$CO_ROOT/${marker}"):NoSchedule`],
    };
    const rendered = rancherAgentEnv(
      parseRancherNodeCommand(
        `curl -fL ${AGENT_INSTALL_URL} | sudo sh -s - --server https://rancher.lab.example --token ${NODE_TOKEN}`,
      ),
      n,
    );
    const box = customBox(rendered);
    const result = box.run({ ...customAgent, CO_NODE_ROLE: "server" });
    expect(result.status).toBe(0);
    expect(box.exists(marker)).toBe(false);
    expect(fs.existsSync(path.join(box.dir, marker))).toBe(false);
    const env = fs.readFileSync(path.join(box.dir, "agent.env"), "utf8");
    expect(env).toContain(`evil=$(touch "$CO_ROOT/${marker}")`);
    expect(env).toContain(`CATTLE_TAINTS=t=$(touch "$CO_ROOT/${marker}"):NoSchedule`);
    expect(env).toContain(`semi=x; touch "$CO_ROOT/${marker}"`);
  });

  it("a line that is not CATTLE_*=value is refused before anything runs", () => {
    const box = customBox("CATTLE_SERVER=https://r\nPATH=/tmp/evil\n");
    const result = box.run(customAgent);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("unexpected line (not CATTLE_*=value)");
    expect(fs.existsSync(path.join(box.dir, "agent.env"))).toBe(false);
  });

  it("a failing installer fails the bootstrap without echoing the token; the secrets stay for the retry", () => {
    const box = customBox(`CATTLE_TOKEN=${NODE_TOKEN}\n`);
    const result = box.run({ ...customAgent, AGENT_EXIT: "4" });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("ERROR: Rancher's system agent installer failed");
    expect(box.exists(MARKER)).toBe(false);
    expect(box.exists(ENV_FILE)).toBe(true);
    expectNoSecrets(box, result);
  });

  it("refuses a plain-http installer URL", () => {
    const box = customBox("CATTLE_SERVER=https://r\n");
    const result = box.run({
      ...customAgent,
      CO_RANCHER_AGENT_INSTALL_URL: "http://rancher.lab.example/i.sh",
    });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("CO_RANCHER_AGENT_INSTALL_URL must be an https URL");
  });
});

describe("rke2-bootstrap.sh: static checks", () => {
  const itShellcheck = requireTool("shellcheck") ? it : it.skip;

  itShellcheck("shellcheck is clean", () => {
    expect(shellcheckFindings(script)).toBe("");
  });

  it("is executable, bash, strict mode", () => {
    expect(fs.statSync(script).mode & 0o111).toBe(0o111);
    const text = fs.readFileSync(script, "utf8");
    expect(text.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(text).toContain("\nset -Eeuo pipefail\n");
  });
});
