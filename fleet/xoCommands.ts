/**
 * `fleet snapshot` and `fleet doctor`: the commands that talk to XO (and Rancher) directly, over
 * their REST APIs, without Pulumi. Neither loads the Pulumi SDK.
 */
import { ConfigError } from "../components/config/errors";
import { loadStack, type LoadedStack } from "../components/stack/load";
import { listStacks } from "../components/config/sources";
import { profiles } from "../stacks/profiles";
import { clusterFacts } from "./cluster";
import { confirm } from "./confirm";
import {
  EXIT_FAILED,
  EXIT_OK,
  JSON_FORMAT_VERSION,
  SelectionError,
  UsageError,
  type FleetDeps,
} from "./deps";
import { doctorFailed, formatReport, runDoctor, type Check } from "./doctor";
import {
  findClusterVms,
  formatSnapshotTime,
  listSnapshots,
  matchSnapshots,
  snapshotName,
  snapshotVms,
} from "./snapshot";
import { renderTable } from "../components/lib/table";
import { XoClient, XoError, xoSettingsFromEnv } from "./xoClient";

export interface SnapshotArgs {
  stack: string;
  name: string | undefined;
  list: boolean;
  delete: string | undefined;
  yes: boolean;
  json: boolean;
}

export interface DoctorArgs {
  stack: string;
  deployed: boolean;
  json: boolean;
}

function knownStack(stack: string, deps: FleetDeps): string {
  const known = listStacks(deps.rootDir);
  if (!known.includes(stack))
    throw new SelectionError(`unknown stack ${stack}; stacks/ has: ${known.join(", ")}`);
  return stack;
}

function load(stack: string, deps: FleetDeps): LoadedStack {
  // Only this stack's own configuration matters here; the cross-stack checks belong to preview.
  return loadStack(stack, { rootDir: deps.rootDir, profiles, crossCheck: false });
}

function xoClient(deps: FleetDeps): { client: XoClient; baseUrl: string } {
  const settings = xoSettingsFromEnv(deps.env);
  return {
    baseUrl: settings.baseUrl,
    client: new XoClient({
      baseUrl: settings.baseUrl,
      credentials: settings.credentials,
      http: deps.http({ insecure: settings.insecure }),
      ...(deps.xoPollIntervalMs !== undefined ? { pollIntervalMs: deps.xoPollIntervalMs } : {}),
      ...(deps.xoTaskTimeoutMs !== undefined ? { taskTimeoutMs: deps.xoTaskTimeoutMs } : {}),
    }),
  };
}

