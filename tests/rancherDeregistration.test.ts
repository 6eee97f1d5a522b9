/**
 * The deregistration's dynamic provider (components/rancher/deregistration.ts) against a loopback
 * Rancher: the delete's requests, how it reads Rancher's answers, where its credentials come from,
 * and the create/diff/update that must never replace it.
 */
import * as http from "http";
import * as pulumi from "@pulumi/pulumi";
import { deregistrationProvider, type DeregistrationInputs } from "../components/rancher/deregistration";

/** Sets (or, with undefined, removes) environment variables; returns the restore. */
const env = (vars: Record<string, string | undefined>) => {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  return () => {
    process.env = saved;
  };
};

describe("removing the cluster from Rancher (the deregistration's delete, against a loopback Rancher)", () => {
  let server: http.Server;
  let base = "";
  const calls: string[] = [];
  let getsBeforeGone = 0;
  let refuse = false;
  // After an accepted DELETE, a token scoped to the cluster gets 403 instead of 404.
  let forbiddenWhenGone = false;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      calls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
      if (refuse) return void res.writeHead(500).end();
      if (req.method === "DELETE") return void res.writeHead(200).end("{}");
      if (getsBeforeGone-- > 0) return void res.writeHead(200).end('{"state":"removing"}');
      res.writeHead(forbiddenWhenGone ? 403 : 404).end();
    });
    // One connection per request: a kept-alive socket the server closes after its idle timeout
    // (5 s) while fetch reuses it ends a test with ECONNRESET on a loaded machine.
    server.prependListener("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.setHeader("Connection", "close");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const remove = (id: string) =>
    deregistrationProvider.delete!(id, { clusterId: id, timeoutSeconds: 5, pollMs: 10 });

  test("asks Rancher to delete the cluster with the token, then waits until Rancher answers 404", async () => {
    const restore = env({ RANCHER_URL: base, RANCHER_TOKEN_KEY: "token-abc", CO_RANCHER_ALLOW_HTTP: "true" });
    try {
      calls.length = 0;
      getsBeforeGone = 2;
      await remove("c-abc12");
      expect(calls).toEqual([
        "DELETE /v3/clusters/c-abc12 Bearer token-abc",
        "GET /v3/clusters/c-abc12 Bearer token-abc",
        "GET /v3/clusters/c-abc12 Bearer token-abc",
        "GET /v3/clusters/c-abc12 Bearer token-abc",
      ]);
    } finally {
      restore();
    }
  });

  // The rancher2 provider drops any path from its URL (rancher/terraform-provider-rancher2
  // rancher2/util.go NormalizeURL at v13.1.4: u.Path = ""), so RANCHER_URL=https://host/v3 works
  // for `pulumi up`. Appending /v3 to it would ask for /v3/v3/clusters/<id>, which Rancher answers
  // 404: read as "already gone", the VMs would go while the cluster is still in Rancher.
  test("RANCHER_URL with a path (/v3, as the provider accepts it) still reaches /v3/clusters/<id>", async () => {
    for (const suffix of ["/v3", "/v3/", "/dashboard/"]) {
      const restore = env({
        RANCHER_URL: base + suffix,
        RANCHER_TOKEN_KEY: "t",
        CO_RANCHER_ALLOW_HTTP: "true",
      });
      try {
        calls.length = 0;
        getsBeforeGone = 1;
        await remove("c-p1");
        expect(calls.map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual([
          "DELETE /v3/clusters/c-p1",
          "GET /v3/clusters/c-p1",
          "GET /v3/clusters/c-p1",
        ]);
      } finally {
        restore();
      }
    }
  });

  // rancher2 resource_rancher2_cluster.go clusterStateRefreshFunc (v13.1.4): once the delete was
  // accepted, 403 on the cluster means removed (a user without the list right loses sight of it).
  test("403 while waiting, after an accepted DELETE, means removed (as the rancher2 provider reads it)", async () => {
    const restore = env({ RANCHER_URL: base, RANCHER_TOKEN_KEY: "t", CO_RANCHER_ALLOW_HTTP: "true" });
    forbiddenWhenGone = true;
    try {
      getsBeforeGone = 1;
      await expect(remove("c-f1")).resolves.toBeUndefined();
    } finally {
      forbiddenWhenGone = false;
      restore();
    }
  });

  test("an unreachable Rancher stops the destroy with a message naming Rancher, never the token", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const restore = env({
      RANCHER_URL: `http://127.0.0.1:${port}`,
      RANCHER_TOKEN_KEY: "token-secret-xyz",
      CO_RANCHER_ALLOW_HTTP: "true",
    });
    try {
      const error = await remove("c-u1").then(
        () => new Error("resolved"),
        (e: unknown) => e as Error,
      );
      expect(error.message).toMatch(/cannot reach Rancher at http:\/\/127\.0\.0\.1:\d+.*VMs are kept/);
      expect(error.message).not.toContain("token-secret-xyz");
    } finally {
      restore();
    }
  });

  // Pulumi stores the dynamic provider's serialized code in state (with every value it captures).
  // The token must reach delete() only from the destroy's environment, never through state.
  test("the provider as serialized into state carries no token and no secret", async () => {
    const restore = env({ RANCHER_TOKEN_KEY: "token-in-env-only", RANCHER_URL: "https://rancher.example" });
    try {
      const serialized = await pulumi.runtime.serializeFunction(() => deregistrationProvider, {
        allowSecrets: false,
      });
      expect(serialized.containsSecrets).toBe(false);
      expect(serialized.text).not.toContain("token-in-env-only");
      expect(serialized.text).not.toContain("rancher.example");
      expect(serialized.text).toContain("process.env.RANCHER_TOKEN_KEY");
    } finally {
      restore();
    }
  });

  test("an input change is an update, never a replacement (a replacement's delete would remove the live cluster)", async () => {
    const olds = { clusterId: "c-1", timeoutSeconds: 600 };
    const result = await deregistrationProvider.diff!("c-1", olds, { clusterId: "c-2", timeoutSeconds: 900 });
    expect(result).toMatchObject({ changes: true, replaces: [] });
    expect(await deregistrationProvider.diff!("c-1", olds, { ...olds })).toMatchObject({ changes: false });
  });

  test("a refusal stops the destroy before the VMs go; so do missing credentials and a plain-http URL", async () => {
    let restore = env({ RANCHER_URL: base, RANCHER_TOKEN_KEY: "t", CO_RANCHER_ALLOW_HTTP: "true" });
    refuse = true;
    try {
      await expect(remove("c-x")).rejects.toThrow(/refused.*HTTP 500/);
    } finally {
      refuse = false;
      restore();
    }
    restore = env({ RANCHER_URL: base, RANCHER_TOKEN_KEY: "t", CO_RANCHER_ALLOW_HTTP: undefined });
    await expect(remove("c-x")).rejects.toThrow(/RANCHER_URL must be set \(https\)/);
    restore();
    restore = env({ RANCHER_URL: "https://rancher.example", RANCHER_TOKEN_KEY: undefined });
    await expect(remove("c-x")).rejects.toThrow(/RANCHER_TOKEN_KEY/);
    restore();
  });
});

