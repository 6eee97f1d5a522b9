/**
 * `fleet preview|up|destroy`: select the stacks, run Pulumi on them with live progress, print the
 * summary. `up` is safe by default: it previews every selected stack first, shows the summary and
 * applies only after a yes (a critical stack's name typed, or named with --confirm-critical);
 * without a terminal nothing is applied unless --yes says so. `destroy` refuses critical stacks.
 */
import * as fs from "fs";
import * as path from "path";
import { colour, colourEnabled } from "./colour";
import { confirm } from "./confirm";
import { EXIT_FAILED, EXIT_OK, JSON_FORMAT_VERSION, UsageError, type FleetDeps } from "./deps";
import { ProgressView } from "./progress";
import { anyFailed, runFleet, type FleetEvent, type StackResult, type StackRunner } from "./run";
import {
  managementDestroyRefusal,
  managementPhases,
  readManagementLinks,
  runInPhases,
  withManagementCritical,
  type ManagementLinks,
} from "./managementOrder";
import { readFleet, selectStacks, type Action, type FleetStack } from "./select";
import { plannedSteps } from "./steps";
import { renderTable } from "../components/lib/table";
import { formatChanges, formatDuration, redactSecrets } from "./text";

export interface RunArgs {
  /** Stack names, from the positional arguments and --stack. */
  names: string[];
  env: string[];
  useCase: string[];
  all: boolean;
  concurrency: number;
  verbose: boolean;
  refresh: boolean;
  json: boolean;
  yes: boolean;
  /** up: critical stacks the operator names as meant (instead of typing them). */
  confirmCritical: string[];
  /** up --yes: apply without the preview first. */
  skipPreview: boolean;
}

/** The `--json` document of preview/up/destroy (docs/operations.md → JSON output). */
export interface RunReport {
  version: number;
  command: Action;
  stacks: string[];
  /** up: the preview that ran first (null when skipped or for preview/destroy). */
  preview: StackResult[] | null;
  /** The action's own results (empty when nothing was applied). */
  results: StackResult[];
  /** Why nothing was applied (declined, preview failed), or null. */
  refused: string | null;
  succeeded: number;
  failed: number;
}

/** The run's log folder, 0700 (and its parent, fleet's log root): only the operator reads logs. */
function openLogDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const d of [path.dirname(dir), dir]) fs.chmodSync(d, 0o700);
}

