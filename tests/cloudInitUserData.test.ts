/**
 * renderUserData and renderNetworkConfig at their edges: the sudo rule's accepted and refused
 * command lines, node.env values a shell must get back exactly, file owners, empty lists, YAML 1.1
 * words, and the paths the boot chain relies on, each read from the rendered output or the script
 * that consumes it (never from the renderer's own constants).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { renderNetworkConfig } from "../cloud-init/networkConfig";
import { readScript } from "../cloud-init/scripts";
import type { NetworkConfigInput, UserDataInput } from "../cloud-init/types";
import { renderUserData, sudoRule } from "../cloud-init/userData";
import { run } from "./helpers/validators";

const base: UserDataInput = {
  hostname: "h-1",
  fqdn: "h-1.zone.test",
  adminUser: "ops",
  adminSudo: "all",
  sshAuthorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdgeCaseKey ops@desk"],
  packages: ["jq"],
  timezone: "UTC",
  files: [],
  bootEnv: {},
};

interface CloudConfig {
  users: Array<Record<string, unknown>>;
  packages?: string[];
  runcmd: string[][];
  write_files: Array<{ path: string; content: string; permissions: string; owner: string }>;
  [key: string]: unknown;
}

const cloudConfig = (input: UserDataInput): CloudConfig =>
  parse(renderUserData(input), { version: "1.1" }) as CloudConfig;

const fileAt = (config: CloudConfig, file: string) => config.write_files.find((f) => f.path === file);

describe("sudoRule", () => {
  it("all: any command as anyone without a password; none: no rule", () => {
    expect(sudoRule("all")).toBe("ALL=(ALL) NOPASSWD:ALL");
    expect(sudoRule("none")).toBeNull();
  });

  it.each([
    ["/usr/sbin/reboot"],
    ["/usr/bin/systemctl restart rke2-server.service"],
    ["/var/lib/rancher/rke2/bin/crictl --runtime-endpoint=unix:///run/k3s/containerd/containerd.sock ps"],
    ["/usr/bin/ssh-keygen -f /root/.ssh/id_ed25519 -C ops@host_1"],
  ])("accepts the absolute command line %s, as root only", (command) => {
    expect(sudoRule([command])).toBe(`ALL=(root) NOPASSWD: ${command}`);
  });

  it("lists several command lines as one rule, comma separated", () => {
    expect(sudoRule(["/usr/bin/a", "/usr/bin/b x"])).toBe("ALL=(root) NOPASSWD: /usr/bin/a, /usr/bin/b x");
  });

  // Each would widen the rule (another command, any argument, another line) or break the file.
  it.each([
    ["a relative command", "systemctl status"],
    ["text before the path", "evil /usr/bin/ls"],
    ["a leading space", " /usr/bin/ls"],
    ["a comma (a second command)", "/usr/bin/ls, ALL"],
    ["a shell separator", "/usr/bin/ls;id"],
    ["a wildcard argument", "/usr/bin/ls *"],
    ["a newline (a second sudoers line)", "/usr/bin/ls\n/usr/bin/id"],
    ["two spaces (an empty argument)", "/usr/bin/ls  -l"],
    ["a trailing space", "/usr/bin/ls "],
    ["only a slash", "/"],
    ["nothing", ""],
  ])("refuses %s, naming the command", (_name, command) => {
    expect(() => sudoRule(["/usr/bin/ok", command])).toThrow(`adminSudo command "${command}"`);
  });
});

describe("renderUserData edges", () => {
  it("node.env: a header comment, then values a shell reads back exactly, newlines included", () => {
    const value = "line 1\nline 2 'q' $(id) ${X}";
    const env = fileAt(
      cloudConfig({ ...base, bootEnv: { CO_B: value, CO_A: "" } }),
      "/etc/cluster-orchestrator/node.env",
    );
    expect(env).toMatchObject({ permissions: "0600", owner: "root:root" });
    const lines = env!.content.split("\n");
    expect(lines[0]).toMatch(/^# .*cluster-orchestrator/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "co-env-"));
    try {
      fs.writeFileSync(path.join(dir, "node.env"), env!.content);
      const out = run("bash", [
        "-c",
        '. "$1" && printf "%s|%s|%s" "${CO_A-unset}" "$CO_B" "${#CO_A}"',
        "bash",
        path.join(dir, "node.env"),
      ]);
      expect(out.stdout).toBe(`|${value}|0`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a NUL byte in a boot variable, naming the variable", () => {
    expect(() => renderUserData({ ...base, bootEnv: { CO_OK: "x", CO_BAD: "a\0b" } })).toThrow(/"CO_BAD"/);
    expect(() => renderUserData({ ...base, bootEnv: { CO_OK: "a\u0001b" } })).not.toThrow();
  });

  it.each(["_X", "x", "A1_b"])("accepts the shell variable name %s", (key) => {
    expect(() => renderUserData({ ...base, bootEnv: { [key]: "v" } })).not.toThrow();
  });

  it.each(["", "A B", "A-B", "9A", "A=B", "$A", "A\nB"])("refuses the bootEnv key %j", (key) => {
    expect(() => renderUserData({ ...base, bootEnv: { CO_OK: "v", [key]: "v" } })).toThrow(
      `bootEnv key "${key}"`,
    );
  });

  it("keeps a caller's owner (root:root when none is given)", () => {
    const files = [
      { path: "/etc/a", content: "a", permissions: "0600", owner: "etcd:etcd" },
      { path: "/etc/b", content: "b", permissions: "0640" },
    ];
    const config = cloudConfig({ ...base, files });
    expect(fileAt(config, "/etc/a")).toEqual({ ...files[0] });
    expect(fileAt(config, "/etc/b")).toEqual({ ...files[1], owner: "root:root" });
  });

  it("a file written twice is refused among the caller's files too", () => {
    const twice = [
      { path: "/etc/a", content: "1", permissions: "0600" },
      { path: "/etc/a", content: "2", permissions: "0600" },
    ];
    expect(() => renderUserData({ ...base, files: twice })).toThrow("write_files: /etc/a is written twice");
  });

  it("no packages: no packages key at all (nothing for apt to install)", () => {
    const config = cloudConfig({ ...base, packages: [] });
    expect(config).not.toHaveProperty("packages");
    expect(config.package_update).toBe(true);
    expect(cloudConfig({ ...base, packages: ["a", "b", "a"] }).packages).toEqual(["a", "b"]);
  });

  // PyYAML (YAML 1.1) would read these unquoted as booleans or numbers: cloud-init would then
  // create a user named False.
  it.each(["off", "no", "yes", "on", "1:30", "0x1f", "1_000"])(
    "a YAML 1.1 keyword or number as a name (%s) stays a string",
    (word) => {
      const config = cloudConfig({ ...base, adminUser: word, timezone: word, packages: [word] });
      expect(config.users[0]?.name).toBe(word);
      expect(config.timezone).toBe(word);
      expect(config.packages).toEqual([word]);
    },
  );

  it("the boot chain's paths agree: node.env where the script reads it, the unit runs the script", () => {
    const config = cloudConfig(base);
    const script = readScript("prepare-node.sh");
    const envFile = /^ENV_FILE="\$\{CO_ROOT\}(\/\S+)"$/m.exec(script)?.[1];
    expect(envFile).toBe("/etc/cluster-orchestrator/node.env");
    expect(fileAt(config, envFile!)?.permissions).toBe("0600");

    const executable = config.write_files.filter((f) => f.permissions === "0755");
    expect(executable.map((f) => [f.path, f.content === script])).toEqual([
      ["/usr/local/sbin/co-prepare-node.sh", true],
    ]);

    const enable = config.runcmd.find((c) => c.includes("enable"));
    const unitName = enable?.[enable.length - 1] ?? "";
    expect(unitName).toMatch(/^[a-z-]+\.service$/);
    const unit = fileAt(config, `/etc/systemd/system/${unitName}`);
    expect(unit?.permissions).toBe("0644");
    expect(unit?.content.split("\n")).toContain("ExecStart=/usr/local/sbin/co-prepare-node.sh");
    // daemon-reload first: systemd reads the unit cloud-init has just written.
    expect(config.runcmd[0]).toEqual(["systemctl", "daemon-reload"]);
  });
});

describe("renderNetworkConfig edges", () => {
  const input: NetworkConfigInput = {
    mac: "02:00:00:00:00:01",
    address: null,
    resolvers: ["10.0.0.53"],
    searchDomains: ["zone.test"],
    mtu: 1500,
  };
  const eth0 = (i: NetworkConfigInput) =>
    (
      parse(renderNetworkConfig(i), { version: "1.1" }) as {
        ethernets: Record<string, Record<string, unknown>>;
      }
    ).ethernets.eth0;

  it("DNS servers without a search domain, and a search domain without DNS servers", () => {
    expect(eth0({ ...input, searchDomains: [] })?.nameservers).toEqual({ addresses: ["10.0.0.53"] });
    expect(eth0({ ...input, resolvers: [] })?.nameservers).toEqual({ search: ["zone.test"] });
  });

  it.each(["02:00:00:00:00:01", "FE:DC:BA:98:76:54", "0a:1b:2c:3d:4e:5f"])("accepts the MAC %s", (mac) => {
    expect((eth0({ ...input, mac })?.match as { macaddress: string }).macaddress).toBe(mac.toLowerCase());
  });

  it.each([
    "",
    "02:00:00:00:00",
    "02:00:00:00:00:01:02",
    "002:00:00:00:00:01",
    "02:00:00:00:00:011",
    "2:0:0:0:0:1",
    "02-00-00-00-00-01",
    "02:00:00:00:00:0g",
    " 02:00:00:00:00:01",
    "02:00:00:00:00:01\n",
    "0200.0000.0001",
  ])("refuses the MAC %j", (mac) => {
    expect(() => renderNetworkConfig({ ...input, mac })).toThrow(`invalid MAC address "${mac}"`);
  });
});
