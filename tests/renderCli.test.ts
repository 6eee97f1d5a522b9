/**
 * Issue 12: render's command line. `render legal-ai-dev --al` used to render one stack and ignore
 * the typo; now an unknown option fails with render's usage and renders nothing. --json prints a
 * stable summary on stdout.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderMain } from "../render/cli";

const REPO = path.resolve(__dirname, "..");
const outRoots: string[] = [];
afterAll(() => outRoots.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The project's own stacks, rendered into a throw-away folder. */
function io() {
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), "render-cli-"));
  outRoots.push(outRoot);
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    outRoot,
    io: {
      rootDir: REPO,
      outRoot,
      out: (t: string) => out.push(t),
      err: (t: string) => err.push(t),
      version: "1.2.3",
    },
  };
}

test.each([
  [["legal-ai-dev", "--al"], "unknown option '--al'"],
  [["legal-ai-dev", "--concurrency", "5"], "unknown option '--concurrency'"],
  [[], "name a stack or pass --all"],
  [["legal-ai-dev", "--all"], "--all renders every stack: name none with it"],
])("usage error %j: render's usage, nothing rendered", async (argv, message) => {
  const h = io();
  expect(await renderMain(argv, h.io)).toBe(2);
  expect(h.err.join("\n")).toContain(message);
  expect(h.err.join("\n")).toContain("Usage: render [options] [stacks...]");
  expect(fs.readdirSync(h.outRoot)).toEqual([]);
});

test("--help and --version", async () => {
  const h = io();
  expect(await renderMain(["--help"], h.io)).toBe(0);
  expect(h.out.join("\n")).toContain("--json");
  const v = io();
  expect(await renderMain(["--version"], v.io)).toBe(0);
  expect(v.out).toEqual(["1.2.3"]);
});

test("--json: one document on stdout with each stack's outcome; the readable summary on stderr", async () => {
  const h = io();
  expect(await renderMain(["legal-ai-dev", "nope-dev", "--json"], h.io)).toBe(1);
  expect(h.out).toHaveLength(1);
  const doc = JSON.parse(h.out[0]!);
  expect(doc).toMatchObject({ version: 1, command: "render", rendered: 1, failed: 1 });
  expect(doc.stacks[0]).toMatchObject({
    stack: "legal-ai-dev",
    status: "rendered",
    problems: [],
  });
  expect(doc.stacks[0].resources).toBeGreaterThan(5);
  expect(doc.stacks[0].nodes[0]).toEqual({
    hostname: "cluster1-server1",
    pool: "server",
    role: "server",
    ip: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
  });
  expect(doc.stacks[1]).toMatchObject({ stack: "nope-dev", status: "failed", outDir: null });
  expect(h.err.join("\n")).toContain("Stack legal-ai-dev");
  expect(fs.existsSync(path.join(h.outRoot, "legal-ai-dev", "plan.json"))).toBe(true);
});
