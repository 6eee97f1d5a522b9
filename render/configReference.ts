/**
 * The generated configuration reference files, as they must read in the repository: the key
 * table inside docs/configuration.md (between the GENERATED markers) and
 * schemas/stack-config.schema.json, both formatted by the project's Prettier settings so that
 * `prettier --check` and the drift test agree (components/config/reference.ts builds them).
 */
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import { CONFIG_DOC, JSON_SCHEMA, keyTable, stackFileJsonSchema } from "../components/config/reference";
const BEGIN = "<!-- BEGIN GENERATED: keys (npm run config-reference) -->";
const END = "<!-- END GENERATED: keys -->";

async function format(text: string, file: string, rootDir: string): Promise<string> {
  const options = (await prettier.resolveConfig(path.join(rootDir, file))) ?? {};
  return prettier.format(text, { ...options, filepath: path.join(rootDir, file) });
}

/** The two files' contents as they should be, given the current docs/configuration.md. */
export async function configReferenceFiles(rootDir: string): Promise<Record<string, string>> {
  const doc = fs.readFileSync(path.join(rootDir, CONFIG_DOC), "utf8");
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${CONFIG_DOC} has no ${BEGIN} … ${END} section`);
  const table = `${BEGIN}\n\n${keyTable()}\n\n${END}`;
  const newDoc = doc.slice(0, start) + table + doc.slice(end + END.length);
  return {
    [CONFIG_DOC]: await format(newDoc, CONFIG_DOC, rootDir),
    [JSON_SCHEMA]: await format(JSON.stringify(stackFileJsonSchema(), null, 2), JSON_SCHEMA, rootDir),
  };
}
