/**
 * The render command's work: each stack's out/<stack>/ is removed before the stack runs, so a
 * stack that fails leaves no plan behind that a reader of out/ could take for the current one.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../components/config/errors";
import { listStacks, stackFile } from "../components/config/sources";
import { PROJECT_ROOT } from "../components/config/root";
import { redact } from "./report";
import { runStack } from "./runStack";
import { summary } from "./summary";
import { writeRender } from "./write";

export interface RenderIo {
  log: (text: string) => void;
  error: (text: string) => void;
  /** Each stack's outcome as it is known (render --json). */
  result?: (result: RenderResult) => void;
}

/** One stack's outcome, as `render --json` reports it (docs/operations.md → JSON output). */
export interface RenderResult {
  stack: string;
  status: "rendered" | "failed";
  /** The folder written, relative to the current directory; null when nothing was written. */
  outDir: string | null;
  resources: number;
  nodes: { hostname: string; pool: string; role: string; ip: string | null }[];
  /** What was wrong (each names its key and file), empty when rendered. */
  problems: { key: string; file: string; message: string }[];
}

/** Renders each stack into `outRoot/<stack>`; the number of stacks that failed. */
export async function renderStacks(
  stacks: string[],
  outRoot: string,
  io: RenderIo,
  rootDir = PROJECT_ROOT,
): Promise<number> {
  let failed = 0;
  const known = listStacks(rootDir);
  for (const stack of stacks) {
    // Only names from stacks/: a typo (or `../x`) must never pick the directory to remove.
    if (!known.includes(stack)) {
      const message = `unknown stack '${stack}' (${stackFile(stack)}): file not found; stacks: ${known.join(", ")}`;
      io.error(`${message}\n`);
      io.result?.(failedResult(stack, [{ key: "stack", file: stackFile(stack), message: "file not found" }]));
      failed++;
      continue;
    }
    const outDir = path.join(outRoot, stack);
    fs.rmSync(outDir, { recursive: true, force: true });
    try {
      const run = await runStack(stack, rootDir);
      const written = writeRender(run, outDir);
      const shown = path.relative(process.cwd(), written.outDir) || ".";
      io.log(redact(summary(run, shown), written.secrets));
      io.log("");
      io.result?.({
        stack,
        status: "rendered",
        outDir: shown,
        resources: run.resources.length,
        nodes: run.loaded.plan.nodes.map((n) => ({
          hostname: n.hostname,
          pool: n.pool,
          role: n.role,
          ip: n.ip,
        })),
        problems: [],
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.error(
        `${error.message}\n(no render written: ${path.relative(process.cwd(), outDir) || outDir} removed)\n`,
      );
      io.result?.(failedResult(stack, error.problems));
      failed++;
    }
  }
  return failed;
}

/** A stack that wrote nothing, with what was wrong. */
function failedResult(stack: string, problems: RenderResult["problems"]): RenderResult {
  return { stack, status: "failed", outDir: null, resources: 0, nodes: [], problems };
}
