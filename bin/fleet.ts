/**
 * `npm run fleet -- preview|up|destroy|snapshot|doctor|changed-stacks …` (docs/operations.md).
 * A thin shell: the commands live in fleet/cli.ts; this file supplies the real Pulumi runner
 * (loaded only when a command runs Pulumi: `fleet --help` never loads the SDK), HTTP client,
 * terminal and clock.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../components/config/root";
import { main } from "../fleet/cli";
import { terminalPrompt } from "../fleet/confirm";
import { nodeHttp } from "../fleet/http";
import { redactSecrets } from "../fleet/text";

function version(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    version?: string;
  };
  return manifest.version ?? "unknown";
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

main(process.argv.slice(2), {
  rootDir: PROJECT_ROOT,
  env: process.env,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  prompt: terminalPrompt(),
  runner: async () => (await import("../fleet/runner")).automationRunner(PROJECT_ROOT),
  http: ({ insecure }) => nodeHttp({ insecure }),
  now: () => new Date(),
  logDir: path.join(PROJECT_ROOT, "out", "fleet"),
  tty: process.stderr.isTTY === true,
  write: (text) => process.stderr.write(text),
  ...(process.stderr.columns !== undefined ? { columns: process.stderr.columns } : {}),
  version: version(),
  stdin: readStdin,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(redactSecrets(text, process.env));
    process.exit(1);
  },
);
