/**
 * The simulated XO's REST API (`/rest/v0`), what the fleet command reads and does: collections
 * with `fields` and a subset of XO's complex-matcher `filter`, one object, snapshot actions as
 * tasks that stay pending for a few polls, snapshot deletion. Authentication by cookie token or
 * Basic, never both. Sources: see fleet/xoClient.ts (vatesfr/xen-orchestra docs/restapi.md,
 * packages/xo-server/src/xo-mixins/rest-api.mjs, @xen-orchestra/rest-api).
 * A simulator, not XO.
 */
import type * as http from "http";
import type { Inventory } from "./inventory";

export interface RestOptions {
  inventory: Inventory;
  token?: string;
  user?: string;
  password?: string;
  /** Task polls answered `pending` before a task completes (default 1). */
  pendingPolls?: number;
  /** VM id → error message: the snapshot task of that VM fails. */
  failSnapshot?: Record<string, string>;
  /** How an action names its task: new API (Location + JSON taskId) or older xo-server (text). */
  actionStyle?: "location" | "text";
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: "token" | "basic" | "none";
  body: string;
}

// ---------------------------------------------------------------------------------------------
// A subset of complex-matcher (packages/complex-matcher in vatesfr/xen-orchestra)

type Predicate = (value: unknown) => boolean;

function matchString(needle: string, numeric: boolean): Predicate {
  const lc = needle.toLowerCase();
  const asNumber = Number(needle);
  const test: Predicate = (value) =>
    (numeric && value === asNumber) ||
    (typeof value === "string" ? value.toLowerCase().includes(lc) : Array.isArray(value) && value.some(test));
  return test;
}

export function parseFilter(input: string): Predicate {
  let pos = 0;
  const ws = () => {
    while (pos < input.length && /\s/.test(input[pos]!)) pos++;
  };
  const quoted = (): string => {
    pos++; // opening quote
    let out = "";
    while (pos < input.length && input[pos] !== '"') {
      if (input[pos] === "\\") pos++;
      out += input[pos++] ?? "";
    }
    if (input[pos] !== '"') throw new Error("unterminated string");
    pos++;
    return out;
  };
  const raw = (): string => {
    const m = /^[\w$.\-*]+/.exec(input.slice(pos));
    if (!m) throw new Error(`unexpected '${input[pos] ?? "end"}' at ${pos}`);
    pos += m[0].length;
    return m[0];
  };
  const terms = (close: boolean): Predicate[] => {
    const list: Predicate[] = [];
    ws();
    while (pos < input.length && !(close && input[pos] === ")")) {
      list.push(term());
      ws();
    }
    if (close) {
      if (input[pos] !== ")") throw new Error("missing )");
      pos++;
    }
    return list;
  };
  const term = (): Predicate => {
    if (input.startsWith("|(", pos)) {
      pos += 2;
      const list = terms(true);
      return (v) => list.some((p) => p(v));
    }
    if (input[pos] === "(") {
      pos++;
      const list = terms(true);
      return (v) => list.every((p) => p(v));
    }
    if (input[pos] === "!") {
      pos++;
      const inner = term();
      return (v) => !inner(v);
    }
    const name = input[pos] === '"' ? quoted() : raw();
    if (input[pos] !== ":") throw new Error(`bare values are not supported by this fake ('${name}')`);
    pos++;
    const isQuoted = input[pos] === '"';
    const value = isQuoted ? quoted() : raw();
    const predicate = matchString(value, !isQuoted && !Number.isNaN(Number(value)));
    return (object) =>
      typeof object === "object" && object !== null && predicate((object as Record<string, unknown>)[name]);
  };
  const all = terms(false);
  return (v) => all.every((p) => p(v));
}

// ---------------------------------------------------------------------------------------------

const ROOT = "/rest/v0";

