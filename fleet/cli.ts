/**
 * `npm run fleet -- <command> …`: the fleet commands behind one testable entry point. Everything
 * that touches the outside (the Pulumi runner, HTTP, the terminal, the clock, the environment)
 * comes in through FleetDeps; bin/fleet.ts supplies the real ones.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError } from "../components/config/errors";
import { loadStack, type LoadedStack } from "../components/config/load";
import { listStacks } from "../components/config/sources";
import { profiles } from "../stacks/profiles";
import { clusterFacts } from "./cluster";
import { confirm, type Prompt } from "./confirm";
import { doctorFailed, formatReport, runDoctor } from "./doctor";
import type { HttpFetch } from "./http";
import { anyFailed, runFleet, type FleetEvent, type StackResult, type StackRunner } from "./run";
import { readFleet, selectStacks, SelectionError, type Action, type FleetStack } from "./select";
import {
  managementDestroyRefusal,
  managementPhases,
  readManagementLinks,
  runInPhases,
  withManagementCritical,
} from "./managementOrder";
import {
  findClusterVms,
  formatSnapshotTime,
  listSnapshots,
  matchSnapshots,
  snapshotName,
  snapshotVms,
} from "./snapshot";
import { renderTable } from "./table";
import { formatChanges, formatDuration, redactSecrets } from "./text";
import { plaintextProblem, XoClient, XoError, xoSettingsFromEnv } from "./xoClient";

export interface FleetDeps {
  rootDir: string;
  env: NodeJS.ProcessEnv;
  /** A line (or lines) for stdout. */
  out: (text: string) => void;
  /** A line (or lines) for stderr. */
  err: (text: string) => void;
  prompt: Prompt;
  /** Created only for preview/up/destroy. */
  runner: () => StackRunner;
  http: (options: { insecure: boolean }) => HttpFetch;
  now: () => Date;
  /** Per-stack Pulumi output goes to files here (null: not kept). */
  logDir: string | null;
  xoPollIntervalMs?: number;
  xoTaskTimeoutMs?: number;
}

export const USAGE = `usage: npm run fleet -- <command> [options]

commands:
  preview | up | destroy   run Pulumi on the selected stacks
      --env <env>            select the stacks of an environment (repeatable)
      --use-case <name>      select the stacks of a use case (repeatable)
      --stack <name>         select a stack by name (repeatable)
      --all                  every stack (up and destroy need a selection or --all)
      --concurrency <n>      stacks at a time (default 2)
      --verbose              stream Pulumi's output, prefixed by stack
      --yes                  destroy without asking (required without a terminal)
  snapshot <stack>         snapshot every VM of the stack's cluster in XO
      --name <name>          snapshot name (default co-<stack>-<UTC timestamp>)
      --list                 list the cluster's snapshots
      --delete <name|id>     delete the cluster's snapshots with that name (or that id)
      --yes                  delete without asking
  doctor <stack>           preflight checks against XO and Rancher
      --deployed             the stack is already up: its own VMs are expected

environment: XOA_URL, XOA_TOKEN or XOA_USER + XOA_PASSWORD, XOA_INSECURE=true;
             RANCHER_URL, RANCHER_INSECURE=true; the Pulumi backend and passphrase for Pulumi.`;

class UsageError extends Error {}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

interface Parsed {
  command: string;
  positionals: string[];
  env: string[];
  useCase: string[];
  stack: string[];
  all: boolean;
  concurrency: number;
  verbose: boolean;
  yes: boolean;
  name: string | undefined;
  list: boolean;
  delete: string | undefined;
  deployed: boolean;
  help: boolean;
}

