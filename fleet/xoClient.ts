/**
 * A small client for Xen Orchestra's REST API (`/rest/v0`), for what the fleet commands need:
 * list collections with `fields`/`filter`, read one object, start an action and wait for its
 * task, delete an object. Base URL, credentials and the HTTP function are parameters.
 *
 * The API as documented and implemented by XO (vatesfr/xen-orchestra; checked against
 * docs/restapi.md and packages/xo-server/docs/rest-api.md, packages/xo-server/src/xo-mixins/rest-api.mjs,
 * @xen-orchestra/rest-api/src/{middlewares/authentication.middleware.mts,
 * abstract-classes/base-controller.mts, vms/vm.controller.mts, vm-snapshots/vm-snapshot.controller.mts,
 * open-api/oa-examples/*.mts}):
 * - Authentication: cookie `authenticationToken=<token>`, or HTTP Basic user:password (the newer
 *   @xen-orchestra/rest-api accepts both, but not both at once: 400). Invalid credentials: 401.
 *   Only XO admin users may use the API.
 * - Collections: `GET /rest/v0/<collection>?fields=a,b&filter=<complex-matcher>&limit=N` returns
 *   an array of objects with the requested fields plus `href` (without `fields`: an array of
 *   hrefs). Collections used: pools, vm-templates, srs, pifs, networks, vms, vifs, vm-snapshots.
 *   The filter is XO's complex-matcher: `prop:"value"` matches a case-insensitive SUBSTRING (of
 *   any element of an array), `|(a b)` is OR, space is AND. Results are therefore re-checked
 *   exactly by the callers.
 * - One object: `GET /rest/v0/<collection>/<id>`; unknown id: 404.
 * - Actions: `POST /rest/v0/vms/<id>/actions/snapshot` with JSON `{ "name_label": … }`: 202 and
 *   the task, as a `Location: /rest/v0/tasks/<id>` header with JSON body `{ "taskId": … }`
 *   (@xen-orchestra/rest-api) or as a text body `/rest/v0/tasks/<id>` (older xo-server).
 * - Tasks: `GET /rest/v0/tasks/<id>`: `{ id, status: pending|success|failure|interrupted,
 *   result }`; `result` is the action's value on success (`{ id: <snapshot uuid> }`, or the uuid
 *   string on older XO) and the error (`{ message, name, stack }`) on failure.
 * - Deletion: `DELETE /rest/v0/vm-snapshots/<id>`: 204 (200 on older XO), 404 when unknown.
 */
import type { HttpFetch, HttpResponse } from "./http";
import { formatDuration } from "./text";

export const REST_ROOT = "/rest/v0";

export interface XoCredentials {
  token?: string;
  user?: string;
  password?: string;
}

export interface XoClientOptions {
  /** http(s)://host[:port][/prefix]; the REST root is appended. */
  baseUrl: string;
  credentials: XoCredentials;
  http: HttpFetch;
  /** Delay between two task polls (default 2 s). */
  pollIntervalMs?: number;
  /** Give up waiting for a task after this long (default 15 min). */
  taskTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class XoError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = "XoError";
  }
}

export interface XoTask {
  id: string;
  status: string;
  result?: unknown;
}

/** XOA_URL as the provider takes it (ws(s)://host, maybe with /api) → the http(s) base URL. */
export function xoBaseUrl(xoaUrl: string): string {
  let url: URL;
  try {
    url = new URL(xoaUrl.trim());
  } catch {
    throw new XoError(`XOA_URL is not a URL: expected e.g. wss://xo.lab.example.net`);
  }
  const scheme = { "ws:": "http:", "wss:": "https:", "http:": "http:", "https:": "https:" }[url.protocol];
  if (scheme === undefined) throw new XoError(`XOA_URL must be ws://, wss://, http:// or https://`);
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
  // Credentials never travel in the URL (and so never appear in a message).
  return `${scheme}//${url.host}${path}`;
}

/** Set to `true` to let fleet send credentials over ws:// or http:// (a lab without TLS). */
export const ALLOW_PLAINTEXT_VAR = "FLEET_ALLOW_PLAINTEXT";

