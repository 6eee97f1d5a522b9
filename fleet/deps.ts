/**
 * What the fleet commands need from the outside (the Pulumi runner, HTTP, the terminal, the
 * clock, the environment), their exit codes and the errors they share. bin/fleet.ts supplies the
 * real dependencies; the tests supply fakes.
 */
import type { Prompt } from "./confirm";
import type { HttpFetch } from "./http";
import type { StackRunner } from "./run";

export interface FleetDeps {
  rootDir: string;
  env: NodeJS.ProcessEnv;
  /** A line (or lines) for stdout. */
  out: (text: string) => void;
  /** A line (or lines) for stderr. */
  err: (text: string) => void;
  prompt: Prompt;
  /** Created only for preview/up/destroy (the real one loads the Pulumi SDK on demand). */
  runner: () => StackRunner | Promise<StackRunner>;
  http: (options: { insecure: boolean }) => HttpFetch;
  now: () => Date;
  /** Per-stack Pulumi output goes to files here (null: not kept). */
  logDir: string | null;
  xoPollIntervalMs?: number;
  xoTaskTimeoutMs?: number;
  /** stderr is a terminal: live progress and colour (default: plain lines). */
  tty?: boolean;
  /** Raw text to stderr, for the live progress view (no newline added). */
  write?: (text: string) => void;
  /** Terminal width for the live view. */
  columns?: number;
  /** The program's version for --version. */
  version?: string;
  /** Standard input as text, for changed-stacks (read only when that command runs). */
  stdin?: () => Promise<string>;
}

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, JSON_FORMAT_VERSION, SelectionError, UsageError } from "./errors";
