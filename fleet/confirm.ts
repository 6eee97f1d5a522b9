/**
 * Confirmation before anything destructive: `--yes` skips it; otherwise the operator types `y`
 * on a terminal. Without a terminal on stdin (CI, a pipe) and without `--yes`, the answer is no:
 * a destructive command never proceeds on input it cannot be sure a person typed.
 */
import * as readline from "readline";

export interface Prompt {
  /** True when stdin is a terminal a person can answer on. */
  interactive: boolean;
  ask(question: string): Promise<string>;
}

export type Confirmation = { ok: true } | { ok: false; reason: string };

export async function confirm(question: string, yes: boolean, prompt: Prompt): Promise<Confirmation> {
  if (yes) return { ok: true };
  if (!prompt.interactive) {
    return { ok: false, reason: "stdin is not a terminal and --yes was not given; nothing was changed" };
  }
  const answer = (await prompt.ask(`${question} [y/N] `)).trim().toLowerCase();
  return answer === "y" || answer === "yes"
    ? { ok: true }
    : { ok: false, reason: "not confirmed; nothing was changed" };
}

/** The real prompt on process.stdin / stderr (stderr keeps stdout clean for the summary). */
export function terminalPrompt(): Prompt {
  return {
    interactive: process.stdin.isTTY === true,
    ask: (question) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        rl.question(question, (answer) => {
          rl.close();
          resolve(answer);
        });
        rl.on("close", () => resolve(""));
      }),
  };
}