/**
 * Why fleet refuses this environment's endpoints, or null: XOA_URL ws:// / http:// and
 * RANCHER_URL http:// would send the XO token or password and the Rancher token in clear to
 * anyone on the path, unless FLEET_ALLOW_PLAINTEXT=true says the operator accepts that.
 */
export function plaintextProblem(env: NodeJS.ProcessEnv): string | null {
  if (env[ALLOW_PLAINTEXT_VAR] === "true") return null;
  const plain = [
    ["XOA_URL", env.XOA_URL, /^\s*(ws|http):\/\//i, "wss://"],
    ["RANCHER_URL", env.RANCHER_URL, /^\s*http:\/\//i, "https://"],
  ] as const;
  const found = plain.filter(([, value, pattern]) => value !== undefined && pattern.test(value));
  if (found.length === 0) return null;
  const names = found.map(([name, , , secure]) => `${name} (use ${secure})`).join(" and ");
  return `${names} would send credentials unencrypted; set ${ALLOW_PLAINTEXT_VAR}=true to accept that on a trusted network`;
}

export interface XoSettings {
  baseUrl: string;
  credentials: XoCredentials;
  insecure: boolean;
}

/** XO connection settings from the provider's variables: XOA_URL, XOA_TOKEN or XOA_USER + XOA_PASSWORD. */
export function xoSettingsFromEnv(env: NodeJS.ProcessEnv): XoSettings {
  const url = env.XOA_URL;
  if (url === undefined || url.trim() === "") {
    throw new XoError("XOA_URL is not set (e.g. export XOA_URL=wss://xo.lab.example.net)");
  }
  const plaintext = plaintextProblem({ XOA_URL: url, [ALLOW_PLAINTEXT_VAR]: env[ALLOW_PLAINTEXT_VAR] });
  if (plaintext !== null) throw new XoError(plaintext);
  const token = env.XOA_TOKEN?.trim();
  const user = env.XOA_USER?.trim();
  const password = env.XOA_PASSWORD;
  let credentials: XoCredentials;
  if (token) credentials = { token };
  else if (user && password) credentials = { user, password };
  else throw new XoError("no XO credentials: set XOA_TOKEN, or XOA_USER and XOA_PASSWORD");
  return { baseUrl: xoBaseUrl(url), credentials, insecure: env.XOA_INSECURE === "true" };
}

/** A complex-matcher string literal. */
export function xoString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `prop:"a"`, or `|(prop:"a" prop:"b")` for several values. */
export function anyOf(property: string, values: string[]): string {
  const terms = [...new Set(values)].map((v) => `${property}:${xoString(v)}`);
  return terms.length === 1 ? terms[0]! : `|(${terms.join(" ")})`;
}

export class XoClient {
  private readonly root: string;
  private readonly pollIntervalMs: number;
  private readonly taskTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: XoClientOptions) {
    this.root = `${options.baseUrl.replace(/\/+$/, "")}${REST_ROOT}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.taskTimeoutMs = options.taskTimeoutMs ?? 15 * 60_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  private authHeaders(): Record<string, string> {
    const { token, user, password } = this.options.credentials;
    if (token) return { cookie: `authenticationToken=${token}` };
    if (user && password)
      return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
    return {};
  }

  private async request(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const shown = `${method} ${REST_ROOT}${path.split("?")[0] ?? ""}`;
    let response: HttpResponse;
    try {
      response = await this.options.http(`${this.root}${path}`, {
        method,
        headers: {
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...this.authHeaders(),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new XoError(`cannot reach XO at ${this.options.baseUrl} (${shown}): ${reason}`);
    }
    if (response.status >= 200 && response.status < 300) return response;
    const detail = response.body.trim().split("\n")[0]?.slice(0, 200) ?? "";
    switch (response.status) {
      case 401:
        throw new XoError(
          `XO refused the credentials (401 Unauthorized) for ${shown}: check XOA_TOKEN, or XOA_USER and XOA_PASSWORD; the REST API needs an XO admin user`,
          401,
        );
      case 403:
        throw new XoError(`XO forbids ${shown} (403 Forbidden) for this user`, 403);
      case 404:
        throw new XoError(`XO has no ${REST_ROOT}${path.split("?")[0] ?? ""} (404 Not Found)`, 404);
      default:
        throw new XoError(
          `XO answered ${response.status} to ${shown}${detail ? `: ${detail}` : ""}`,
          response.status,
        );
    }
  }

  private parse<T>(response: HttpResponse, what: string): T {
    try {
      return JSON.parse(response.body) as T;
    } catch {
      throw new XoError(`XO answered ${what} with something that is not JSON`);
    }
  }

  /** Objects of a collection with the given fields (plus `id`, from the href when not sent). */
  async list<T extends object>(
    collection: string,
    fields: string[],
    filter?: string,
  ): Promise<(T & { id: string })[]> {
    const query = new URLSearchParams({ fields: [...new Set(["id", ...fields])].join(",") });
    if (filter !== undefined) query.set("filter", filter);
    const response = await this.request("GET", `/${collection}?${query.toString()}`);
    const items = this.parse<unknown>(response, `GET ${REST_ROOT}/${collection}`);
    if (!Array.isArray(items))
      throw new XoError(`XO answered GET ${REST_ROOT}/${collection} with a non-array`);
    return items.map((item: unknown) => {
      const object = (typeof item === "object" && item !== null ? item : {}) as T & {
        id?: unknown;
        href?: unknown;
      };
      const id =
        typeof object.id === "string"
          ? object.id
          : typeof object.href === "string"
            ? (object.href.split("/").pop() ?? "")
            : "";
      return { ...object, id };
    });
  }

  async get<T extends object>(collection: string, id: string): Promise<T> {
    const path = `/${collection}/${encodeURIComponent(id)}`;
    return this.parse<T>(await this.request("GET", path), `GET ${REST_ROOT}${path}`);
  }

  /** Starts an asynchronous action; returns the task's path below the REST root (`/tasks/<id>`). */
  async startAction(collection: string, id: string, action: string, params: object): Promise<string> {
    const path = `/${collection}/${encodeURIComponent(id)}/actions/${action}`;
    const response = await this.request("POST", path, params);
    const location = response.headers.location;
    let href: string | undefined = location;
    if (href === undefined) {
      const body = response.body.trim();
      try {
        const parsed: unknown = JSON.parse(body);
        if (typeof parsed === "string") href = parsed;
        else if (typeof parsed === "object" && parsed !== null && "taskId" in parsed)
          href = `${REST_ROOT}/tasks/${String(parsed.taskId)}`;
      } catch {
        if (body.includes("/tasks/")) href = body;
      }
    }
    const taskPath = href === undefined ? undefined : /\/tasks\/[^/?\s]+/.exec(href)?.[0];
    if (taskPath === undefined)
      throw new XoError(`XO started ${action} but named no task (POST ${REST_ROOT}${path})`);
    return taskPath;
  }

  /** Polls the task until it is no longer pending; a failed task throws its error message. */
  async waitForTask(taskPath: string): Promise<XoTask> {
    const deadline = this.now() + this.taskTimeoutMs;
    for (;;) {
      const task = this.parse<XoTask>(await this.request("GET", taskPath), `GET ${REST_ROOT}${taskPath}`);
      if (task.status === "success") return task;
      if (task.status !== "pending") {
        throw new XoError(
          `XO task ${REST_ROOT}${taskPath} ended with ${task.status}: ${taskErrorMessage(task.result)}`,
        );
      }
      if (this.now() >= deadline) {
        throw new XoError(
          `XO task ${REST_ROOT}${taskPath} still pending after ${formatDuration(this.taskTimeoutMs)}; check it in XO`,
        );
      }
      await this.sleep(this.pollIntervalMs);
    }
  }

  async remove(collection: string, id: string): Promise<void> {
    await this.request("DELETE", `/${collection}/${encodeURIComponent(id)}`);
  }
}

function taskErrorMessage(result: unknown): string {
  if (typeof result === "object" && result !== null && "message" in result) return String(result.message);
  return result === undefined ? "no error message" : JSON.stringify(result);
}

/** The id a successful snapshot task returns: `{ id }` (@xen-orchestra/rest-api) or the uuid string. */
export function resultId(task: XoTask): string | null {
  const { result } = task;
  if (typeof result === "string") return result;
  if (typeof result === "object" && result !== null && "id" in result) return String(result.id);
  return null;
}
