/**
 * Test hosts in network namespaces for the join-ordering suite: one namespace per host, all on
 * one Linux bridge (in a "switch" namespace), each with a real address on eth0. On each host the
 * REAL boot script (cloud-init/scripts/rke2-bootstrap.sh) runs under `ip netns exec`, with real
 * curl and real sleep; only systemctl is a stub, which starts tests/netns/stub-rke2.py (a stand-in
 * RKE2 supervisor) in that host's namespace. Everything is created under a random prefix and
 * removed by `destroy`. Needs root (CI runs as root).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { selfSignedCert, writeScript } from "../helpers/validators";

// What a node receives: the script with its shared lib/ files inlined (cloud-init/scripts.ts).
const SCRIPT = writeScript("rke2-bootstrap.sh");
const STUB = path.join(__dirname, "stub-rke2.py");
export const SUBNET = "10.123.0";
export const VIP = `${SUBNET}.100`;

/** Why the suite cannot run here, or null when it can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "not root (ip netns needs CAP_NET_ADMIN)";
  const probe = `co-probe-${process.pid}`;
  const add = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
  if (add.status !== 0) return `ip netns add failed: ${(add.stderr || String(add.error)).trim()}`;
  spawnSync("ip", ["netns", "del", probe]);
  if (spawnSync("python3", ["--version"]).status !== 0) return "python3 is missing (the stub supervisor)";
  return null;
}

function sh(args: string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
}

export interface HostSpec {
  name: string;
  role: "server" | "agent";
  bootstrap?: boolean;
  previous?: string;
  others?: string[];
  /** Seconds the stub waits before its supervisor answers (a slow server). */
  slow?: number;
}

export interface Host extends HostSpec {
  ns: string;
  ip: string;
  root: string;
  /** The switch-side end of its cable: down = partitioned. */
  port: string;
}

export interface BootResult {
  host: string;
  status: number | null;
  output: string;
}

export class TestNet {
  readonly id = `c${Math.random().toString(36).slice(2, 6)}`;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-netns-"));
  readonly sw = `${this.id}-sw`;
  readonly hosts = new Map<string, Host>();
  private readonly bin = path.join(this.dir, "bin");
  private readonly shared = path.join(this.dir, "shared");

  constructor(specs: HostSpec[]) {
    fs.mkdirSync(this.bin);
    fs.mkdirSync(this.shared);
    const made = selfSignedCert(
      path.join(this.dir, "stub.key"),
      path.join(this.dir, "stub.crt"),
      "rke2-stub",
    );
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
    // The only stub: systemctl starts (once) the stand-in supervisor of the unit's role.
    fs.writeFileSync(
      path.join(this.bin, "systemctl"),
      `#!/bin/sh
case "$*" in
  "enable --now rke2-server.service") role=server ;;
  "enable --now rke2-agent.service") role=agent ;;
  *) exit 0 ;;
esac
if [ -f "$CO_ROOT/stub.pid" ] && kill -0 "$(cat "$CO_ROOT/stub.pid")" 2>/dev/null; then exit 0; fi
nohup python3 "$STUB_RKE2" "$role" >>"$CO_ROOT/stub.log" 2>&1 </dev/null &
echo $! >"$CO_ROOT/stub.pid"
`,
      { mode: 0o755 },
    );
    sh(["ip", "netns", "add", this.sw]);
    sh(["ip", "-n", this.sw, "link", "add", "br0", "type", "bridge"]);
    sh(["ip", "-n", this.sw, "link", "set", "br0", "up"]);
    specs.forEach((spec, i) => {
      const host: Host = {
        ...spec,
        ns: `${this.id}-${spec.name}`,
        ip: `${SUBNET}.${11 + i}`,
        root: "",
        port: `${this.id}p${i}`,
      };
      const cable = `${this.id}h${i}`;
      sh(["ip", "netns", "add", host.ns]);
      sh(["ip", "link", "add", cable, "type", "veth", "peer", "name", host.port]);
      sh(["ip", "link", "set", cable, "netns", host.ns]);
      sh(["ip", "link", "set", host.port, "netns", this.sw]);
      sh(["ip", "-n", this.sw, "link", "set", host.port, "master", "br0", "up"]);
      sh(["ip", "-n", host.ns, "link", "set", cable, "name", "eth0"]);
      sh(["ip", "-n", host.ns, "addr", "add", `${host.ip}/24`, "dev", "eth0"]);
      sh(["ip", "-n", host.ns, "link", "set", "eth0", "up"]);
      sh(["ip", "-n", host.ns, "link", "set", "lo", "up"]);
      // An address nobody holds (the VIP before any server runs) fails after 2 ARP tries 100 ms
      // apart instead of the default 3 s, so probes of it stay fast.
      for (const [key, value] of [
        ["retrans_time_ms", "100"],
        ["mcast_solicit", "2"],
      ]) {
        sh(["ip", "netns", "exec", host.ns, "sysctl", "-qw", `net.ipv4.neigh.eth0.${key}=${value}`]);
      }
      this.hosts.set(spec.name, host);
      this.freshRoot(host);
    });
  }

