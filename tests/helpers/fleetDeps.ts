/**
 * fleet's dependencies for tests that only exercise its command line: output captured, no
 * terminal, a runner whose every operation changes nothing, and no HTTP (a call fails loudly).
 */
import type { FleetDeps } from "../../fleet/cli";

export function recordingDeps(rootDir: string, over: Partial<FleetDeps> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const d: FleetDeps = {
    rootDir,
    env: {},
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    prompt: { interactive: false, ask: () => Promise.resolve("") },
    runner: () => ({
      preview: () => Promise.resolve({ changes: {} }),
      up: () => Promise.resolve({ changes: {} }),
      destroy: () => Promise.resolve({ changes: {} }),
    }),
    http: () => () => Promise.reject(new Error("no HTTP")),
    now: () => new Date(0),
    logDir: null,
    ...over,
  };
  return { d, out, err };
}
