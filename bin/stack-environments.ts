/**
 * `tsx bin/stack-environments.ts <root>`: one line per stack in <root>/stacks, tab-separated:
 * stack, environment, use case, each as the config loader reads it, `?` where it cannot tell.
 * Used by .github/scripts/changed-stacks.sh (docs/ci.md); exits 2 on a usage error.
 */
import { stackIdentity } from "../components/config/stackIdentity";
import { listStacks } from "../components/config/sources";

const [root, ...rest] = process.argv.slice(2);
if (root === undefined || rest.length > 0) {
  console.error("usage: tsx bin/stack-environments.ts <project root>");
  process.exit(2);
}
for (const stack of listStacks(root)) {
  if (!/^[A-Za-z0-9._-]+$/.test(stack)) {
    console.error(`unexpected stack file name 'stacks/Pulumi.${stack}.yaml'`);
    process.exit(2);
  }
  const { environment, useCase } = stackIdentity(root, stack);
  console.log([stack, environment ?? "?", useCase ?? "?"].join("\t"));
}
