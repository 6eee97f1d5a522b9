/**
 * The project's one plain-text table: padded columns, no colours (logs and CI stay readable). Used
 * by fleet's summaries, the render's node and capacity tables.
 */

export interface TableOptions {
  /** A `---` rule under the header row (default true). */
  rule?: boolean;
  /** Per column: `left` (default) or `right` (numbers). */
  align?: ("left" | "right")[];
}

/** The table's lines: the header, the rule (unless turned off), the rows; trailing spaces trimmed. */
export function tableLines(headers: string[], rows: string[][], options: TableOptions = {}): string[] {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (options.align?.[i] === "right" ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = options.rule === false ? [] : [line(widths.map((w) => "-".repeat(w)))];
  return [line(headers), ...rule, ...rows.map(line)];
}

export function renderTable(headers: string[], rows: string[][], options: TableOptions = {}): string {
  return tableLines(headers, rows, options).join("\n");
}