export function restHandler(
  options: RestOptions,
  requests: RecordedRequest[],
): (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void {
  const inventory = options.inventory;
  const tasks = new Map<string, { status: string; result?: unknown; polls: number; complete: () => void }>();
  let taskCounter = 0;
  let snapshotCounter = 0;

  const collections: Record<string, () => { id: string }[]> = {
    pools: () => inventory.pools,
    hosts: () => inventory.hosts ?? [],
    "vm-templates": () => inventory.templates,
    srs: () => inventory.srs,
    pifs: () => inventory.pifs,
    networks: () => inventory.networks,
    vms: () => inventory.vms,
    vifs: () => inventory.vifs,
    "vm-snapshots": () => inventory.snapshots,
  };

  function authenticate(req: http.IncomingMessage): "token" | "basic" | "none" | "invalid" | "both" {
    const cookie = /(?:^|;\s*)authenticationToken=([^;]*)/.exec(req.headers.cookie ?? "")?.[1];
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (cookie !== undefined && basic !== undefined) return "both";
    if (cookie !== undefined)
      return options.token !== undefined && cookie === options.token ? "token" : "invalid";
    if (basic !== undefined) {
      const [user, ...rest] = Buffer.from(basic, "base64").toString("utf8").split(":");
      return options.user !== undefined && user === options.user && rest.join(":") === options.password
        ? "basic"
        : "invalid";
    }
    return "none";
  }

  function send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": typeof body === "string" ? "text/plain" : "application/json",
      ...headers,
    });
    res.end(text);
  }

  function project(object: { id: string }, collection: string, fields: string | undefined): unknown {
    const href = `${ROOT}/${collection}/${object.id}`;
    if (fields === undefined) return href;
    const picked: Record<string, unknown> = { href };
    for (const f of fields.split(",")) {
      if (f in object) picked[f] = (object as Record<string, unknown>)[f];
    }
    return picked;
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const url = new URL(req.url ?? "/", "http://fake");
    const auth = authenticate(req);
    requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth: auth === "token" || auth === "basic" ? auth : "none",
      body,
    });
    if (auth === "both") return send(res, 400, "Having multiple authentication methods is not supported");
    if (auth === "none" || auth === "invalid") return send(res, 401, "Unauthorized");
    if (!url.pathname.startsWith(`${ROOT}/`)) return send(res, 404, "Not Found");
    const parts = url.pathname
      .slice(ROOT.length + 1)
      .split("/")
      .map(decodeURIComponent);
    const [collection = "", id, sub, action] = parts;

    if (collection === "tasks" && id !== undefined && req.method === "GET") {
      const task = tasks.get(id);
      if (task === undefined) return send(res, 404, "Not Found");
      if (task.status === "pending") {
        if (task.polls > 0) task.polls--;
        else task.complete();
      }
      return send(res, 200, {
        id,
        status: task.status,
        ...(task.result !== undefined ? { result: task.result } : {}),
      });
    }

    const list = collections[collection];
    if (list === undefined) return send(res, 404, "Not Found");

    if (id === undefined && req.method === "GET") {
      let objects = list();
      const filter = url.searchParams.get("filter");
      if (filter !== null) {
        let predicate: Predicate;
        try {
          predicate = parseFilter(filter);
        } catch (error) {
          return send(res, 400, { error: `invalid filter: ${(error as Error).message}` });
        }
        objects = objects.filter((o) => predicate(o));
      }
      const fields = url.searchParams.get("fields") ?? undefined;
      return send(
        res,
        200,
        objects.map((o) => project(o, collection, fields)),
      );
    }

    const object = list().find((o) => o.id === id);
    if (object === undefined) return send(res, 404, "Not Found");

    if (sub === undefined && req.method === "GET") return send(res, 200, object);

    if (collection === "vm-snapshots" && sub === undefined && req.method === "DELETE") {
      inventory.snapshots = inventory.snapshots.filter((s) => s.id !== id);
      res.writeHead(204);
      return res.end();
    }

    if (collection === "vms" && sub === "actions" && action === "snapshot" && req.method === "POST") {
      let params: { name_label?: string } = {};
      try {
        params = body ? (JSON.parse(body) as { name_label?: string }) : {};
      } catch {
        return send(res, 400, { error: "invalid JSON" });
      }
      const taskId = `0task${++taskCounter}`;
      const failure = options.failSnapshot?.[object.id];
      const task = {
        status: "pending",
        result: undefined as unknown,
        polls: options.pendingPolls ?? 1,
        complete() {
          if (failure !== undefined) {
            task.status = "failure";
            task.result = { message: failure, name: "XapiError" };
            return;
          }
          const snapshotId = `snap-${++snapshotCounter}-${object.id}`;
          inventory.snapshots.push({
            id: snapshotId,
            name_label: params.name_label ?? "snapshot",
            $snapshot_of: object.id,
            snapshot_time: 1_700_000_000 + snapshotCounter,
          });
          task.status = "success";
          task.result = { id: snapshotId };
        },
      };
      tasks.set(taskId, task);
      const location = `${ROOT}/tasks/${taskId}`;
      if (options.actionStyle === "text") return send(res, 202, location);
      return send(res, 202, { taskId }, { location });
    }
    return send(res, 404, "Not Found");
  }

  return handle;
}
