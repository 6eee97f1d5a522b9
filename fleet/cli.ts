/**
 * `npm run fleet -- <command> …`: the command line (commander), one entry point the tests drive.
 * Each command declares its own options: an option another command takes is refused with the
 * usage of the command that was run. The work lives in runCommand.ts (preview/up/destroy),
 * xoCommands.ts (snapshot, doctor) and changedStacks.ts; everything outside comes in FleetDeps.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ConfigError } from "../components/config/errors";
import type { ChangedStacksArgs } from "./changedStacks";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, SelectionError, UsageError, type FleetDeps } from "./deps";
import type { RunArgs } from "./runCommand";
import type { Action } from "./select";
import { redactSecrets } from "./redact";
import { plaintextProblem, XoError } from "./xoClient";

export type { FleetDeps } from "./deps";

// The commands' modules load when their command runs: help and usage errors stay fast, and
// only preview/up/destroy ever load the Pulumi SDK (bin/fleet.ts's runner).

const ENVIRONMENT_HELP = `
Environment: XOA_URL, XOA_TOKEN or XOA_USER + XOA_PASSWORD, XOA_INSECURE=true;
RANCHER_URL, RANCHER_INSECURE=true; the Pulumi backend and passphrase for Pulumi.
Exit codes: 0 done, 1 failed or declined, 2 usage error (docs/operations.md).`;

function concurrency(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 32) {
    throw new InvalidArgumentError(`must be a whole number from 1 to 32, got '${text}'`);
  }
  return n;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface RunOptions {
  stack?: string[];
  env?: string[];
  useCase?: string[];
  all?: boolean;
  concurrency: number;
  verbose?: boolean;
  refresh?: boolean;
  json?: boolean;
  yes?: boolean;
  confirmCritical?: string[];
  skipPreview?: boolean;
}

/** The selection and run options preview, up and destroy share. */
function runOptions(command: Command): Command {
  return command
    .argument("[stacks...]", "stack names (as in stacks/Pulumi.<stack>.yaml)")
    .option("--stack <name>", "select a stack by name (repeatable)", collect)
    .option("--env <env>", "select the stacks of an environment (repeatable)", collect)
    .option("--use-case <name>", "select the stacks of a use case (repeatable)", collect)
    .option("--all", "every stack")
    .option("--concurrency <n>", "stacks at a time, 1 to 32", concurrency, 2)
    .option("--refresh", "refresh each stack's state from XO and Rancher first")
    .option("--verbose", "stream Pulumi's output, prefixed by stack")
    .option("--json", "print the summary as JSON on stdout (progress goes to stderr)");
}

