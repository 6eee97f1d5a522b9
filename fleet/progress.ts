/**
 * Live progress of a fleet run, fed by each stack's resource steps (steps.ts). On a terminal: a
 * compact block with one line per running stack (done / planned, the current operation, the
 * elapsed time), redrawn in place, with the status lines printed above it. Elsewhere (a pipe, a
 * CI log): one plain line per finished resource step, nothing redrawn.
 */
import type { Colour } from "./colour";
import { doneVerb, runningVerb, type StepEvent } from "./steps";
import { formatDuration } from "./text";

export interface StackProgress {
  stack: string;
  action: string;
  startedAt: number;
  /** Resources the plan covers (from the preview before up), null when not known. */
  planned: number | null;
  done: number;
  failed: number;
  /** The operation in progress, e.g. `creating cluster1-server1`. */
  current: string | null;
}

/** The progress after one step (pure). */
export function advance(progress: StackProgress, step: StepEvent): StackProgress {
  switch (step.kind) {
    case "start":
      return { ...progress, current: `${runningVerb(step.op)} ${step.name}` };
    case "done":
      return { ...progress, done: progress.done + 1, current: null };
    case "failed":
      return { ...progress, failed: progress.failed + 1, current: `failed ${step.name}` };
  }
}

/** `12/40` with a plan, `12` without one. */
export function counter(progress: StackProgress): string {
  return progress.planned === null ? `${progress.done}` : `${progress.done}/${progress.planned}`;
}

/** One line of the terminal block. */
export function progressLine(progress: StackProgress, now: number, colour: Colour): string {
  const elapsed = formatDuration(now - progress.startedAt);
  const failed = progress.failed > 0 ? colour.fail(` ${progress.failed} failed`) : "";
  const current = progress.current === null ? "" : `  ${colour.dim(progress.current)}`;
  return `  ${progress.stack}  ${progress.action}  [${counter(progress)}]${failed}  ${elapsed}${current}`;
}

export interface ProgressIo {
  /** A plain line (no terminal): written with a newline. */
  line(text: string): void;
  /** Raw terminal output (no newline added). */
  raw(text: string): void;
  tty: boolean;
  colour: Colour;
  now(): number;
  /** `HH:MM:SS` for plain lines. */
  clock(): string;
  /** Terminal width, to keep each line of the block on one row. */
  columns?: number;
}

export class ProgressView {
  private readonly running = new Map<string, StackProgress>();
  private drawn = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly io: ProgressIo) {
    if (io.tty) {
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref();
    }
  }

  start(stack: string, action: string, planned: number | null): void {
    this.running.set(stack, {
      stack,
      action,
      startedAt: this.io.now(),
      planned,
      done: 0,
      failed: 0,
      current: null,
    });
    this.redraw();
  }

  step(stack: string, step: StepEvent): void {
    const before = this.running.get(stack);
    if (before === undefined) return;
    const after = advance(before, step);
    this.running.set(stack, after);
    if (this.io.tty) {
      this.redraw();
    } else if (step.kind !== "start") {
      const what = step.kind === "done" ? doneVerb(step.op) : "failed";
      const elapsed = formatDuration(this.io.now() - after.startedAt);
      this.io.line(
        `${this.io.clock()}   ${stack}: [${counter(after)}] ${what} ${step.name} (${step.type}), ${elapsed}`,
      );
    }
  }

  /** A status line: above the block on a terminal, a plain line elsewhere. */
  log(text: string): void {
    if (!this.io.tty) {
      this.io.line(text);
      return;
    }
    this.erase();
    this.io.raw(`${text}\n`);
    this.redraw();
  }

  finish(stack: string): void {
    this.running.delete(stack);
    this.redraw();
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.erase();
  }

  private erase(): void {
    if (!this.io.tty || this.drawn === 0) return;
    // Up to the block's first line, then clear to the end of the screen.
    this.io.raw(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private redraw(): void {
    if (!this.io.tty) return;
    this.erase();
    const width = Math.max(20, (this.io.columns ?? 100) - 1);
    const now = this.io.now();
    const lines = [...this.running.values()].map((p) => clip(progressLine(p, now, this.io.colour), width));
    if (lines.length === 0) return;
    this.io.raw(`${lines.join("\n")}\n`);
    this.drawn = lines.length;
  }
}

/** Cuts a line to `width` visible characters (colour codes do not count). */
function clip(line: string, width: number): string {
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    const escape = /^\x1b\[[0-9;]*m/.exec(line.slice(i));
    if (escape) {
      out += escape[0];
      i += escape[0].length - 1;
      continue;
    }
    // Cut inside a coloured span: reset the colour (only if the line has any).
    if (visible === width) return line.includes("\x1b[") ? `${out}\x1b[0m` : out;
    out += line[i];
    visible++;
  }
  return out;
}
