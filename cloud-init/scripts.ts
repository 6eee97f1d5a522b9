/** The boot scripts (plain, shellchecked files under cloud-init/scripts/), read once each. */
import * as fs from "fs";
import * as path from "path";

export type ScriptName = "prepare-node.sh" | "rke2-bootstrap.sh";

const cache = new Map<ScriptName, string>();

export function readScript(name: ScriptName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(__dirname, "scripts", name), "utf8");
    cache.set(name, text);
  }
  return text;
}
