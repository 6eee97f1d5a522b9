/**
 * The boot scripts (plain, shellchecked files under cloud-init/scripts/), read once each. A line
 * `# co-include: lib/<file>.sh` is replaced by that shared file (its own header lines dropped), so
 * what a node receives is one self-contained script and the shared shell lives in one place.
 * One level only: a shared file may not include another (docs/development.md).
 */
import * as fs from "fs";
import * as path from "path";

export type ScriptName = "prepare-node.sh" | "rke2-bootstrap.sh";

const SCRIPTS_DIR = path.join(__dirname, "scripts");
/** Any line that starts like a marker; a malformed one must not pass as a plain comment. */
const MARKER = /^# co-include:.*$/gm;
const VALID_MARKER = /^# co-include: (lib\/[a-z0-9-]+\.sh)$/;
const cache = new Map<ScriptName, string>();

export function readScript(name: ScriptName): string {
  let text = cache.get(name);
  if (text === undefined) {
    // A missing shared file fails here with fs's ENOENT error, which names its full path.
    const read = (file: string): string => fs.readFileSync(path.join(SCRIPTS_DIR, file), "utf8");
    text = inlineIncludes(name, read(name), read);
    cache.set(name, text);
  }
  return text;
}

/**
 * Replaces every `# co-include: lib/<file>.sh` line of `script` (named `name` in errors) by the body
 * of the file `readLib` returns. A marker line that is malformed, or a shared file that includes
 * another or holds nothing but comments, is an error: either would deliver a script without the
 * shared functions it calls.
 */
export function inlineIncludes(name: string, script: string, readLib: (lib: string) => string): string {
  return script.replace(MARKER, (line) => {
    const lib = VALID_MARKER.exec(line)?.[1];
    if (lib === undefined) {
      throw new Error(`${name}: "${line}" is not "# co-include: lib/<name>.sh" (lower case, digits, dashes)`);
    }
    return includedBody(name, lib, readLib(lib));
  });
}

/** A shared file without its leading comment block (the `shellcheck shell=` directive and notes). */
function includedBody(name: string, lib: string, text: string): string {
  if (/^# co-include:/m.test(text)) {
    throw new Error(`${name}: ${lib} includes another file; co-include is one level only`);
  }
  const lines = text.split("\n");
  const first = lines.findIndex((l) => !l.startsWith("#"));
  const body = first === -1 ? "" : lines.slice(first).join("\n").trim();
  if (body === "") throw new Error(`${name}: ${lib} holds no code (only comments)`);
  return `# --- ${lib} (shared, inlined) ---\n${body}\n# --- end of ${lib} ---`;
}