export function parseFleetArgs(argv: string[]): Parsed {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        env: { type: "string", multiple: true },
        "use-case": { type: "string", multiple: true },
        stack: { type: "string", multiple: true },
        all: { type: "boolean" },
        concurrency: { type: "string" },
        verbose: { type: "boolean" },
        yes: { type: "boolean", short: "y" },
        name: { type: "string" },
        list: { type: "boolean" },
        delete: { type: "string" },
        deployed: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const concurrencyText = values.concurrency ?? "2";
  const concurrency = Number(concurrencyText);
  if (!/^\d+$/.test(concurrencyText) || concurrency < 1 || concurrency > 32) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 32, got '${concurrencyText}'`);
  }
  const [command = "", ...rest] = positionals;
  return {
    command,
    positionals: rest,
    env: values.env ?? [],
    useCase: values["use-case"] ?? [],
    stack: values.stack ?? [],
    all: values.all ?? false,
    concurrency,
    verbose: values.verbose ?? false,
    yes: values.yes ?? false,
    name: values.name,
    list: values.list ?? false,
    delete: values.delete,
    deployed: values.deployed ?? false,
    help: values.help ?? false,
  };
}

const COMMANDS = ["preview", "up", "destroy", "snapshot", "doctor"];

export async function main(argv: string[], deps: FleetDeps): Promise<number> {
  const safe: FleetDeps = {
    ...deps,
    out: (text) => deps.out(redactSecrets(text, deps.env)),
    err: (text) => deps.err(redactSecrets(text, deps.env)),
  };
  try {
    const args = parseFleetArgs(argv);
    if (args.help) {
      safe.out(USAGE);
      return EXIT_OK;
    }
    const plaintext = plaintextProblem(deps.env);
    if (plaintext !== null && COMMANDS.includes(args.command)) throw new XoError(plaintext);
    switch (args.command) {
      case "preview":
      case "up":
      case "destroy":
        return await runCommand(args.command, args, safe);
      case "snapshot":
        return await snapshotCommand(args, safe);
      case "doctor":
        return await doctorCommand(args, safe);
      default:
        throw new UsageError(args.command === "" ? "missing command" : `unknown command '${args.command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      safe.err(`fleet: ${error.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    if (error instanceof SelectionError || error instanceof XoError || error instanceof ConfigError) {
      safe.err(`fleet: ${error.message}`);
      return EXIT_FAILED;
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// preview / up / destroy

/** The run's log folder, 0700 (and its parent, fleet's log root): only the operator reads logs. */
function openLogDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const d of [path.dirname(dir), dir]) fs.chmodSync(d, 0o700);
}

function clock(date: Date): string {
  return date.toISOString().slice(11, 19);
}

async function runCommand(action: Action, args: Parsed, deps: FleetDeps): Promise<number> {
  if (args.positionals.length > 0) {
    throw new UsageError(`unexpected argument '${args.positionals[0]}' (select stacks with --stack)`);
  }
  const selection = { environments: args.env, useCases: args.useCase, names: args.stack };
  const selected = selection.environments.length + selection.useCases.length + selection.names.length > 0;
  if (!selected && !args.all && action !== "preview") {
    throw new UsageError(`${action} needs --stack, --env, --use-case or --all`);
  }
  // Issue 11: the management stack's order, criticality and destroy refusal (fleet/managementOrder.ts).
  const links = readManagementLinks(deps.rootDir);
  const stacks = selectStacks(readFleet(deps.rootDir), selection, action).map((s) =>
    withManagementCritical(s, links),
  );

  if (action === "destroy") {
    const refused = managementDestroyRefusal(stacks, links) ?? (await guardDestroy(stacks, args.yes, deps));
    if (refused !== null) {
      deps.err(refused);
      return EXIT_FAILED;
    }
  }

  const runId = deps
    .now()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const logDir = deps.logDir === null ? null : path.join(deps.logDir, `${runId}-${action}`);
  const logFile = (stack: string) => {
    if (logDir === null) return null;
    openLogDir(logDir);
    return path.join(logDir, `${stack}.log`);
  };

  deps.out(
    `fleet ${action}: ${stacks.length} stack${stacks.length > 1 ? "s" : ""} (${stacks.map((s) => s.name).join(", ")}), ${Math.min(args.concurrency, stacks.length)} at a time`,
  );
  const onEvent = (event: FleetEvent) => {
    const at = clock(deps.now());
    switch (event.kind) {
      case "queued":
        return;
      case "started":
        deps.out(`${at} ▶ ${event.stack}: ${action} started`);
        return;
      case "output": {
        const file = logFile(event.stack);
        // 0600 on creation: a stack's log can still hold what redaction does not recognise.
        if (file !== null)
          fs.appendFileSync(file, `${redactSecrets(event.line, deps.env)}\n`, { mode: 0o600 });
        if (args.verbose) deps.out(`${event.stack} | ${event.line}`);
        return;
      }
      case "finished": {
        const r = event.result;
        deps.out(
          r.status === "succeeded"
            ? `${at} ✔ ${r.stack}: ${action} succeeded in ${formatDuration(r.durationMs)} (${formatChanges(r.changes)})`
            : `${at} ✖ ${r.stack}: ${action} failed after ${formatDuration(r.durationMs)}: ${r.error ?? ""}`,
        );
        return;
      }
    }
  };
  const runner = deps.runner();
  const results = await runInPhases(action, managementPhases(action, stacks, links), (phase) =>
    runFleet({
      action,
      stacks: phase,
      runner,
      concurrency: args.concurrency,
      onEvent,
      now: () => deps.now().getTime(),
    }),
  );
  deps.out(`\n${summaryTable(results)}`);
  const failed = results.filter((r) => r.status === "failed").length;
  deps.out(
    `\n${results.length - failed} succeeded, ${failed} failed.${logDir !== null && fs.existsSync(logDir) ? ` Pulumi output: ${shortPath(deps.rootDir, logDir)}/` : ""}`,
  );
  return anyFailed(results) ? EXIT_FAILED : EXIT_OK;
}

