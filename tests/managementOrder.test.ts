/**
 * Issue 11: the management stack in fleet runs — first on up, last on destroy, in a phase of its
 * own; destroy refused while clusters are registered in it; critical by default.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { main, type FleetDeps } from "../fleet/cli";
import {
  managementDestroyRefusal,
  managementLinks,
  managementPhases,
  readManagementLinks,
  runInPhases,
  withManagementCritical,
} from "../fleet/managementOrder";
import type { RunOutcome, StackRunner } from "../fleet/run";
import { criticalOf, type FleetStack } from "../fleet/select";
import { PROJECT_ROOT } from "../components/program";
import { copyProjectConfig } from "./helpers/program";

const fs_ = (name: string, environment = "dev", critical = false): FleetStack => ({
  name,
  environment,
  useCase: name.replace(/-[a-z]+$/, ""),
  critical,
  criticalReason: critical ? "x" : "not protected",
});

const links = managementLinks(
  [
    { name: "rancher-prod", useCase: "rancher", mode: "none", managementStack: "rancher-prod" },
    { name: "legal-ai-dev", useCase: "legal-ai", mode: "import", managementStack: "rancher-prod" },
    { name: "healthcare-dev", useCase: "healthcare", mode: "custom", managementStack: "rancher-prod" },
    { name: "spare-dev", useCase: "spare", mode: "none", managementStack: "rancher-prod" },
    { name: "other-dev", useCase: "other", mode: "import", managementStack: undefined },
  ],
  new Set(["rancher"]),
);

describe("pure decisions", () => {
  test("links: registered = the stacks that name it and register in Rancher (not mode none, not itself)", () => {
    expect([...links.management]).toEqual(["rancher-prod"]);
    expect(links.registered.get("rancher-prod")).toEqual(["legal-ai-dev", "healthcare-dev"]);
  });

  test("the repo: rancher-prod is the management stack; the prod use-case stacks register in it", () => {
    const repo = readManagementLinks(PROJECT_ROOT);
    expect([...repo.management]).toEqual(["rancher-prod"]);
    // Dev stacks use RANCHER_URL / RANCHER_TOKEN_KEY: rancher-prod's outputs are encrypted with
    // prod's passphrase, which the non-prod CI jobs never hold (Pulumi.dev.yaml, docs/ci.md).
    expect([...(repo.registered.get("rancher-prod") ?? [])].sort()).toEqual([
      "accounting-analytics-prod",
      "healthcare-prod",
      "legal-ai-prod",
    ]);
  });

  test("phases: management first on preview and up, last on destroy; the order inside is kept", () => {
    const stacks = [fs_("legal-ai-dev"), fs_("rancher-prod", "prod"), fs_("healthcare-dev")];
    const names = (phases: FleetStack[][]) => phases.map((p) => p.map((s) => s.name));
    expect(names(managementPhases("up", stacks, links))).toEqual([
      ["rancher-prod"],
      ["legal-ai-dev", "healthcare-dev"],
    ]);
    expect(names(managementPhases("preview", stacks, links))[0]).toEqual(["rancher-prod"]);
    expect(names(managementPhases("destroy", stacks, links))).toEqual([
      ["legal-ai-dev", "healthcare-dev"],
      ["rancher-prod"],
    ]);
    expect(names(managementPhases("up", [fs_("legal-ai-dev")], links))).toEqual([["legal-ai-dev"]]);
  });

  test("destroy refused while a registered stack stays; allowed when they all go with it", () => {
    expect(managementDestroyRefusal([fs_("rancher-prod", "prod")], links)).toContain(
      "rancher-prod: legal-ai-dev, healthcare-dev still name it in rancher.managementStack",
    );
    expect(managementDestroyRefusal([fs_("rancher-prod", "prod"), fs_("legal-ai-dev")], links)).toContain(
      "rancher-prod: healthcare-dev still",
    );
    expect(
      managementDestroyRefusal([fs_("rancher-prod"), fs_("legal-ai-dev"), fs_("healthcare-dev")], links),
    ).toBeNull();
    expect(managementDestroyRefusal([fs_("legal-ai-dev")], links)).toBeNull();
  });

  test("critical by default, even outside prod; an explicit critical: false in its file is kept", () => {
    expect(withManagementCritical(fs_("rancher-prod", "dev"), links).critical).toBe(true);
    // The reasons as fleet/select.ts criticalOf writes them.
    const released = {
      ...fs_("rancher-prod"),
      criticalReason: criticalOf("prod", { critical: false }, {}).reason,
    };
    expect(withManagementCritical(released, links).critical).toBe(false);
    // Review 3: a layer's `critical: false` is shared by every stack of that environment; it must
    // not release the management stack (only its own file does).
    const layer = {
      ...fs_("rancher-prod"),
      criticalReason: criticalOf("prod", {}, { critical: false }).reason,
    };
    expect(withManagementCritical(layer, links).critical).toBe(true);
    expect(withManagementCritical(fs_("legal-ai-dev"), links).critical).toBe(false);
  });

  test("a failed phase stops the later ones on up and destroy (reported, not run), not on preview", async () => {
    const phases = [[fs_("rancher-prod")], [fs_("legal-ai-dev")]];
    const ran: string[] = [];
    const run = (failing: boolean) => (stacks: FleetStack[]) => {
      ran.push(...stacks.map((s) => s.name));
      return Promise.resolve(
        stacks.map((s) => ({
          stack: s.name,
          action: "up" as const,
          status: failing ? ("failed" as const) : ("succeeded" as const),
          changes: null,
          durationMs: 1,
          error: failing ? "boom" : null,
        })),
      );
    };
    const up = await runInPhases("up", phases, run(true));
    expect(ran).toEqual(["rancher-prod"]);
    expect(up.map((r) => [r.stack, r.status, r.error])).toEqual([
      ["rancher-prod", "failed", "boom"],
      ["legal-ai-dev", "failed", "not run: an earlier phase (management stack order) failed"],
    ]);
    ran.length = 0;
    await runInPhases("preview", phases, run(true));
    expect(ran).toEqual(["rancher-prod", "legal-ai-dev"]);
  });
});

describe("fleet CLI with the repo's stacks", () => {
  class Recorder implements StackRunner {
    readonly calls: string[] = [];
    private go(action: string, stack: string): Promise<RunOutcome> {
      this.calls.push(`${action} ${stack}`);
      return Promise.resolve({ changes: { same: 1 } });
    }
    preview = (s: string) => this.go("preview", s);
    up = (s: string) => this.go("up", s);
    destroy = (s: string) => this.go("destroy", s);
  }
  const dir = copyProjectConfig();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const deps = (runner: Recorder, err: string[]): FleetDeps => ({
    rootDir: dir,
    env: {},
    out: () => undefined,
    err: (t) => err.push(t),
    prompt: { interactive: false, ask: () => Promise.resolve("") },
    runner: () => runner,
    http: () => () => Promise.reject(new Error("no HTTP")),
    now: () => new Date(0),
    logDir: null,
  });

  test("up --all: rancher-prod completes before any use-case stack starts, even with concurrency 4", async () => {
    const runner = new Recorder();
    const critical = ["rancher-prod", "legal-ai-prod", "accounting-analytics-prod", "healthcare-prod"];
    const confirmed = critical.flatMap((s) => ["--confirm-critical", s]);
    const args = ["up", "--all", "--concurrency", "4", "--yes", ...confirmed];
    expect(await main(args, deps(runner, []))).toBe(0);
    // The preview runs in the same phases first, then the apply.
    expect(runner.calls[0]).toBe("preview rancher-prod");
    const ups = runner.calls.filter((c) => c.startsWith("up "));
    expect(ups[0]).toBe("up rancher-prod");
    expect(ups).toHaveLength(7);
    expect(runner.calls.indexOf("up rancher-prod")).toBeGreaterThan(
      Math.max(...runner.calls.flatMap((c, i) => (c.startsWith("preview ") ? [i] : []))),
    );
  });

  test("destroy --stack rancher-prod is refused while the use-case stacks name it; nothing runs", async () => {
    const runner = new Recorder();
    const err: string[] = [];
    expect(await main(["destroy", "--stack", "rancher-prod", "--yes"], deps(runner, err))).toBe(1);
    expect(err.join("\n")).toContain(
      "refusing to destroy a management stack while clusters are registered in it",
    );
    expect(runner.calls).toEqual([]);
  });

  test("with its critical marker released and no registered stack left, it is destroyed", async () => {
    const file = path.join(dir, "stacks", "Pulumi.rancher-prod.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    doc.config["cluster-orchestrator:critical"] = false;
    fs.writeFileSync(file, stringify(doc));
    for (const f of fs.readdirSync(path.join(dir, "stacks")).filter((f) => !f.includes("rancher-prod")))
      fs.rmSync(path.join(dir, "stacks", f));
    const runner = new Recorder();
    expect(await main(["destroy", "--stack", "rancher-prod", "--yes"], deps(runner, []))).toBe(0);
    expect(runner.calls).toEqual(["destroy rancher-prod"]);
  });
});
