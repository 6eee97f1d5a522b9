/**
 * The project's own import graph, read with TypeScript's import scanner (ts.preProcessFile),
 * relative imports only (type-only imports included). Used by the layering test and by the
 * mutation runner, which picks the test files that load an area's code.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const SKIP = new Set(["node_modules", "out", "coverage", "reports", ".git"]);

/** Every .ts file under `dir`, skipping build output, reports and hidden folders. */
export function sourceFiles(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, found);
    else if (entry.name.endsWith(".ts")) found.push(full);
  }
  return found;
}

/** file → the project files it imports, both relative to `root` (resolved as Node and tsc do). */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    const targets = info.importedFiles
      .filter((i) => i.fileName.startsWith("."))
      .map((i) => path.resolve(path.dirname(file), i.fileName))
      .map((base) => [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f)))
      .filter((f): f is string => f !== undefined);
    graph.set(
      path.relative(root, file),
      targets.map((f) => path.relative(root, f)),
    );
  }
  return graph;
}
