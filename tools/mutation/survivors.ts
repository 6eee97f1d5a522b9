/**
 * `npm run mutation:report -- <area>`: the score of the last run of an area and its survivors, one
 * line each (file:line, mutator, the replacement), read from the mutation.json of each of the area's
 * runs (reports/mutation/<area>/<group>/).
 * The score counts as Stryker does: (killed + timed out) / (killed + timed out + survived + no coverage).
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../components/config/root";
import { AREAS } from "./areas";

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

export interface Tally {
  detected: number;
  undetected: number;
  /** NaN when no mutant counts (all ignored or invalid): printed as n/a, never as 100%. */
  score: number;
}

export function tally(mutants: Mutant[]): Tally {
  const detected = mutants.filter((m) => m.status === "Killed" || m.status === "Timeout").length;
  const undetected = mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage").length;
  const total = detected + undetected;
  return { detected, undetected, score: total === 0 ? NaN : (100 * detected) / total };
}

const percent = (score: number) => (Number.isNaN(score) ? "n/a" : `${score.toFixed(1)}%`);

function main(area: string | undefined): number {
  if (area === undefined) {
    console.error("usage: npm run mutation:report -- <area>");
    return 2;
  }
  if (AREAS[area] === undefined) {
    console.error(`unknown area "${area}"; areas: ${Object.keys(AREAS).join(", ")}`);
    return 2;
  }
  const dir = path.join(PROJECT_ROOT, "reports", "mutation", area);
  // The area's current groups only: a folder left by a renamed group would count twice.
  const reports = Object.keys(AREAS[area].groups)
    .map((group) => path.join(dir, group, "mutation.json"))
    .filter((f) => fs.existsSync(f));
  if (reports.length === 0) {
    console.error(`no report under ${path.relative(PROJECT_ROOT, dir)}: run npm run mutation -- ${area}`);
    return 2;
  }
  const files: Report["files"] = {};
  for (const file of reports)
    Object.assign(files, (JSON.parse(fs.readFileSync(file, "utf8")) as Report).files);
  const all: Mutant[] = [];
  for (const [name, entry] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const t = tally(entry.mutants);
    all.push(...entry.mutants);
    console.log(`${percent(t.score).padStart(7)}  ${t.detected}/${t.detected + t.undetected}  ${name}`);
    const lines = entry.source.split("\n");
    for (const m of entry.mutants.filter((x) => x.status === "Survived" || x.status === "NoCoverage")) {
      const line = m.location.start.line;
      const code = (lines[line - 1] ?? "").trim().slice(0, 80);
      const replacement = (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 60);
      console.log(`    ${name}:${line} ${m.status} ${m.mutatorName} -> ${replacement}    | ${code}`);
    }
  }
  const t = tally(all);
  console.log(
    `${t.score.toFixed(1)}% (${t.detected} of ${t.detected + t.undetected} mutants detected) in ${area}`,
  );
  return 0;
}

process.exit(main(process.argv[2]));
