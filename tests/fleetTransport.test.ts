/**
 * Issue 15: the transport decisions on both sides — which endpoints fleet refuses to send
 * credentials to (plain ws:// or http://, anchored, any case), the one exact opt-out, which
 * commands the refusal applies to, and which credentials go to XO (a token alone, or a user and a
 * password; never an empty or whitespace one).
 */
import { main, type FleetDeps } from "../fleet/cli";
import { ALLOW_PLAINTEXT_VAR, plaintextProblem, xoSettingsFromEnv } from "../fleet/xoClient";
import { envLayer, stackValues, useTempProjects } from "./helpers/fixtures";

const tempProject = useTempProjects();

describe("plain endpoints", () => {
  test.each<[NodeJS.ProcessEnv, string | null]>([
    [{ XOA_URL: "ws://xo.lab" }, "XOA_URL (use wss://)"],
    [{ XOA_URL: "WS://xo.lab" }, "XOA_URL (use wss://)"],
    [{ XOA_URL: "  http://xo.lab" }, "XOA_URL (use wss://)"],
    [{ XOA_URL: "HTTP://xo.lab" }, "XOA_URL (use wss://)"],
    [{ RANCHER_URL: "http://rancher.lab" }, "RANCHER_URL (use https://)"],
    [{ RANCHER_URL: " Http://rancher.lab" }, "RANCHER_URL (use https://)"],
    [{ XOA_URL: "ws://xo", RANCHER_URL: "http://r" }, "XOA_URL (use wss://) and RANCHER_URL (use https://)"],
    // Encrypted, absent, or a plain scheme only further in the value: no problem.
    [{ XOA_URL: "wss://xo.lab", RANCHER_URL: "https://rancher.lab" }, null],
    [{ XOA_URL: "https://xo.lab" }, null],
    [{}, null],
    [{ XOA_URL: "wss://xo.lab/?next=ws://x" }, null],
    [{ RANCHER_URL: "https://r.lab/http://x" }, null],
    [{ XOA_URL: "xws://xo.lab" }, null],
    // Rancher has no ws:// endpoint in fleet's use; only http:// is its plain form.
    [{ RANCHER_URL: "https://r" }, null],
  ])("%j -> %s", (env, named) => {
    const problem = plaintextProblem(env);
    if (named === null) expect(problem).toBeNull();
    else {
      expect(problem).toBe(
        `${named} would send credentials unencrypted; set ${ALLOW_PLAINTEXT_VAR}=true to accept that on a trusted network`,
      );
    }
  });

  test("only FLEET_ALLOW_PLAINTEXT=true opts out", () => {
    const plain = { XOA_URL: "ws://xo.lab" };
    expect(plaintextProblem({ ...plain, FLEET_ALLOW_PLAINTEXT: "true" })).toBeNull();
    for (const value of ["1", "yes", "TRUE", "false", ""]) {
      expect([value, plaintextProblem({ ...plain, FLEET_ALLOW_PLAINTEXT: value })]).toEqual([
        value,
        expect.stringContaining("XOA_URL (use wss://)"),
      ]);
    }
  });

  test("xoSettingsFromEnv refuses a plain XOA_URL itself, and accepts it with the opt-out", () => {
    expect(() => xoSettingsFromEnv({ XOA_URL: "ws://xo", XOA_TOKEN: "tok" })).toThrow(
      "XOA_URL (use wss://) would send credentials unencrypted",
    );
    expect(
      xoSettingsFromEnv({ XOA_URL: "ws://xo", XOA_TOKEN: "tok", FLEET_ALLOW_PLAINTEXT: "true" }),
    ).toEqual({
      baseUrl: "http://xo",
      credentials: { token: "tok" },
      insecure: false,
    });
    // A plain RANCHER_URL does not concern the XO settings.
    expect(
      xoSettingsFromEnv({ XOA_URL: "wss://xo", XOA_TOKEN: "tok", RANCHER_URL: "http://r" }).baseUrl,
    ).toBe("https://xo");
  });

  test("the refusal applies to the commands that reach XO or Rancher, not to changed-stacks", async () => {
    const root = tempProject({
      environments: { dev: envLayer("dev") },
      stacks: { "legal-ai-dev": stackValues("legal-ai", "dev", 1) },
    });
    const run = async (argv: string[]) => {
      const err: string[] = [];
      const out: string[] = [];
      let runnerAsked = false;
      const deps: FleetDeps = {
        rootDir: root,
        env: { RANCHER_URL: "http://rancher.lab" },
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        prompt: { interactive: false, ask: () => Promise.resolve("") },
        runner: () => {
          runnerAsked = true;
          return Promise.reject(new Error("not in this test"));
        },
        http: () => () => Promise.reject(new Error("no HTTP")),
        now: () => new Date(0),
        logDir: null,
        stdin: () => Promise.resolve("Pulumi.yaml\n"),
      };
      const code = await main(argv, deps);
      return { code, err: err.join("\n"), out, runnerAsked };
    };
    for (const argv of [
      ["preview", "legal-ai-dev"],
      ["up", "legal-ai-dev", "--yes"],
      ["destroy", "legal-ai-dev", "--yes"],
      ["snapshot", "legal-ai-dev", "--list"],
      ["doctor", "legal-ai-dev"],
    ]) {
      const r = await run(argv);
      expect([argv[0], r.code, r.runnerAsked]).toEqual([argv[0], 1, false]);
      expect(r.err).toContain("fleet: RANCHER_URL (use https://) would send credentials unencrypted");
    }
    const changed = await run(["changed-stacks"]);
    expect(changed.code).toBe(0);
    expect(changed.out).toEqual(['["legal-ai-dev"]']);
  });
});

describe("XO credentials", () => {
  test.each<[NodeJS.ProcessEnv, object | null]>([
    [{ XOA_TOKEN: " tok " }, { token: "tok" }],
    [{ XOA_TOKEN: "tok", XOA_USER: "u", XOA_PASSWORD: "p" }, { token: "tok" }],
    [
      { XOA_TOKEN: "   ", XOA_USER: "u", XOA_PASSWORD: "p" },
      { user: "u", password: "p" },
    ],
    [
      { XOA_TOKEN: "", XOA_USER: " u ", XOA_PASSWORD: " p " },
      { user: "u", password: " p " },
    ],
    [{ XOA_USER: "u", XOA_PASSWORD: "" }, null],
    [{ XOA_USER: " ", XOA_PASSWORD: "p" }, null],
    [{ XOA_PASSWORD: "p" }, null],
    [{ XOA_TOKEN: " " }, null],
  ])("%j -> %j", (env, credentials) => {
    const settings = () => xoSettingsFromEnv({ XOA_URL: "wss://xo", ...env });
    if (credentials === null) expect(settings).toThrow("no XO credentials");
    else expect(settings().credentials).toEqual(credentials);
  });

  test("XOA_INSECURE only when exactly true; an empty XOA_URL is not set", () => {
    const base = { XOA_URL: "wss://xo", XOA_TOKEN: "t" };
    expect(xoSettingsFromEnv({ ...base, XOA_INSECURE: "true" }).insecure).toBe(true);
    expect(xoSettingsFromEnv({ ...base, XOA_INSECURE: "1" }).insecure).toBe(false);
    expect(xoSettingsFromEnv(base).insecure).toBe(false);
    expect(() => xoSettingsFromEnv({ XOA_URL: "  ", XOA_TOKEN: "t" })).toThrow("XOA_URL is not set");
  });
});
