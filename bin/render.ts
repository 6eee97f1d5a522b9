/**
 * Offline render: `npm run render -- <stack>` or `npm run render -- --all` (render/cli.ts).
 * Runs the real program under the SDK's mock runtime with a simulated XO inventory and writes
 * out/<stack>/plan.json, zone.txt and each node's cloud-init files. Exits 1 on a bad config or,
 * with --all, on any cross-stack collision; a stack that fails has no out/<stack>/ afterwards.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../components/config/root";
import { renderMain } from "../render/cli";

const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
  version?: string;
};

renderMain(process.argv.slice(2), {
  rootDir: PROJECT_ROOT,
  outRoot: path.join(PROJECT_ROOT, "out"),
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  ...(manifest.version !== undefined ? { version: manifest.version } : {}),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
