/**
 * `npm run render -- <stack…> | --all [--json]`: the offline render's command line (commander).
 * The render itself (render/renderStacks.ts, which runs the program under the SDK's mock
 * runtime) loads only when a render runs: help and usage errors answer at once.
 */
import { Command, CommanderError } from "commander";
import { listStacks } from "../components/config/sources";
import type { RenderResult } from "./renderStacks";

export interface RenderCliIo {
  rootDir: string;
  outRoot: string;
  out: (text: string) => void;
  err: (text: string) => void;
  version?: string;
}

/** The `--json` document of render (docs/operations.md → JSON output). */
export interface RenderReport {
  version: 1;
  command: "render";
  stacks: RenderResult[];
  rendered: number;
  failed: number;
}

export async function renderMain(argv: string[], io: RenderCliIo): Promise<number> {
  let code = 0;
  const program = new Command("render")
    .description(
      "Render stacks offline: the real program under Pulumi's mock runtime with a simulated XO; writes out/<stack>/.",
    )
    .argument("[stacks...]", `stacks to render (${listStacks(io.rootDir).join(", ")})`)
    .option("--all", "every stack in stacks/, with the cross-stack checks")
    .option("--json", "print a JSON summary on stdout (the readable summary goes to stderr)")
    .version(io.version ?? "0.0.0", "-V, --version", "print the version")
    .helpOption("-h, --help", "show this help")
    .addHelpText("after", "\nExit codes: 0 rendered, 1 a stack failed, 2 usage error (docs/operations.md).")
    .showHelpAfterError()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    })
    .action(async (named: string[], options: { all?: boolean; json?: boolean }) => {
      const all = options.all === true;
      if (all && named.length > 0) program.error("error: --all renders every stack: name none with it");
      if (!all && named.length === 0) program.error("error: name a stack or pass --all");
      const stacks = all ? listStacks(io.rootDir) : named;
      const results: RenderResult[] = [];
      const log = options.json === true ? io.err : io.out;
      const { renderStacks } = await import("./renderStacks");
      const failed = await renderStacks(
        stacks,
        io.outRoot,
        { log, error: io.err, result: (r) => results.push(r) },
        io.rootDir,
      );
      if (all) log(`${stacks.length - failed} of ${stacks.length} stacks rendered.`);
      if (options.json === true) {
        const report: RenderReport = {
          version: 1,
          command: "render",
          stacks: results,
          rendered: stacks.length - failed,
          failed,
        };
        io.out(JSON.stringify(report, null, 2));
      }
      code = failed > 0 ? 1 : 0;
    });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}
