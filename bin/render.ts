/**
 * Offline render: `npm run render -- <stack>` or `npm run render -- --all`.
 * Runs the real program under the SDK's mock runtime with a simulated XO inventory and writes
 * out/<stack>/plan.json, zone.txt and each node's cloud-init files. Exits 1 on a bad config or,
 * with --all, on any cross-stack collision; a stack that fails has no out/<stack>/ afterwards.
 */
import * as path from "path";
import { listStacks } from "../components/config/sources";
import { PROJECT_ROOT } from "../components/config/root";
import { renderStacks } from "../render/renderStacks";

async function main(argv: string[]): Promise<number> {
  const all = argv.includes("--all");
  const stacks = all ? listStacks(PROJECT_ROOT) : argv.filter((a) => !a.startsWith("--"));
  if (stacks.length === 0 || argv.includes("--help")) {
    console.error(`usage: npm run render -- <stack> | --all\nstacks: ${listStacks(PROJECT_ROOT).join(", ")}`);
    return 2;
  }
  const outRoot = path.join(PROJECT_ROOT, "out");
  const failed = await renderStacks(stacks, outRoot, { log: console.log, error: console.error });
  if (all) console.log(`${stacks.length - failed} of ${stacks.length} stacks rendered.`);
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