function clock(date: Date): string {
  return date.toISOString().slice(11, 19);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export async function runCommand(action: Action, args: RunArgs, deps: FleetDeps): Promise<number> {
  const selection = { environments: args.env, useCases: args.useCase, names: args.names };
  const selected = selection.environments.length + selection.useCases.length + selection.names.length > 0;
  if (!selected && !args.all && action !== "preview") {
    throw new UsageError(`${action} needs a stack name, --stack, --env, --use-case or --all`);
  }
  if (selected && args.all) throw new UsageError("--all cannot be combined with a selection");
  if (args.skipPreview && !args.yes) throw new UsageError("--skip-preview needs --yes");
  // The management stack's order, criticality and destroy refusal (fleet/managementOrder.ts).
  const links = readManagementLinks(deps.rootDir);
  const stacks = selectStacks(readFleet(deps.rootDir), selection, action).map((s) =>
    withManagementCritical(s, links),
  );
  checkConfirmCritical(stacks, args.confirmCritical);

  const say = args.json ? deps.err : deps.out;
  const report: RunReport = {
    version: JSON_FORMAT_VERSION,
    command: action,
    stacks: stacks.map((s) => s.name),
    preview: null,
    results: [],
    refused: null,
    succeeded: 0,
    failed: 0,
  };
  const finish = (code: number): number => {
    if (args.json) deps.out(JSON.stringify(report, null, 2));
    return code;
  };

  if (action === "destroy") {
    const refused = managementDestroyRefusal(stacks, links) ?? (await guardDestroy(stacks, args.yes, deps));
    if (refused !== null) {
      deps.err(refused);
      report.refused = refused;
      return finish(EXIT_FAILED);
    }
  }

  const runId = deps
    .now()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const logDir = deps.logDir === null ? null : path.join(deps.logDir, `${runId}-${action}`);
  const runner = await deps.runner();
  const tty = deps.tty === true && deps.write !== undefined;
  const paint = colour(colourEnabled(deps.env, tty));
  const execute = (phase: Action, planned: Map<string, number | null>) =>
    runPhase({ phase, stacks, links, args, deps, runner, logDir, say, tty, paint, planned });

  if (action === "up" && !args.skipPreview) {
    say(`fleet up: previewing ${plural(stacks.length, "stack")} before anything is applied`);
    const preview = await execute("preview", new Map());
    report.preview = preview;
    say(`\nPreview\n${summaryTable(preview)}`);
    const failed = preview.filter((r) => r.status === "failed");
    if (failed.length > 0) {
      report.refused = `the preview failed for ${failed.map((r) => r.stack).join(", ")}; nothing was applied`;
      deps.err(`fleet: ${report.refused}`);
      return finish(EXIT_FAILED);
    }
  }
  if (action === "up") {
    const answer = await confirmApply(stacks, args, deps);
    if (!answer.ok) {
      report.refused = answer.reason;
      deps.err(`fleet: up refused: ${answer.reason}`);
      return finish(EXIT_FAILED);
    }
  }

  const planned = new Map((report.preview ?? []).map((r) => [r.stack, plannedSteps(r.changes)]));
  const results = await execute(action, planned);
  report.results = results;
  report.failed = results.filter((r) => r.status === "failed").length;
  report.succeeded = results.length - report.failed;
  say(`\n${summaryTable(results)}`);
  say(
    `\n${report.succeeded} succeeded, ${report.failed} failed.${logDir !== null && fs.existsSync(logDir) ? ` Pulumi output: ${shortPath(deps.rootDir, logDir)}/` : ""}`,
  );
  return finish(anyFailed(results) ? EXIT_FAILED : EXIT_OK);
}

interface Phase {
  phase: Action;
  stacks: FleetStack[];
  links: ManagementLinks;
  args: RunArgs;
  deps: FleetDeps;
  runner: StackRunner;
  logDir: string | null;
  say: (text: string) => void;
  tty: boolean;
  paint: ReturnType<typeof colour>;
  planned: Map<string, number | null>;
}

/** One Pulumi operation over the stacks, with progress, per-stack logs and status lines. */
async function runPhase(p: Phase): Promise<StackResult[]> {
  const { phase, deps, paint } = p;
  const view = new ProgressView({
    line: p.say,
    raw: (text) => deps.write?.(redactSecrets(text, deps.env)),
    tty: p.tty,
    colour: paint,
    now: () => deps.now().getTime(),
    clock: () => clock(deps.now()),
    ...(deps.columns !== undefined ? { columns: deps.columns } : {}),
  });
  // The preview that precedes up logs beside up's own output: <stack>.preview.log.
  const logFile = (stack: string) => {
    if (p.logDir === null) return null;
    openLogDir(p.logDir);
    const beforeUp = path.basename(p.logDir).endsWith("-up") && phase === "preview";
    return path.join(p.logDir, `${stack}${beforeUp ? ".preview" : ""}.log`);
  };
  view.log(
    `fleet ${phase}: ${plural(p.stacks.length, "stack")} (${p.stacks.map((s) => s.name).join(", ")}), ${Math.min(p.args.concurrency, p.stacks.length)} at a time`,
  );
  const onEvent = (event: FleetEvent) => {
    const at = clock(deps.now());
    switch (event.kind) {
      case "queued":
        return;
      case "started":
        view.log(`${at} ▶ ${event.stack}: ${phase} started`);
        view.start(event.stack, phase, p.planned.get(event.stack) ?? null);
        return;
      case "step":
        view.step(event.stack, event.step);
        return;
      case "output": {
        const file = logFile(event.stack);
        // 0600 on creation: a stack's log can still hold what redaction does not recognise.
        if (file !== null)
          fs.appendFileSync(file, `${redactSecrets(event.line, deps.env)}\n`, { mode: 0o600 });
        if (p.args.verbose) view.log(redactSecrets(`${event.stack} | ${event.line}`, deps.env));
        return;
      }
      case "finished": {
        const r = event.result;
        view.finish(r.stack);
        view.log(
          r.status === "succeeded"
            ? `${at} ${paint.ok("✔")} ${r.stack}: ${phase} succeeded in ${formatDuration(r.durationMs)} (${formatChanges(r.changes)})`
            : `${at} ${paint.fail("✖")} ${r.stack}: ${phase} failed after ${formatDuration(r.durationMs)}: ${r.error ?? ""}`,
        );
        return;
      }
    }
  };
  try {
    // The management stack runs as a phase of its own: first on up and preview, last on destroy.
    return await runInPhases(phase, managementPhases(phase, p.stacks, p.links), (stacks) =>
      runFleet({
        action: phase,
        stacks,
        runner: p.runner,
        concurrency: p.args.concurrency,
        onEvent,
        now: () => deps.now().getTime(),
        refresh: p.args.refresh,
      }),
    );
  } finally {
    view.close();
  }
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

/** --confirm-critical may only name critical stacks of this selection (a typo is not a yes). */
function checkConfirmCritical(stacks: FleetStack[], named: string[]): void {
  const critical = new Set(stacks.filter((s) => s.critical).map((s) => s.name));
  const stray = named.filter((n) => !critical.has(n));
  if (stray.length > 0) {
    throw new UsageError(
      `--confirm-critical ${stray.join(", ")}: not a critical stack of this selection (critical: ${[...critical].join(", ") || "none"})`,
    );
  }
}

type Answer = { ok: true } | { ok: false; reason: string };

/**
 * up's yes: the operator answers y on a terminal (or passes --yes), and each critical stack is
 * either named with --confirm-critical or its name typed at the prompt. Nothing without a
 * terminal unless the flags say it all.
 */
export async function confirmApply(stacks: FleetStack[], args: RunArgs, deps: FleetDeps): Promise<Answer> {
  const answer = await confirm(
    `Apply these changes to ${stacks.length > 1 ? `${stacks.length} stacks` : stacks[0]!.name}?`,
    args.yes,
    deps.prompt,
  );
  if (!answer.ok) return { ok: false, reason: answer.reason.replace("changed", "applied") };
  for (const s of stacks.filter((x) => x.critical && !args.confirmCritical.includes(x.name))) {
    if (!deps.prompt.interactive) {
      return {
        ok: false,
        reason: `${s.name} is critical (${s.criticalReason}): pass --confirm-critical ${s.name}; nothing was applied`,
      };
    }
    const typed = await deps.prompt.ask(
      `${s.name} is critical (${s.criticalReason}). Type its name to apply: `,
    );
    if (typed.trim() !== s.name) {
      return { ok: false, reason: `'${typed.trim()}' is not ${s.name}; nothing was applied` };
    }
  }
  return { ok: true };
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
      `About to destroy ${plural(stacks.length, "stack")} (for each: every VM, the cluster network and the Rancher cluster):`,
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
