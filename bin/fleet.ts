/**
 * `npm run fleet -- preview|up|destroy|snapshot|doctor …` (docs/operations.md). A thin shell:
 * the commands live in fleet/cli.ts; this file supplies the real Pulumi runner, HTTP client,
 * terminal and clock.
 */
import * as path from "path";
import { PROJECT_ROOT } from "../components/program";
import { main } from "../fleet/cli";
import { terminalPrompt } from "../fleet/confirm";
import { nodeHttp } from "../fleet/http";
import { automationRunner } from "../fleet/runner";
import { redactSecrets } from "../fleet/text";

main(process.argv.slice(2), {
  rootDir: PROJECT_ROOT,
  env: process.env,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  prompt: terminalPrompt(),
  runner: () => automationRunner(PROJECT_ROOT),
  http: ({ insecure }) => nodeHttp({ insecure }),
  now: () => new Date(),
  logDir: path.join(PROJECT_ROOT, "out", "fleet"),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(redactSecrets(text, process.env));
    process.exit(1);
  },
);
