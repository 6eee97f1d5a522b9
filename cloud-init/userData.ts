/**
 * Renders a node's cloud-init `user-data` (cloud-config). XO copies the string verbatim onto the
 * NoCloud config drive, so everything node-specific is resolved here.
 */
import { stringify } from "yaml";
import { readScript } from "./scripts";
import type { UserDataInput, WriteFile } from "./types";

/** Where cloud-init writes the boot script; runcmd runs it. */
export const bootScriptPath = "/usr/local/sbin/co-prepare-node.sh";
/** Environment sourced by the boot script (no secrets: those are one-time 0600 files; still 0600). */
export const nodeEnvPath = "/etc/cluster-orchestrator/node.env";
/** The unit that runs the boot script at every boot and retries it until it succeeds. */
export const bootUnitName = "co-bootstrap.service";
export const bootUnitPath = `/etc/systemd/system/${bootUnitName}`;

/**
 * runcmd runs once per instance, so a boot script started there directly is never retried. The
 * unit retries the script (Restart=on-failure, no start limit) until it exits 0 and runs it again
 * at every boot, where the markers make it a cheap "make sure RKE2 runs". Type=oneshot with
 * Restart=on-failure needs systemd >= 244 (Debian 13 ships 257). No start timeout: the script
 * bounds its own waits (CO_WAIT_TIMEOUT) and then fails, which is what triggers the retry.
 * Not ordered after cloud-final.service: multi-user.target (which wants this unit) is ordered after
 * it, and cloud-final is ordered after multi-user.target, so that would be an ordering cycle. On the
 * first boot the unit is enabled and started only from runcmd, i.e. after write_files and package
 * installation; on later boots everything it needs is on disk.
 */
export const BOOT_UNIT = `[Unit]
Description=cluster-orchestrator: prepare this node and bring it into its RKE2 cluster
Wants=network-online.target
After=network-online.target
StartLimitIntervalSec=0

[Service]
Type=oneshot
ExecStart=${bootScriptPath}
RemainAfterExit=yes
Restart=on-failure
RestartSec=30
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
`;

/** The sudoers rule for the admin user, or null for no sudo. */
export function sudoRule(adminSudo: UserDataInput["adminSudo"]): string | null {
  if (adminSudo === "none") return null;
  if (adminSudo === "all") return "ALL=(ALL) NOPASSWD:ALL";
  for (const command of adminSudo) {
    // sudoers metacharacters would widen or break the rule.
    if (!/^\/[A-Za-z0-9._/-]+( [A-Za-z0-9._/=:@-]+)*$/.test(command)) {
      throw new Error(`adminSudo command "${command}" is not an absolute command line of plain words`);
    }
  }
  return `ALL=(root) NOPASSWD: ${adminSudo.join(", ")}`;
}

/**
 * cloud-init parses with PyYAML, i.e. YAML 1.1: serialising as 1.1 makes the `yaml` library quote
 * strings that 1.1 would read as something else (yes/no/on/off, sexagesimal numbers such as a MAC
 * made of decimal digits). lineWidth 0 keeps long strings (SSH keys) on one line; file contents
 * are block literals, so scripts stay readable in the rendered file.
 */
const yamlOptions = { version: "1.1", lineWidth: 0, blockQuote: "literal" } as const;

const shellIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Single-quotes a value for POSIX shells: nothing inside is expanded; ' becomes '\''. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `KEY='value'` lines, keys sorted so the output does not depend on object insertion order. */
export function renderNodeEnv(env: Record<string, string>): string {
  const lines = Object.keys(env)
    .sort()
    .map((key) => {
      if (!shellIdentifier.test(key)) {
        throw new Error(`bootEnv key "${key}" is not a valid shell variable name`);
      }
      const value = env[key] ?? "";
      if (value.includes("\0")) {
        throw new Error(`bootEnv value of "${key}" contains a NUL byte, which a shell cannot hold`);
      }
      return `${key}=${shellQuote(value)}`;
    });
  return ["# Written by cloud-init (cluster-orchestrator); sourced by the boot script.", ...lines, ""].join(
    "\n",
  );
}

function writeFile(file: WriteFile): Record<string, string> {
  return {
    path: file.path,
    content: file.content,
    permissions: file.permissions,
    owner: file.owner ?? "root:root",
  };
}

export function renderUserData(input: UserDataInput): string {
  if (input.sshAuthorizedKeys.length === 0) {
    // The admin user has no password: without a key the node could not be reached at all.
    throw new Error(`no SSH authorized key for ${input.adminUser} on ${input.hostname}`);
  }

  const files: WriteFile[] = [
    { path: nodeEnvPath, content: renderNodeEnv(input.bootEnv), permissions: "0600" },
    { path: bootScriptPath, content: readScript("prepare-node.sh"), permissions: "0755" },
    { path: bootUnitPath, content: BOOT_UNIT, permissions: "0644" },
    ...input.files,
  ];
  // A later entry for the same path would silently replace an earlier one on the node.
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`write_files: ${file.path} is written twice`);
    seen.add(file.path);
  }

  const packages = [...new Set(input.packages)];
  const sudo = sudoRule(input.adminSudo);

  // Key order here is the order in the output; keep it fixed for byte-identical renders.
  const config: Record<string, unknown> = {
    hostname: input.hostname,
    fqdn: input.fqdn,
    manage_etc_hosts: true,
    // No "default" entry: the image's default user is not created, only our admin.
    users: [
      {
        name: input.adminUser,
        ...(sudo !== null ? { groups: ["sudo"] } : {}),
        shell: "/bin/bash",
        ...(sudo !== null ? { sudo } : {}),
        lock_passwd: true,
        ssh_authorized_keys: input.sshAuthorizedKeys,
      },
    ],
    ssh_pwauth: false,
    disable_root: true,
    timezone: input.timezone,
    package_update: true,
    ...(packages.length > 0 ? { packages } : {}),
    write_files: files.map(writeFile),
    // runcmd runs in the final stage, after write_files and package installation; --no-block so
    // cloud-final finishes while the unit (not ordered against it: see BOOT_UNIT) runs and, if
    // need be, retries.
    runcmd: [
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "--no-block", bootUnitName],
    ],
  };

  return `#cloud-config\n${stringify(config, yamlOptions)}`;
}
