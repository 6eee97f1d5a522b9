/**
 * The real StackRunner: the Pulumi Automation API driving the Pulumi CLI on this project
 * (a local program in PROJECT_ROOT, stack files in stacks/ through `stackConfigDir`). Credentials
 * and the passphrase come from the environment, as for `pulumi` itself. Output is streamed line
 * by line to the caller, and the engine's events become resource steps for the progress view.
 * Only the commands that run Pulumi load this file (bin/fleet.ts imports it on demand).
 */
import { LocalWorkspace, type EngineEvent, type OpMap, type Stack } from "@pulumi/pulumi/automation";
import type { RunnerOptions, RunOutcome, StackRunner } from "./run";
import { stepOf } from "./steps";

/** Splits streamed chunks into lines; `flush` emits a last unterminated line. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let buffer = "";
  return {
    push(chunk) {
      buffer += chunk;
      const lines = buffer.split(/\r?\n/);
      buffer = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    },
    flush() {
      if (buffer.length > 0) onLine(buffer);
      buffer = "";
    },
  };
}

function outcome(changes: OpMap | undefined): RunOutcome {
  return { changes: { ...(changes ?? {}) } };
}

export function automationRunner(workDir: string): StackRunner {
  async function withOutput<T>(
    onOutput: (line: string) => void,
    run: (push: (s: string) => void) => Promise<T>,
  ) {
    const lines = lineSplitter(onOutput);
    try {
      return await run((chunk) => lines.push(chunk));
    } catch (error) {
      if (error instanceof Error && /ENOENT/.test(error.message) && /pulumi/.test(error.message)) {
        throw new Error(
          "the pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/)",
        );
      }
      throw error;
    } finally {
      lines.flush();
    }
  }
  // preview/up create the stack on first use (`pulumi stack init`); destroy only selects an
  // existing one: destroying a stack that was never created is an error, not a new empty stack.
  const open = (stackName: string): Promise<Stack> =>
    LocalWorkspace.createOrSelectStack({ stackName, workDir });
  const common = (push: (s: string) => void, options: RunnerOptions = {}) => ({
    onOutput: push,
    onEvent: (event: EngineEvent) => {
      const step = stepOf(event);
      if (step !== null) options.onStep?.(step);
    },
    ...(options.refresh === true ? { refresh: true } : {}),
  });
  return {
    preview: (stackName, onOutput, options) =>
      withOutput(onOutput, async (push) => {
        const stack = await open(stackName);
        const result = await stack.preview(common(push, options));
        return outcome(result.changeSummary);
      }),
    up: (stackName, onOutput, options) =>
      withOutput(onOutput, async (push) => {
        const stack = await open(stackName);
        const result = await stack.up(common(push, options));
        return outcome(result.summary.resourceChanges);
      }),
    destroy: (stackName, onOutput, options) =>
      withOutput(onOutput, async (push) => {
        const stack = await LocalWorkspace.selectStack({ stackName, workDir });
        const result = await stack.destroy(common(push, options));
        return outcome(result.summary.resourceChanges);
      }),
  };
}
