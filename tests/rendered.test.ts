/**
 * The offline render of every stack, as `npm run render -- --all` writes it, with every node's
 * user-data and network-config through Debian's cloud-init. Also the render command itself.
 */
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { listStacks } from "../components/config/sources";
import { PROJECT_ROOT } from "../components/program";
import { SECRET_PLACEHOLDER } from "../render/report";
import { runStack } from "../render/runStack";
import { writeRender } from "../render/write";
import { netConvertArgs, requireTool } from "./helpers/validators";

const exec = promisify(execFile);
const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), "co-render-"));
afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

const haveCloudInit = requireTool("cloud-init");
const itWithCloudInit = haveCloudInit ? it : it.skip;

/** Runs the validations two at a time (this machine has two cores). */
async function inPool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    [0, 1].map(async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) await work(i);
    }),
  );
}

describe("render of every stack", () => {
  const written: Record<string, string[]> = {};
  const secrets: Record<string, Set<string>> = {};
  beforeAll(async () => {
    for (const stack of listStacks(PROJECT_ROOT)) {
      const run = await runStack(stack);
      secrets[stack] = run.secrets;
      written[stack] = writeRender(run, path.join(outRoot, stack)).files;
    }
  });

  test("no secret reaches a rendered file; the token's place is kept by the placeholder", () => {
    for (const [stack, files] of Object.entries(written)) {
      expect(secrets[stack]!.size).toBeGreaterThanOrEqual(3); // join token, manifest URL, kubeconfig
      for (const file of files) {
        const text = fs.readFileSync(file, "utf8");
        for (const secret of secrets[stack]!) expect(text).not.toContain(secret);
        // Full K10<ca-hash>::<user>:<password> tokens; the CA hash is public, the password redacted.
        if (file.endsWith("user-data"))
          expect(text).toMatch(new RegExp(`token: K10[0-9a-f]{64}::(server|node):${SECRET_PLACEHOLDER}\n`));
      }
    }
  });

  test("plan.json has the documented shape", () => {
    for (const stack of Object.keys(written)) {
      const plan = JSON.parse(fs.readFileSync(path.join(outRoot, stack, "plan.json"), "utf8"));
      expect(Object.keys(plan)).toEqual(
        expect.arrayContaining([
          "stack",
          "environment",
          "useCase",
          "cluster",
          "nodes",
          "resources",
          "dnsRecords",
        ]),
      );
      expect(plan.stack).toBe(stack);
      expect(Object.keys(plan.cluster)).toEqual(
        expect.arrayContaining(["number", "name", "vlan", "cidr", "gateway", "vip"]),
      );
      for (const node of plan.nodes) {
        expect(Object.keys(node)).toEqual(
          expect.arrayContaining([
            "hostname",
            "fqdn",
            "pool",
            "role",
            "ip",
            "mac",
            "cpus",
            "memoryMiB",
            "diskGiB",
          ]),
        );
        expect(["server", "agent"]).toContain(node.role);
        expect(fs.existsSync(path.join(outRoot, stack, "nodes", node.hostname, "user-data"))).toBe(true);
      }
      for (const r of plan.resources)
        expect(Object.keys(r)).toEqual(expect.arrayContaining(["type", "name", "parent", "dependsOn"]));
    }
  });

  itWithCloudInit("every user-data passes `cloud-init schema`", async () => {
    const files = Object.values(written)
      .flat()
      .filter((f) => f.endsWith("user-data"));
    expect(files.length).toBeGreaterThanOrEqual(30);
    const failures: string[] = [];
    await inPool(files, async (file) => {
      const { stdout, stderr } = await exec("cloud-init", ["schema", "--config-file", file]).catch(
        (e: { stdout: string; stderr: string }) => e,
      );
      if (!/^Valid cloud-config:/m.test(stdout) || /deprecat|error|invalid|warning/i.test(stderr))
        failures.push(`${file}: ${stdout}${stderr}`);
    });
    expect(failures).toEqual([]);
  });

  itWithCloudInit(
    "every network-config converts with `cloud-init devel net-convert` and keeps its MAC and address",
    async () => {
      const files = Object.values(written)
        .flat()
        .filter((f) => f.endsWith("network-config"));
      const failures: string[] = [];
      await inPool(files, async (file) => {
        const dir = fs.mkdtempSync(path.join(outRoot, "nc-"));
        const args = netConvertArgs(file, "networkd", dir);
        const result = await exec("cloud-init", args).catch((e: { stderr: string }) => ({
          failed: e.stderr,
        }));
        if ("failed" in result) return void failures.push(`${file}: ${result.failed}`);
        const rendered = fs
          .readdirSync(path.join(dir, "etc/systemd/network"))
          .map((f) => fs.readFileSync(path.join(dir, "etc/systemd/network", f), "utf8"))
          .join("\n");
        const source = fs.readFileSync(file, "utf8");
        const mac = /macaddress: "?([0-9a-f:]+)"?/.exec(source)?.[1];
        const address = /- (\d+\.\d+\.\d+\.\d+\/\d+)/.exec(source)?.[1];
        if (!mac || !rendered.includes(`MACAddress=${mac}`))
          failures.push(`${file}: MAC ${mac} missing in ${rendered}`);
        if (address && !rendered.includes(`Address=${address}`))
          failures.push(`${file}: address ${address} missing`);
        if (!address && !/DHCP=ipv4/.test(rendered))
          failures.push(`${file}: neither a static address nor DHCP`);
      });
      expect(failures).toEqual([]);
    },
  );

  test("rendering is deterministic: a second render is byte-identical", async () => {
    const again = fs.mkdtempSync(path.join(os.tmpdir(), "co-render2-"));
    try {
      const stack = "accounting-analytics-prod";
      const second = writeRender(await runStack(stack), path.join(again, stack)).files;
      for (const file of second) {
        const first = path.join(outRoot, stack, path.relative(path.join(again, stack), file));
        expect(fs.readFileSync(file, "utf8")).toBe(fs.readFileSync(first, "utf8"));
      }
    } finally {
      fs.rmSync(again, { recursive: true, force: true });
    }
  });
});

describe("npm run render", () => {
  const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
  const render = (...args: string[]) =>
    spawnSync(tsx, [path.join(PROJECT_ROOT, "bin", "render.ts"), ...args], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });

  test("renders a stack, prints the node table, exits 0", () => {
    const result = render("legal-ai-dev");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /cluster1-server1 \*\s+server\s+server\s+10\.10\.1\.11\s+02:00:0a:0a:01:0b/,
    );
    expect(result.stdout).toContain("legal-ai-dev-worker-2  (xenorchestra:index/vm:Vm)");
  });

  test("an unknown stack exits 1 with a message naming the file, no stack trace", () => {
    const result = render("no-such-stack");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("stacks/Pulumi.no-such-stack.yaml): file not found");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  test("no arguments prints the usage and the stacks", () => {
    const result = render();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("legal-ai-prod");
  });
});