describe("the delete's answers and credentials (a scripted loopback Rancher)", () => {
  let server: http.Server;
  let base = "";
  /** What each request got: method, path, Authorization and Accept headers. */
  const seen: { method: string; path: string; auth: string; accept: string }[] = [];
  /** The statuses to answer, in order; the last one repeats. */
  let script: number[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({
        method: req.method ?? "",
        path: req.url ?? "",
        auth: req.headers.authorization ?? "",
        accept: req.headers.accept ?? "",
      });
      res.writeHead(script.length > 1 ? script.shift()! : script[0]!).end();
    });
    // One connection per request: a kept-alive socket the server closes after its idle timeout
    // (5 s) while fetch reuses it ends a test with ECONNRESET on a loaded machine.
    server.prependListener("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.setHeader("Connection", "close");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs one delete with `props` against the scripted answers; the outcome as a string. */
  async function run(
    statuses: number[],
    props: Partial<DeregistrationInputs> = {},
    id = "c-1",
  ): Promise<string> {
    script = [...statuses];
    seen.length = 0;
    return deregistrationProvider.delete!(id, { clusterId: id, timeoutSeconds: 5, pollMs: 1, ...props }).then(
      () => "removed",
      (e: unknown) => (e as Error).message,
    );
  }
  let restore: () => void = () => undefined;
  beforeEach(() => {
    restore = env({ RANCHER_URL: base, RANCHER_TOKEN_KEY: "env-token", CO_RANCHER_ALLOW_HTTP: "true" });
  });
  afterEach(() => restore());

  test.each<[string, number[], string]>([
    ["DELETE 204, then 404", [204, 404], "removed"],
    ["DELETE 299 (any 2xx) accepted", [299, 404], "removed"],
    ["DELETE 404: already gone, confirmed by GET", [404, 404], "removed"],
    ["DELETE 300 refused", [300], "Rancher refused to remove cluster c-1: HTTP 300"],
    [
      "DELETE 403 refused (the token may not delete it)",
      [403],
      "Rancher refused to remove cluster c-1: HTTP 403",
    ],
    ["DELETE 500 refused", [500], "Rancher refused to remove cluster c-1: HTTP 500"],
    ["GET 299 is still there, then 404", [200, 299, 404], "removed"],
    [
      "GET 300 while waiting stops the destroy",
      [200, 300],
      "Rancher answered HTTP 300 while removing cluster c-1",
    ],
    [
      "GET 502 while waiting stops the destroy",
      [200, 200, 502],
      "Rancher answered HTTP 502 while removing cluster c-1",
    ],
  ])("%s", async (_case, statuses, outcome) => {
    expect(await run(statuses)).toBe(outcome);
  });

  test("a cluster Rancher keeps past the timeout: the destroy stops, the VMs are kept", async () => {
    expect(await run([200], { timeoutSeconds: 0 })).toBe(
      "cluster c-1 is still in Rancher after 0s; its VMs are kept",
    );
    expect(seen.slice(0, 2).map((s) => s.method)).toEqual(["DELETE", "GET"]);
  });

  test("polls until the answer changes: one GET per poll", async () => {
    expect(await run([200, 200, 200, 200, 404])).toBe("removed");
    expect(seen.map((s) => s.method)).toEqual(["DELETE", "GET", "GET", "GET", "GET"]);
  });

  test("the id recorded in state is used, escaped into one path segment; JSON asked for", async () => {
    expect(await run([200, 404], { clusterId: "c-a/b?x" }, "ignored-id")).toBe("removed");
    expect(seen.map((s) => `${s.method} ${s.path} ${s.accept}`)).toEqual([
      "DELETE /v3/clusters/c-a%2Fb%3Fx application/json",
      "GET /v3/clusters/c-a%2Fb%3Fx application/json",
    ]);
  });

  test("the management stack's URL and token, when recorded, win over the environment's", async () => {
    restore();
    restore = env({
      RANCHER_URL: "https://elsewhere.invalid",
      RANCHER_TOKEN_KEY: "env-token",
      CO_RANCHER_ALLOW_HTTP: "true",
    });
    expect(await run([200, 404], { rancherUrl: `${base}/v3`, rancherToken: "stack-token" })).toBe("removed");
    expect(seen.map((s) => s.auth)).toEqual(["Bearer stack-token", "Bearer stack-token"]);
  });

  test("without them, the environment's token", async () => {
    expect(await run([200, 404])).toBe("removed");
    expect(seen.map((s) => s.auth)).toEqual(["Bearer env-token", "Bearer env-token"]);
  });

  test.each<[string, Record<string, string | undefined>, Partial<DeregistrationInputs>, RegExp]>([
    ["no URL anywhere", { RANCHER_URL: undefined }, {}, /^RANCHER_URL must be set \(https\)/],
    [
      "a URL that does not parse",
      { RANCHER_URL: "rancher.example" },
      {},
      /^RANCHER_URL must be set \(https\)/,
    ],
    [
      "http without the opt-in",
      { CO_RANCHER_ALLOW_HTTP: undefined },
      {},
      /^RANCHER_URL must be set \(https\)/,
    ],
    [
      "http with an opt-in other than true",
      { CO_RANCHER_ALLOW_HTTP: "1" },
      {},
      /^RANCHER_URL must be set \(https\)/,
    ],
    [
      "another scheme, even with the http opt-in",
      { RANCHER_URL: "ftp://127.0.0.1" },
      {},
      /^RANCHER_URL must be set \(https\)/,
    ],
    ["no token anywhere", { RANCHER_TOKEN_KEY: undefined }, {}, /^RANCHER_TOKEN_KEY must be set/],
    ["an empty token", { RANCHER_TOKEN_KEY: "" }, {}, /^RANCHER_TOKEN_KEY must be set/],
    ["an empty recorded token", {}, { rancherToken: "" }, /^RANCHER_TOKEN_KEY must be set/],
  ])("refused before any request: %s", async (_case, vars, props, message) => {
    restore();
    restore = env({
      RANCHER_URL: base,
      RANCHER_TOKEN_KEY: "env-token",
      CO_RANCHER_ALLOW_HTTP: "true",
      ...vars,
    });
    expect(await run([200, 404], props)).toMatch(message);
    expect(seen).toEqual([]);
  });

  test("https passes the URL check without the opt-in (here: nothing listens, so Rancher is unreachable)", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    restore();
    restore = env({
      RANCHER_URL: `https://127.0.0.1:${port}`,
      RANCHER_TOKEN_KEY: "t",
      CO_RANCHER_ALLOW_HTTP: undefined,
    });
    // The cause is the socket's own error (fetch wraps it as "fetch failed").
    expect(await run([200])).toMatch(
      new RegExp(
        `^cannot reach Rancher at https://127\\.0\\.0\\.1:${port} to remove cluster c-1 \\(connect ECONNREFUSED`,
      ),
    );
  });
});

