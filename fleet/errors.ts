/** fleet's exit codes, the errors its commands share, and the version of its JSON documents. */

/** Exit codes (docs/operations.md → Exit codes). */
export const EXIT_OK = 0;
/** A stack, check or snapshot failed, the configuration is invalid, or the operator declined. */
export const EXIT_FAILED = 1;
/** The command line is wrong: unknown command or option, an option the command does not take. */
export const EXIT_USAGE = 2;

/** A selection that names no known stack, or matches none. */
export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectionError";
  }
}

/** A command-line mistake found after parsing (e.g. no stack selected): usage of that command. */
export class UsageError extends Error {}

/** The version line of `--version` and of `--json` documents. */
export const JSON_FORMAT_VERSION = 1;
