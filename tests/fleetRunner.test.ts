/**
 * Issue 15: the Automation API runner's decisions with the SDK's LocalWorkspace mocked (the real
 * one needs the Pulumi CLI and a backend): destroy only SELECTS an existing stack — it never
 * creates an empty one to "destroy" — while preview and up create on first use; --refresh is
 * passed only when asked; output arrives line by line with the last line flushed even when the
 * operation fails; engine events become steps; a missing pulumi CLI is named as such.
 * The calls and result shapes follow @pulumi/pulumi automation/localWorkspace.d.ts and stack.d.ts.
 */
import type { StepEvent } from "../fleet/steps";

const calls: string[] = [];
let failWith: Error | null = null;

interface OpOptions {
  onOutput: (chunk: string) => void;
  onEvent: (event: unknown) => void;
  refresh?: boolean;
}

function fakeStack(name: string) {
  const run = (op: string, result: unknown) => (options: OpOptions) => {
    calls.push(`${op} ${name} refresh=${String(options.refresh)}`);
    options.onOutput("line one\r\nline t");
    options.onOutput("wo\nunterminated");
    options.onEvent({
      resourcePreEvent: { metadata: { op: "create", type: "t:V", urn: "urn:pulumi:s::p::t:V::vm1" } },
    });
    options.onEvent({ diagnosticEvent: { message: "not a step" } });
    if (failWith !== null) return Promise.reject(failWith);
    return Promise.resolve(result);
  };
  return {
    preview: run("preview", { changeSummary: { create: 2 } }),
    up: run("up", { summary: { resourceChanges: { update: 1 } } }),
    destroy: run("destroy", { summary: { resourceChanges: undefined } }),
  };
}

jest.mock("@pulumi/pulumi/automation", () => ({
  LocalWorkspace: {
    createOrSelectStack: ({ stackName, workDir }: { stackName: string; workDir: string }) => {
      calls.push(`createOrSelect ${stackName} in ${workDir}`);
      return Promise.resolve(fakeStack(stackName));
    },
    selectStack: ({ stackName, workDir }: { stackName: string; workDir: string }) => {
      calls.push(`select ${stackName} in ${workDir}`);
      return Promise.resolve(fakeStack(stackName));
    },
  },
}));

// Imported after the mock is declared (jest hoists jest.mock above imports anyway).
import { automationRunner } from "../fleet/runner";

beforeEach(() => {
  calls.length = 0;
  failWith = null;
});

test("destroy selects the existing stack and never creates one; preview and up create on first use", async () => {
  const runner = automationRunner("/project");
  expect(await runner.destroy("a-dev", () => undefined)).toEqual({ changes: {} });
  expect(await runner.preview("a-dev", () => undefined)).toEqual({ changes: { create: 2 } });
  expect(await runner.up("a-dev", () => undefined, { refresh: true })).toEqual({ changes: { update: 1 } });
  expect(calls).toEqual([
    "select a-dev in /project",
    "destroy a-dev refresh=undefined",
    "createOrSelect a-dev in /project",
    "preview a-dev refresh=undefined",
    "createOrSelect a-dev in /project",
    "up a-dev refresh=true",
  ]);
});

test("refresh is passed only when it is true", async () => {
  const runner = automationRunner("/p");
  await runner.preview("s", () => undefined, { refresh: false });
  expect(calls).toContain("preview s refresh=undefined");
});

test("output line by line (CRLF too), the last line flushed even on failure; steps from engine events", async () => {
  const lines: string[] = [];
  const steps: StepEvent[] = [];
  failWith = new Error("boom");
  await expect(
    automationRunner("/p").up("s", (l) => lines.push(l), { onStep: (s) => steps.push(s) }),
  ).rejects.toThrow("boom");
  expect(lines).toEqual(["line one", "line two", "unterminated"]);
  expect(steps).toEqual([{ kind: "start", op: "create", type: "t:V", name: "vm1" }]);
});

test.each<[Error, string]>([
  [new Error("spawn pulumi ENOENT"), "the pulumi CLI is not on PATH"],
  [new Error("ENOENT: no such file, open 'Pulumi.yaml'"), "ENOENT: no such file"],
  [new Error("pulumi: permission denied"), "pulumi: permission denied"],
])("%p -> %s", async (error, message) => {
  failWith = error;
  await expect(automationRunner("/p").preview("s", () => undefined)).rejects.toThrow(message);
});