describe("a token no HTTP header takes", () => {
  // fetch would refuse it with an error quoting the header value (undici: 'Headers.append: "Bearer
  // …" is an invalid header value'), so the delete refuses it first, without echoing it.
  test.each([
    "token-ab\u0000secret-half",
    "token-ab secret-half",
    "token-ab\r\nsecret-half",
    "token-ab\u00e9secret-half",
  ])("%j: refused before any request, the token not in the message", async (token) => {
    const restore = env({ RANCHER_URL: "https://127.0.0.1:9", RANCHER_TOKEN_KEY: undefined });
    try {
      const message = await deregistrationProvider.delete!("c-1", {
        clusterId: "c-1",
        timeoutSeconds: 5,
        rancherToken: token,
      }).then(
        () => "removed",
        (e: unknown) => (e as Error).message,
      );
      expect(message).toBe(
        "the Rancher token holds a character no HTTP header takes (a stray space or line break?)",
      );
    } finally {
      restore();
    }
  });
});

describe("create, update and diff only record inputs", () => {
  const inputs: DeregistrationInputs = { clusterId: "c-1", timeoutSeconds: 600, rancherUrl: "https://r" };

  test("create: the cluster id is the resource's id, the inputs its outputs", async () => {
    expect(await deregistrationProvider.create(inputs)).toEqual({ id: "c-1", outs: inputs });
  });

  test("update: the new inputs are the outputs (delete reads them)", async () => {
    const news = { ...inputs, clusterId: "c-2" };
    expect(await deregistrationProvider.update!("c-1", inputs, news)).toEqual({ outs: news });
  });

  test("diff: any change is an in-place change, never a replacement or a delete first", async () => {
    expect(await deregistrationProvider.diff!("c-1", inputs, { ...inputs, timeoutSeconds: 900 })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await deregistrationProvider.diff!("c-1", inputs, { ...inputs })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});
