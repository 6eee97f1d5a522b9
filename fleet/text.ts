/** Small text helpers for fleet output: error first lines, durations, change counts. */

const GENERIC_ERROR = /^(update|preview|destroy|refresh) failed\.?$/i;
const COMMAND_RESULT_LABEL = /^(code: -?\d+|stdout:|stderr:|err\?:)\s*$/;

/**
 * The line worth showing for an error. For a Pulumi CommandError (message `code: … stdout: …
 * stderr: …`) that is the first specific `error:` line (Pulumi ends with a generic "update
 * failed", skipped when a specific one exists); otherwise the message's first non-empty line.
 */
export function firstErrorLine(error: unknown, max = 160): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const errors = lines
    .map((l) => /(?:^|\s)error:\s*(.+)$/i.exec(l)?.[1]?.trim())
    .filter((l): l is string => l !== undefined && l.length > 0);
  const line =
    errors.find((l) => !GENERIC_ERROR.test(l)) ??
    errors[0] ??
    lines.find((l) => !COMMAND_RESULT_LABEL.test(l)) ??
    (error instanceof Error ? error.name : "unknown error");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `850ms`, `42s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

const CHANGE_SYMBOLS: [string, string][] = [
  ["create", "+"],
  ["update", "~"],
  ["replace", "+-"],
  ["delete", "-"],
  ["same", "="],
];

/** Pulumi's operation counts as `+3 ~1 -2 =40`; other operations by name; `no changes` when empty. */
export function formatChanges(changes: Partial<Record<string, number>> | null): string {
  if (changes === null) return "";
  const parts: string[] = [];
  for (const [op, symbol] of CHANGE_SYMBOLS) {
    const n = changes[op];
    if (n !== undefined && n > 0) parts.push(`${symbol}${n}`);
  }
  const named = new Set(CHANGE_SYMBOLS.map(([op]) => op));
  for (const [op, n] of Object.entries(changes).sort(([a], [b]) => a.localeCompare(b))) {
    if (!named.has(op) && n !== undefined && n > 0) parts.push(`${op} ${n}`);
  }
  return parts.length > 0 ? parts.join(" ") : "no changes";
}

// Redaction lives in redact.ts; re-exported for the callers that import it from here.
export { redactSecrets, SECRET_ENV_VARS } from "./redact";
