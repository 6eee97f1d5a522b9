/**
 * Issue 15: the XO REST client's decisions with an in-memory HttpFetch — which credentials go in
 * which header (never in the URL or a message), what counts as success, the task a started action
 * names (each of XO's answer forms, fleet/xoClient.ts header), polling until a task settles or the
 * wait times out, and the ids of listed objects.
 */
import type { HttpFetch, HttpRequest, HttpResponse } from "../fleet/http";
import { XoClient, XoError, type XoCredentials } from "../fleet/xoClient";

interface Sent {
  url: string;
  request: HttpRequest;
}

function client(
  answers: (HttpResponse | Error)[],
  options: { credentials?: XoCredentials; baseUrl?: string; timeoutMs?: number; clock?: number[] } = {},
) {
  const sent: Sent[] = [];
  const slept: number[] = [];
  const queue = [...answers];
  const http: HttpFetch = (url, request) => {
    sent.push({ url, request });
    const next = queue.shift() ?? { status: 500, headers: {}, body: "no more answers" };
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  const clock = [...(options.clock ?? [])];
  const xo = new XoClient({
    baseUrl: options.baseUrl ?? "https://xo.lab/",
    credentials: options.credentials ?? { token: "tok-123" },
    http,
    pollIntervalMs: 7,
    ...(options.timeoutMs !== undefined ? { taskTimeoutMs: options.timeoutMs } : {}),
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
    now: () => clock.shift() ?? 0,
  });
  return { xo, sent, slept };
}

const ok = (body: unknown, status = 200, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("credentials", () => {
  test.each<[XoCredentials, Record<string, string | undefined>]>([
    [{ token: "tok-123" }, { cookie: "authenticationToken=tok-123", authorization: undefined }],
    [
      { token: "tok-123", user: "u", password: "p" },
      { cookie: "authenticationToken=tok-123", authorization: undefined },
    ],
    [
      { user: "admin", password: "pa:ss" },
      { cookie: undefined, authorization: `Basic ${Buffer.from("admin:pa:ss").toString("base64")}` },
    ],
    [{ user: "admin" }, { cookie: undefined, authorization: undefined }],
    [{}, { cookie: undefined, authorization: undefined }],
  ])("%j -> %j", async (credentials, expected) => {
    const { xo, sent } = client([ok([])], { credentials });
    await xo.list("pools", ["name_label"]);
    const headers = sent[0]!.request.headers ?? {};
    expect({ cookie: headers.cookie, authorization: headers.authorization }).toEqual(expected);
    expect(headers.accept).toBe("application/json");
    expect(sent[0]!.url).not.toContain("tok-123");
  });
});

describe("requests", () => {
  test("list: the REST root under the base URL, id asked once, the filter passed as given", async () => {
    const { xo, sent } = client([ok([]), ok([])]);
    await xo.list("vms", ["name_label", "id", "tags"], 'tags:"cluster=a"');
    const url = new URL(sent[0]!.url);
    expect(url.origin + url.pathname).toBe("https://xo.lab/rest/v0/vms");
    expect(url.searchParams.get("fields")).toBe("id,name_label,tags");
    expect(url.searchParams.get("filter")).toBe('tags:"cluster=a"');
    expect(sent[0]!.request.method).toBe("GET");
    expect(sent[0]!.request.body).toBeUndefined();
    expect(sent[0]!.request.headers?.["content-type"]).toBeUndefined();
    await xo.list("pools", []);
    expect(new URL(sent[1]!.url).searchParams.has("filter")).toBe(false);
  });

  test("ids: from the object, else the href's last segment, else empty", async () => {
    const { xo } = client([ok([{ id: "a", x: 1 }, { href: "/rest/v0/vms/b" }, { id: 5 }, null])]);
    expect((await xo.list("vms", [])).map((o) => o.id)).toEqual(["a", "b", "", ""]);
  });

  test("get, remove and actions encode the id in the path", async () => {
    const { xo, sent } = client([ok({ id: "a/b" }), ok("", 204), ok({ taskId: "t1" }, 202)]);
    await xo.get("vms", "a/b");
    await xo.remove("vm-snapshots", "s 1");
    await xo.startAction("vms", "v?1", "snapshot", { name_label: "n" });
    expect(sent.map((s) => `${s.request.method} ${s.url}`)).toEqual([
      "GET https://xo.lab/rest/v0/vms/a%2Fb",
      "DELETE https://xo.lab/rest/v0/vm-snapshots/s%201",
      "POST https://xo.lab/rest/v0/vms/v%3F1/actions/snapshot",
    ]);
    expect(sent[2]!.request.body).toBe('{"name_label":"n"}');
    expect(sent[2]!.request.headers?.["content-type"]).toBe("application/json");
  });
});

describe("answers", () => {
  test.each<[number, string | null]>([
    [200, null],
    [204, null],
    [299, null],
    [199, "XO answered 199 to DELETE /rest/v0/x/1"],
    [300, "XO answered 300 to DELETE /rest/v0/x/1"],
    [401, "XO refused the credentials (401 Unauthorized) for DELETE /rest/v0/x/1"],
    [403, "XO forbids DELETE /rest/v0/x/1 (403 Forbidden) for this user"],
    [404, "XO has no /rest/v0/x/1 (404 Not Found)"],
    [500, "XO answered 500 to DELETE /rest/v0/x/1: first line"],
  ])("status %i", async (status, error) => {
    const { xo } = client([ok("first line\nsecond line", status)]);
    const done = xo.remove("x", "1");
    if (error === null) await expect(done).resolves.toBeUndefined();
    else {
      await expect(done).rejects.toThrow(error);
      await expect(client([ok("first line\nsecond line", status)]).xo.remove("x", "1")).rejects.toMatchObject(
        {
          status,
        },
      );
    }
  });

  test("an error answer without a body names no detail; the query string is never shown", async () => {
    const { xo } = client([ok("   ", 502)]);
    const error = (await xo
      .list("vms", ["a"], 'name_label:"secret-ish"')
      .catch((e: unknown) => e)) as XoError;
    expect(error.message).toBe("XO answered 502 to GET /rest/v0/vms");
  });

  test("unreachable: the base URL and the request, as an XoError", async () => {
    const { xo } = client([new Error("ECONNREFUSED")]);
    const error = (await xo.list("pools", []).catch((e: unknown) => e)) as XoError;
    expect(error).toBeInstanceOf(XoError);
    expect(error.message).toBe("cannot reach XO at https://xo.lab/ (GET /rest/v0/pools): ECONNREFUSED");
    expect(error.status).toBeNull();
  });

  test("not JSON, or not an array for a list: an XoError", async () => {
    await expect(client([ok("<html>")]).xo.list("vms", [])).rejects.toThrow("is not JSON");
    await expect(client([ok({ a: 1 })]).xo.list("vms", [])).rejects.toThrow("with a non-array");
    await expect(client([ok("<html>")]).xo.get("vms", "1")).rejects.toThrow(
      "XO answered GET /rest/v0/vms/1 with something that is not JSON",
    );
  });
});

describe("the task an action names", () => {
  test.each<[HttpResponse, string]>([
    [ok("", 202, { location: "/rest/v0/tasks/abc" }), "/tasks/abc"],
    [ok("", 202, { location: "https://xo.lab/rest/v0/tasks/abc?wait=1" }), "/tasks/abc"],
    [ok({ taskId: "t9" }, 202), "/tasks/t9"],
    [ok('"/rest/v0/tasks/t8"', 202), "/tasks/t8"],
    [ok("/rest/v0/tasks/t7\n", 202), "/tasks/t7"],
  ])("%j -> %s", async (answer, task) => {
    expect(await client([answer]).xo.startAction("vms", "v1", "snapshot", {})).toBe(task);
  });

  test.each<[HttpResponse]>([
    [ok("", 202)],
    [ok({ id: "x" }, 202)],
    [ok("started", 202)],
    [ok('"done"', 202)],
  ])("%j: no task named, an XoError", async (answer) => {
    await expect(client([answer]).xo.startAction("vms", "v1", "snapshot", {})).rejects.toThrow(
      "XO started snapshot but named no task (POST /rest/v0/vms/v1/actions/snapshot)",
    );
  });
});

describe("waiting for a task", () => {
  const task = (status: string, result?: unknown) =>
    ok({ id: "t", status, ...(result !== undefined ? { result } : {}) });

  test("polls while pending, sleeping the interval between polls, until success", async () => {
    const { xo, sent, slept } = client([task("pending"), task("pending"), task("success", { id: "s1" })], {
      timeoutMs: 1000,
      clock: [0, 10, 20, 30],
    });
    expect(await xo.waitForTask("/tasks/t")).toMatchObject({ status: "success", result: { id: "s1" } });
    expect(sent).toHaveLength(3);
    expect(sent[0]!.url).toBe("https://xo.lab/rest/v0/tasks/t");
    expect(slept).toEqual([7, 7]);
  });

  test.each<[string, unknown, string]>([
    ["failure", { message: "SR full", name: "Error" }, "ended with failure: SR full"],
    ["interrupted", undefined, "ended with interrupted: no error message"],
    ["failure", "plain", 'ended with failure: "plain"'],
  ])("%s with %j throws", async (status, result, message) => {
    await expect(client([task(status, result)]).xo.waitForTask("/tasks/t")).rejects.toThrow(message);
  });

  test("gives up once the deadline is reached, not before", async () => {
    // Start at 0 with a 100 ms timeout: pending at 99 polls again, pending at 100 gives up.
    const { xo, sent } = client([task("pending"), task("pending"), task("pending")], {
      timeoutMs: 100,
      clock: [0, 99, 100],
    });
    await expect(xo.waitForTask("/tasks/t")).rejects.toThrow(
      "XO task /rest/v0/tasks/t still pending after 100ms; check it in XO",
    );
    expect(sent).toHaveLength(2);
  });
});