export async function snapshotCommand(args: SnapshotArgs, deps: FleetDeps): Promise<number> {
  const stack = knownStack(args.stack, deps);
  const modes = [args.list, args.delete !== undefined, args.name !== undefined].filter(Boolean).length;
  if (modes > 1) throw new UsageError("use one of --list, --delete or --name");
  if (args.json && !args.list) throw new UsageError("--json goes with --list");
  const cluster = clusterFacts(load(stack, deps));
  const { client } = xoClient(deps);
  const { vms, missing } = await findClusterVms(client, cluster);
  if (vms.length === 0) {
    deps.err(`fleet: no VM in XO carries the tag ${cluster.clusterTag}; is ${stack} deployed?`);
    return EXIT_FAILED;
  }
  const hostOf = new Map(vms.map((vm) => [vm.id, vm.name_label]));

  if (args.list) {
    const snapshots = await listSnapshots(client, vms);
    if (args.json) {
      deps.out(
        JSON.stringify(
          {
            version: JSON_FORMAT_VERSION,
            command: "snapshot list",
            stack,
            vms: vms.map((vm) => ({ id: vm.id, name: vm.name_label })),
            snapshots: snapshots.map((s) => ({
              id: s.id,
              name: s.name_label,
              vm: hostOf.get(s.$snapshot_of) ?? null,
              vmId: s.$snapshot_of,
              takenAt: s.snapshot_time === undefined ? null : new Date(s.snapshot_time * 1000).toISOString(),
            })),
          },
          null,
          2,
        ),
      );
      return EXIT_OK;
    }
    if (snapshots.length === 0) {
      deps.out(`No snapshot of the ${vms.length} VMs of ${cluster.clusterName}.`);
      return EXIT_OK;
    }
    deps.out(
      renderTable(
        ["snapshot", "vm", "taken (UTC)", "id"],
        snapshots.map((s) => [
          s.name_label,
          hostOf.get(s.$snapshot_of) ?? s.$snapshot_of,
          formatSnapshotTime(s.snapshot_time),
          s.id,
        ]),
      ),
    );
    return EXIT_OK;
  }

  if (args.delete !== undefined) {
    const targets = matchSnapshots(await listSnapshots(client, vms), args.delete);
    if (targets.length === 0) {
      deps.err(
        `fleet: no snapshot of ${cluster.clusterName}'s VMs is named (or has the id) '${args.delete}'`,
      );
      return EXIT_FAILED;
    }
    deps.err(
      [
        `About to delete ${targets.length} snapshot${targets.length > 1 ? "s" : ""}:`,
        ...targets.map(
          (s) => `  - ${s.name_label} of ${hostOf.get(s.$snapshot_of) ?? s.$snapshot_of} (${s.id})`,
        ),
      ].join("\n"),
    );
    const answer = await confirm("Delete them?", args.yes, deps.prompt);
    if (!answer.ok) {
      deps.err(`fleet: delete refused: ${answer.reason}`);
      return EXIT_FAILED;
    }
    let failed = 0;
    for (const s of targets) {
      try {
        await client.remove("vm-snapshots", s.id);
        deps.out(`✔ deleted ${s.name_label} of ${hostOf.get(s.$snapshot_of) ?? s.$snapshot_of} (${s.id})`);
      } catch (error) {
        failed++;
        deps.out(`✖ ${s.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    deps.out(`${targets.length - failed} of ${targets.length} snapshots deleted.`);
    return failed > 0 ? EXIT_FAILED : EXIT_OK;
  }

  const name = args.name ?? snapshotName(stack, deps.now());
  if (name.trim() === "") throw new UsageError("--name must not be empty");
  deps.out(`Snapshotting ${vms.length} VMs of ${cluster.clusterName} as '${name}'`);
  for (const host of missing)
    deps.out(`⚠ ${host}: planned, but no VM tagged ${cluster.clusterTag} (not created?)`);
  const results = await snapshotVms(client, vms, name, {
    onEvent: (event) => {
      if (event.kind === "started") deps.out(`▶ ${event.vm.name_label}: task ${event.task}`);
      else if (event.kind === "done")
        deps.out(`✔ ${event.vm.name_label}: snapshot ${event.snapshotId ?? "(id not returned)"}`);
      else deps.out(`✖ ${event.vm.name_label}: ${event.error}`);
    },
  });
  const failed = results.filter((r) => !r.ok).length;
  deps.out(`${results.length - failed} of ${results.length} VMs snapshotted as '${name}'.`);
  if (failed === 0) {
    deps.out(`Delete them after the change with: npm run fleet -- snapshot ${stack} --delete ${name}`);
  }
  return failed > 0 ? EXIT_FAILED : EXIT_OK;
}

export async function doctorCommand(args: DoctorArgs, deps: FleetDeps): Promise<number> {
  const stack = knownStack(args.stack, deps);
  let loaded: LoadedStack;
  try {
    loaded = loadStack(stack, { rootDir: deps.rootDir, profiles });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (args.json) {
      deps.out(doctorJson(stack, [{ name: "configuration", status: "fail", detail: error.message }]));
      return EXIT_FAILED;
    }
    deps.out(
      `Doctor for ${stack}:\n  ✖ configuration\n${error.message}\nFix the configuration first (npm run render -- ${stack}).`,
    );
    return EXIT_FAILED;
  }
  const cluster = clusterFacts(loaded);
  let xo: XoClient | XoError;
  let xoUrl: string | undefined;
  try {
    const made = xoClient(deps);
    xo = made.client;
    xoUrl = made.baseUrl;
  } catch (error) {
    if (!(error instanceof XoError)) throw error;
    xo = error;
  }
  const checks = await runDoctor(cluster, {
    xo,
    ...(xoUrl !== undefined ? { xoUrl } : {}),
    rancher: {
      url: deps.env.RANCHER_URL,
      http: deps.http({ insecure: deps.env.RANCHER_INSECURE === "true" }),
    },
    deployed: args.deployed,
  });
  deps.out(args.json ? doctorJson(stack, checks) : formatReport(stack, checks));
  return doctorFailed(checks) ? EXIT_FAILED : EXIT_OK;
}

/** doctor's `--json` document (docs/operations.md → JSON output). */
export function doctorJson(stack: string, checks: Check[]): string {
  return JSON.stringify(
    {
      version: JSON_FORMAT_VERSION,
      command: "doctor",
      stack,
      ok: !doctorFailed(checks),
      checks: checks.map((c) => ({ name: c.name, status: c.status, detail: c.detail, fix: c.fix ?? null })),
    },
    null,
    2,
  );
}
