/**
 * npm run xo-sim — starts the XO SIMULATOR (not Xen Orchestra) on loopback, seeded from an
 * environment layer (Pulumi.dev.yaml by default), and prints the XOA_URL / XOA_TOKEN to use.
 *
 *   npm run xo-sim -- [--layer Pulumi.prod.yaml] [--port 8080] [--token T] [--fail-create NAME]
 *                     [--no-address NAME] [--task-delay MS] [--xo-host NAME]... (XCP-ng host names to seed)
 */
import * as fs from "fs";
import { parse } from "yaml";
import { seedInventory } from "./inventory";
import { startXoSim } from "./server";

function options(argv: string[]) {
  const out = {
    layer: "Pulumi.dev.yaml",
    port: 0,
    token: "xo-sim-token",
    failCreate: [] as string[],
    noAddress: [] as string[],
    taskDelay: 0,
    hosts: [] as string[],
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case "--layer":
        out.layer = value();
        break;
      case "--port":
        out.port = Number(value());
        break;
      case "--token":
        out.token = value();
        break;
      case "--fail-create":
        out.failCreate.push(value());
        break;
      case "--no-address":
        out.noAddress.push(value());
        break;
      case "--task-delay":
        out.taskDelay = Number(value());
        break;
      case "--xo-host":
        out.hosts.push(value());
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return out;
}

async function main() {
  const o = options(process.argv.slice(2));
  const layer = parse(fs.readFileSync(o.layer, "utf8")) as { config?: Record<string, unknown> };
  const xo = layer.config?.["cluster-orchestrator:xo"] as
    { pool: string; template: string; sr: string; pifDevice: string } | undefined;
  if (xo === undefined) throw new Error(`${o.layer} has no cluster-orchestrator:xo`);
  const sim = await startXoSim({
    inventory: seedInventory({ ...xo, hosts: o.hosts }),
    token: o.token,
    port: o.port,
    faults: { failVmCreate: o.failCreate, noGuestAddress: o.noAddress, taskDelayMs: o.taskDelay },
  });
  process.stdout.write(
    `XO SIMULATOR (not Xen Orchestra) seeded from ${o.layer}\n` +
      `  XOA_URL=${sim.wsUrl}\n  XOA_TOKEN=${o.token}\n  REST: ${sim.url}/rest/v0\nCtrl-C to stop.\n`,
  );
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: Error) => {
  process.stderr.write(`xo-sim: ${e.message}\n`);
  process.exit(1);
});
