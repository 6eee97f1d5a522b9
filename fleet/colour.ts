/**
 * Colour for terminal output, or none: colour only on a terminal, never with NO_COLOR set to a
 * non-empty value (https://no-color.org) or TERM=dumb. Logs, pipes and CI get plain text.
 */

export interface Colour {
  ok(text: string): string;
  fail(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function colourEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (!isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return env.TERM !== "dumb";
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export function colour(enabled: boolean): Colour {
  if (!enabled) {
    const plain = (text: string) => text;
    return { ok: plain, fail: plain, warn: plain, dim: plain, bold: plain };
  }
  return { ok: sgr(32, 39), fail: sgr(31, 39), warn: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}
