/**
 * The boot scripts (plain, shellchecked files under cloud-init/scripts/), read once each. A line
 * `# co-include: lib/<file>.sh` is replaced by that shared file (its own header lines dropped), so
 * what a node receives is one self-contained script and the shared shell lives in one place.
 */
import * as fs from "fs";
import * as path from "path";

export type ScriptName = "prepare-node.sh" | "rke2-bootstrap.sh";

const SCRIPTS_DIR = path.join(__dirname, "scripts");
const INCLUDE = /^# co-include: (lib\/[a-z0-9-]+\.sh)$/gm;
const cache = new Map<ScriptName, string>();

export function readScript(name: ScriptName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = fs
      .readFileSync(path.join(SCRIPTS_DIR, name), "utf8")
      .replace(INCLUDE, (_line, lib: string) => includedBody(lib));
    cache.set(name, text);
  }
  return text;
}

/** A shared file without its leading comment block (the `shellcheck shell=` directive and notes). */
function includedBody(lib: string): string {
  const lines = fs.readFileSync(path.join(SCRIPTS_DIR, lib), "utf8").split("\n");
  const first = lines.findIndex((l) => !l.startsWith("#"));
  return `# --- ${lib} (shared, inlined) ---\n${lines.slice(first).join("\n").trim()}\n# --- end of ${lib} ---`;
}
