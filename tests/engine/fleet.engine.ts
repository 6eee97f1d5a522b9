/**
 * The engine lane, part 2: the fleet command's runner (fleet/runner.ts, the Automation API)
 * against the real CLI. While the resource plugins cannot be built (docs/engine.md), a preview
 * runs the program and stops at the missing xenorchestra plugin; the checks pin that the runner
 * reaches the CLI, creates the stack with its file in stacks/, streams the CLI's output, and
 * that destroy refuses a stack that was never created.
 */
import * as fs from "fs";
import * as path from "path";
import { automationRunner } from "../../fleet/runner";
import { engineStatus, workspace, type EngineStatus, type Workspace } from "./engineEnv";

let status: EngineStatus;
let ws: Workspace;
const saved = { ...process.env };

beforeAll(() => {
  status = engineStatus();
  ws = workspace(status);
  // The Automation API runs `pulumi` from PATH with this process's environment.
  Object.assign(process.env, ws.env);
});
afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  ws?.cleanup();
});

test("fleet preview through the Automation API creates the stack and streams the CLI's preview", async () => {
  const lines: string[] = [];
  const run = automationRunner(ws.dir).preview("legal-ai-dev", (line) => lines.push(line));
  if (status.plugins.some((p) => p.name === "xenorchestra")) {
    await expect(run).resolves.toBeDefined();
    return;
  }
  await expect(run).rejects.toThrow(/no resource plugin 'pulumi-resource-xenorchestra' found/);
  expect(lines.join("\n")).toMatch(/Previewing update \(legal-ai-dev\)/);
  expect(lines.join("\n")).toMatch(/\+\s+pulumi:pulumi:Stack cluster-orchestrator-legal-ai-dev create/);
  // createOrSelectStack initialised the stack: its passphrase salt is in stacks/ (stackConfigDir).
  expect(fs.readFileSync(path.join(ws.dir, "stacks", "Pulumi.legal-ai-dev.yaml"), "utf8")).toMatch(
    /^encryptionsalt: /m,
  );
});

test("fleet destroy through the Automation API refuses a stack that was never created", async () => {
  const run = automationRunner(ws.dir).destroy("healthcare-prod", () => undefined);
  await expect(run).rejects.toThrow(/no stack named 'healthcare-prod' found/);
  expect(fs.readFileSync(path.join(ws.dir, "stacks", "Pulumi.healthcare-prod.yaml"), "utf8")).not.toMatch(
    /^encryptionsalt: /m,
  );
});
