/**
 * Issue 15: fleet's exit codes by kind of error (docs/operations.md → Exit codes): 0 done, 1 a
 * failure fleet explains (configuration, selection, XO), 2 a usage error with the command's usage;
 * anything else is a bug and must not turn into a quiet exit code. And what main prints is
 * redacted, whichever command printed it.
 */
import { main } from "../fleet/cli";
import { recordingDeps } from "./helpers/fleetDeps";
import { envLayer, stackValues, useTempProjects } from "./helpers/fixtures";

const tempProject = useTempProjects();

const deps = recordingDeps;

const project = () =>
  tempProject({
    environments: { dev: envLayer("dev") },
    stacks: {
      "legal-ai-dev": stackValues("legal-ai", "dev", 1),
      // Invalid: a pool with a negative count.
      "broken-dev": {
        ...stackValues("broken", "dev", 2),
        pools: { server: { role: "server", count: -1, cpus: 2, memoryMiB: 4096, diskGiB: 20 } },
      },
    },
  });

test("a configuration error while loading a stack: exit 1 with the loader's message, not a usage", async () => {
  const h = deps(project(), { env: { XOA_URL: "wss://xo.lab", XOA_TOKEN: "tok-abcdef" } });
  expect(await main(["snapshot", "broken-dev", "--list"], h.d)).toBe(1);
  const text = h.err.join("\n");
  expect(text).toMatch(/^fleet: /);
  expect(text).toContain("broken-dev");
  expect(text).not.toContain("Usage:");
});

test("an unexpected error is not turned into an exit code", async () => {
  const h = deps(project(), { runner: () => Promise.reject(new TypeError("a bug")) });
  await expect(main(["preview", "legal-ai-dev"], h.d)).rejects.toThrow("a bug");
});

test("a usage error found after parsing: exit 2 with that command's usage; --help exits 0", async () => {
  const h = deps(project());
  expect(await main(["destroy"], h.d)).toBe(2);
  expect(h.err.join("\n")).toMatch(/^error: destroy needs a stack name/);
  expect(h.err.join("\n")).toContain("Usage: fleet destroy [options] [stacks...]");
  const help = deps(project());
  expect(await main(["doctor", "--help"], help.d)).toBe(0);
  expect(help.out.join("\n")).toContain("Usage: fleet doctor [options] <stack>");
  expect(help.err).toEqual([]);
});

test("main's own messages are redacted too (a secret in an unknown stack name)", async () => {
  const h = deps(project(), { env: { XOA_PASSWORD: "s3cret-pass" } });
  expect(await main(["preview", "s3cret-pass"], h.d)).toBe(1);
  expect(h.err.join("\n")).toContain("unknown stack [secret]");
  expect([...h.out, ...h.err].join("\n")).not.toContain("s3cret-pass");
});