export function buildProgram(deps: FleetDeps, done: (code: number) => void): Command {
  const program = new Command("fleet")
    .description("Run Pulumi and day-2 checks over the stacks in stacks/ (docs/operations.md).")
    .version(deps.version ?? "0.0.0", "-V, --version", "print the version")
    .helpOption("-h, --help", "show help for the command")
    .addHelpText("after", ENVIRONMENT_HELP)
    .showHelpAfterError()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.out(text.trimEnd()),
      writeErr: (text) => deps.err(text.trimEnd()),
    });
  const settings = (command: Command) =>
    command
      .exitOverride()
      .showHelpAfterError()
      .configureOutput({
        writeOut: (text) => deps.out(text.trimEnd()),
        writeErr: (text) => deps.err(text.trimEnd()),
      });

  const run = (action: Action) => async (stacks: string[], options: RunOptions) => {
    const args: RunArgs = {
      names: [...stacks, ...(options.stack ?? [])],
      env: options.env ?? [],
      useCase: options.useCase ?? [],
      all: options.all === true,
      concurrency: options.concurrency,
      verbose: options.verbose === true,
      refresh: options.refresh === true,
      json: options.json === true,
      yes: options.yes === true,
      confirmCritical: options.confirmCritical ?? [],
      skipPreview: options.skipPreview === true,
    };
    done(await (await import("./runCommand")).runCommand(action, args, deps));
  };

  settings(runOptions(program.command("preview")))
    .description("preview the selected stacks (every stack without a selection)")
    .action(run("preview"));
  settings(runOptions(program.command("up")))
    .description("preview the selected stacks, then apply them after a yes")
    .option("-y, --yes", "apply without asking (required without a terminal)")
    .option(
      "--confirm-critical <stack>",
      "apply this critical stack without typing its name (repeatable)",
      collect,
    )
    .option("--skip-preview", "with --yes: apply without previewing first")
    .action(run("up"));
  settings(runOptions(program.command("destroy")))
    .description("destroy the selected stacks after a yes; critical stacks are refused")
    .option("-y, --yes", "destroy without asking (required without a terminal)")
    .action(run("destroy"));

  settings(program.command("snapshot"))
    .description("snapshot every VM of the stack's cluster in XO, or list or delete snapshots")
    .argument("<stack>", "the stack")
    .addOption(new Option("--name <name>", "snapshot name (default co-<stack>-<UTC time>)"))
    .addOption(new Option("--list", "list the cluster's snapshots").conflicts(["name", "delete"]))
    .addOption(new Option("--delete <name|id>", "delete the cluster's snapshots with that name or id"))
    .option("-y, --yes", "delete without asking")
    .option("--json", "with --list: print the snapshots as JSON")
    .action(
      async (
        stack: string,
        o: { name?: string; list?: boolean; delete?: string; yes?: boolean; json?: boolean },
      ) => {
        done(
          await (
            await import("./xoCommands")
          ).snapshotCommand(
            {
              stack,
              name: o.name,
              list: o.list === true,
              delete: o.delete,
              yes: o.yes === true,
              json: o.json === true,
            },
            deps,
          ),
        );
      },
    );

  settings(program.command("doctor"))
    .description("preflight checks of the stack against XO and Rancher")
    .argument("<stack>", "the stack")
    .option("--deployed", "the stack is already up: its own VMs are expected")
    .option("--json", "print the checks as JSON")
    .action(async (stack: string, o: { deployed?: boolean; json?: boolean }) => {
      done(
        await (
          await import("./xoCommands")
        ).doctorCommand({ stack, deployed: o.deployed === true, json: o.json === true }, deps),
      );
    });

  settings(program.command("changed-stacks"))
    .description("the stacks a change touches: changed paths on stdin, a JSON array on stdout (docs/ci.md)")
    .option("--root <dir>", "the repository checkout (default: this project)")
    .option("--all", "every stack, whatever changed (stdin is not read)")
    .addOption(
      new Option("--only <scope>", "only prod stacks, or only the others").choices(["prod", "nonprod"]),
    )
    .action(async (o: { root?: string; all?: boolean; only?: "prod" | "nonprod" }) => {
      const args: ChangedStacksArgs = { root: o.root ?? null, all: o.all === true, only: o.only ?? null };
      done(await (await import("./changedStacks")).changedStacksCommand(args, deps));
    });

  return program;
}

/** The commands that reach XO or Rancher: refuse credentials over plain HTTP before any of them. */
const NETWORK_COMMANDS = new Set(["preview", "up", "destroy", "snapshot", "doctor"]);

export async function main(argv: string[], deps: FleetDeps): Promise<number> {
  const safe: FleetDeps = {
    ...deps,
    out: (text) => deps.out(redactSecrets(text, deps.env)),
    err: (text) => deps.err(redactSecrets(text, deps.env)),
  };
  let code: number | null = null;
  const program = buildProgram(safe, (c) => (code = c));
  let active: Command = program;
  program.hook("preAction", (_root, command) => {
    active = command;
    const plaintext = plaintextProblem(deps.env);
    if (plaintext !== null && NETWORK_COMMANDS.has(command.name())) throw new XoError(plaintext);
  });
  try {
    if (argv.length === 0) {
      safe.err(program.helpInformation().trimEnd());
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: "user" });
    return code ?? EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end here too (exit code 0); commander has printed them.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      safe.err(`error: ${error.message}\n\n${active.helpInformation().trimEnd()}`);
      return EXIT_USAGE;
    }
    if (error instanceof SelectionError || error instanceof XoError || error instanceof ConfigError) {
      safe.err(`fleet: ${error.message}`);
      return EXIT_FAILED;
    }
    throw error;
  }
}
