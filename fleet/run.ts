/**
 * Runs one action over many stacks with bounded concurrency. Stacks start in the given order; a
 * failure is recorded and the others go on; the caller turns any failure into a non-zero exit.
 * The Pulumi side is a StackRunner (the Automation API in runner.ts, a fake in the tests).
 */
import type { Action, FleetStack } from "./select";
import type { StepEvent } from "./steps";
import { firstErrorLine } from "./text";

/** Resource operation counts, keyed like Pulumi's OpMap (`create`, `update`, `same`, …). */
export type Changes = Partial<Record<string, number>>;

export interface RunOutcome {
  changes: Changes;
}

/** What a run may ask of the runner besides the stack. */
export interface RunnerOptions {
  /** Refresh the state from the providers first (`pulumi … --refresh`). */
  refresh?: boolean;
  /** Each resource step as the engine reports it (progress). */
  onStep?: (step: StepEvent) => void;
}

export interface StackRunner {
  preview(stack: string, onOutput: (line: string) => void, options?: RunnerOptions): Promise<RunOutcome>;
  up(stack: string, onOutput: (line: string) => void, options?: RunnerOptions): Promise<RunOutcome>;
  destroy(stack: string, onOutput: (line: string) => void, options?: RunnerOptions): Promise<RunOutcome>;
}

export type StackStatus = "succeeded" | "failed";

export interface StackResult {
  stack: string;
  action: Action;
  status: StackStatus;
  changes: Changes | null;
  durationMs: number;
  /** First meaningful line of the error, for the summary table. */
  error: string | null;
}

export type FleetEvent =
  | { kind: "queued"; stack: string; position: number; total: number }
  | { kind: "started"; stack: string; running: number }
  | { kind: "output"; stack: string; line: string }
  | { kind: "step"; stack: string; step: StepEvent }
  | { kind: "finished"; result: StackResult };

export interface RunOptions {
  action: Action;
  stacks: FleetStack[];
  runner: StackRunner;
  concurrency: number;
  onEvent?: (event: FleetEvent) => void;
  /** Milliseconds clock (injectable for tests). */
  now?: () => number;
  refresh?: boolean;
}

export async function runFleet(options: RunOptions): Promise<StackResult[]> {
  const { action, stacks, runner, onEvent = () => undefined, now = Date.now } = options;
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  }
  stacks.forEach((s, i) => onEvent({ kind: "queued", stack: s.name, position: i + 1, total: stacks.length }));

  const results: StackResult[] = new Array<StackResult>(stacks.length);
  let next = 0;
  let running = 0;

  async function runOne(index: number): Promise<void> {
    const stack = stacks[index]!.name;
    const start = now();
    running++;
    onEvent({ kind: "started", stack, running });
    let result: StackResult;
    try {
      const outcome = await runner[action](stack, (line) => onEvent({ kind: "output", stack, line }), {
        refresh: options.refresh === true,
        onStep: (step) => onEvent({ kind: "step", stack, step }),
      });
      result = {
        stack,
        action,
        status: "succeeded",
        changes: outcome.changes,
        durationMs: now() - start,
        error: null,
      };
    } catch (error) {
      result = {
        stack,
        action,
        status: "failed",
        changes: null,
        durationMs: now() - start,
        error: firstErrorLine(error),
      };
    }
    running--;
    results[index] = result;
    onEvent({ kind: "finished", result });
  }

  async function worker(): Promise<void> {
    while (next < stacks.length) {
      const index = next++;
      await runOne(index);
    }
  }

  const workers = Array.from({ length: Math.min(options.concurrency, stacks.length) }, () => worker());
  await Promise.all(workers);
  return results;
}

export function anyFailed(results: StackResult[]): boolean {
  return results.some((r) => r.status !== "succeeded");
}
