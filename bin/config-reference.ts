/**
 * `npm run config-reference`: regenerates docs/configuration.md's key table and
 * schemas/stack-config.schema.json from the schema (render/configReference.ts). With `--check`,
 * changes nothing and exits 1 when either is out of date. `--root DIR`: another checkout (tests).
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../components/config/root";
import { configReferenceFiles } from "../render/configReference";

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  const rootAt = argv.indexOf("--root");
  const root = rootAt >= 0 ? argv[rootAt + 1] : PROJECT_ROOT;
  const known = argv.filter((a, i) => a === "--check" || (rootAt >= 0 && (i === rootAt || i === rootAt + 1)));
  if (root === undefined || known.length !== argv.length) {
    console.error("usage: npm run config-reference [-- [--check] [--root DIR]]");
    return 2;
  }
  let stale = 0;
  for (const [file, text] of Object.entries(await configReferenceFiles(root))) {
    const full = path.join(root, file);
    const current = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : null;
    if (current === text) continue;
    stale++;
    if (check) console.error(`${file} is out of date: run npm run config-reference`);
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      console.log(`wrote ${file}`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