  host(name: string): Host {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  /** A new VM: an empty root with what cloud-init writes (config.yaml) and RKE2 "installed". */
  freshRoot(host: Host): void {
    host.root = fs.mkdtempSync(path.join(this.dir, `${host.name}-`));
    const rke2 = path.join(host.root, "etc/rancher/rke2");
    fs.mkdirSync(rke2, { recursive: true });
    const server = host.bootstrap ? "" : `server: https://${VIP}:9345\n`;
    fs.writeFileSync(path.join(rke2, "config.yaml"), `token: test-token\n${server}`, { mode: 0o600 });
    fs.mkdirSync(path.join(host.root, "usr/local/bin"), { recursive: true });
    fs.writeFileSync(path.join(host.root, "usr/local/bin/rke2"), "#!/bin/sh\n", { mode: 0o755 });
  }

  /** Runs the real boot script on a host; resolves when it exits. */
  boot(name: string, extraEnv: Record<string, string> = {}): Promise<BootResult> {
    const host = this.host(name);
    const ip = (n: string) => this.host(n).ip;
    const env: Record<string, string> = {
      PATH: `${this.bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      CO_ROOT: host.root,
      CO_NODE_ROLE: host.role,
      CO_NODE_NAME: host.name,
      CO_BOOTSTRAP: String(host.bootstrap === true),
      CO_REGISTRATION_ADDRESS: VIP,
      CO_PREVIOUS_SERVER: host.previous ? ip(host.previous) : "",
      CO_OTHER_SERVERS: (host.others ?? []).map(ip).join(" "),
      CO_RANCHER_MODE: "none",
      CO_RKE2_VERSION: "v1.34.2+rke2r1",
      CO_POLL_INTERVAL: "1",
      CO_INIT_QUIET_SECONDS: "3",
      CO_WAIT_TIMEOUT: "30",
      STUB_RKE2: STUB,
      STUB_CERT: path.join(this.dir, "stub.crt"),
      STUB_KEY: path.join(this.dir, "stub.key"),
      NETNS_SHARED: this.shared,
      NETNS_HOST: name,
      NETNS_VIP: VIP,
      NETNS_ALL: [...this.hosts.values()].map((h) => h.ns).join(" "),
      NETNS_SLOW: String(host.slow ?? 0),
      ...extraEnv,
    };
    return new Promise((resolve) => {
      const child = spawn("ip", ["netns", "exec", host.ns, "bash", SCRIPT], { env });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      // Bounded: a boot that hangs is killed and reported, never left running.
      const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
      child.on("close", (status) => {
        clearTimeout(timer);
        resolve({ host: name, status, output });
      });
    });
  }

  /** Lines of events.log as [time, host, event, ...args]. */
  events(): string[][] {
    const file = path.join(this.shared, "events.log");
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
  }

  /** Time of a host's first event of a kind. */
  when(host: string, what: string): number {
    const e = this.events().find((x) => x[1] === host && x[2] === what);
    if (!e) throw new Error(`${host} never logged ${what}`);
    return Number(e[0]);
  }

  /** Waits (bounded) until a host logged an event: the stand-in RKE2 runs on after the script. */
  async waitFor(host: string, what: string, count = 1, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.events().filter((e) => e[1] === host && e[2] === what).length < count) {
      if (Date.now() > deadline)
        throw new Error(`${host} did not log ${what} x${count} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Heals a host's partition after `seconds`, from a separate process: the test's event loop can
   * be held up by the other (concurrent) scenarios' setup, a timer in it would fire late.
   */
  healAfter(name: string, seconds: number): Promise<void> {
    const child = spawn("sh", [
      "-c",
      `sleep ${seconds}; ip -n ${this.sw} link set ${this.host(name).port} up`,
    ]);
    return new Promise((resolve) => child.on("close", () => resolve()));
  }

  partition(name: string, down: boolean): void {
    sh(["ip", "-n", this.sw, "link", "set", this.host(name).port, down ? "down" : "up"]);
  }

  /** Stops a host's stand-in RKE2 (its VIP goes to another server). */
  stop(name: string): void {
    const pidFile = path.join(this.host(name).root, "stub.pid");
    if (!fs.existsSync(pidFile)) return;
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      return;
    }
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      spawnSync("sleep", ["0.1"]);
    }
    process.kill(pid, "SIGKILL");
  }

  destroy(): void {
    for (const name of this.hosts.keys()) this.stop(name);
    for (const host of this.hosts.values()) spawnSync("ip", ["netns", "del", host.ns]);
    spawnSync("ip", ["netns", "del", this.sw]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