function shortPath(rootDir: string, file: string): string {
  const relative = path.relative(rootDir, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

export function summaryTable(results: StackResult[]): string {
  return renderTable(
    ["stack", "action", "result", "changes", "duration", "error"],
    results.map((r) => [
      r.stack,
      r.action,
      r.status,
      formatChanges(r.changes),
      formatDuration(r.durationMs),
      r.error ?? "",
    ]),
  );
}

/** Null when destroy may go on; otherwise why it must not. */
async function guardDestroy(stacks: FleetStack[], yes: boolean, deps: FleetDeps): Promise<string | null> {
  const critical = stacks.filter((s) => s.critical);
  if (critical.length > 0) {
    return [
      `fleet: refusing to destroy critical stack${critical.length > 1 ? "s" : ""}; nothing was destroyed:`,
      ...critical.map((s) => `  - ${s.name}: ${s.criticalReason}`),
      "To retire a critical cluster, set `cluster-orchestrator:critical: false` in its stack file through a reviewed change, then run destroy again.",
    ].join("\n");
  }
  deps.err(
    [
      `About to destroy ${stacks.length} stack${stacks.length > 1 ? "s" : ""} (for each: every VM, the cluster network and the Rancher cluster):`,
      ...stacks.map((s) => `  - ${s.name}`),
    ].join("\n"),
  );
  const answer = await confirm(
    `Destroy ${stacks.length > 1 ? "these stacks" : stacks[0]!.name}?`,
    yes,
    deps.prompt,
  );
  return answer.ok ? null : `fleet: destroy refused: ${answer.reason}`;
}

// ---------------------------------------------------------------------------------------------
// snapshot / doctor

function oneStack(args: Parsed, command: string, deps: FleetDeps): string {
  if (args.positionals.length !== 1) throw new UsageError(`${command} takes exactly one stack`);
  const stack = args.positionals[0]!;
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

async function snapshotCommand(args: Parsed, deps: FleetDeps): Promise<number> {
  const stack = oneStack(args, "snapshot", deps);
  const modes = [args.list, args.delete !== undefined, args.name !== undefined].filter(Boolean).length;
  if (modes > 1) throw new UsageError("use one of --list, --delete or --name");
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

async function doctorCommand(args: Parsed, deps: FleetDeps): Promise<number> {
  const stack = oneStack(args, "doctor", deps);
  let loaded: LoadedStack;
  try {
    loaded = loadStack(stack, { rootDir: deps.rootDir, profiles });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
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
  deps.out(formatReport(stack, checks));
  return doctorFailed(checks) ? EXIT_FAILED : EXIT_OK;
}
