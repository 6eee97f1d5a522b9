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
      io.error(
        `unknown stack '${stack}' (${stackFile(stack)}): file not found; stacks: ${known.join(", ")}\n`,
      );
      failed++;
      continue;
    }
    const outDir = path.join(outRoot, stack);
    fs.rmSync(outDir, { recursive: true, force: true });
    try {
      const run = await runStack(stack, rootDir);
      const written = writeRender(run, outDir);
      io.log(redact(summary(run, path.relative(process.cwd(), written.outDir) || "."), written.secrets));
      io.log("");
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.error(
        `${error.message}\n(no render written: ${path.relative(process.cwd(), outDir) || outDir} removed)\n`,
      );
      failed++;
    }
  }
  return failed;
}
