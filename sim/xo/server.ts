/**
 * The simulated Xen Orchestra server: one HTTP server on loopback with XO's JSON-RPC 2.0 over
 * WebSocket at `/api/` (what the xenorchestra provider's Go SDK dials: `<XOA_URL>/api/`) and the
 * REST API at `/rest/v0` (what the fleet command reads). Both act on the same inventory.
 * A SIMULATOR for tests and demos, not Xen Orchestra.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { WebSocketServer, type WebSocket } from "ws";
import { RpcError } from "./errors";
import type { Faults } from "./faults";
import { withExtras, type Inventory, type SimInventory } from "./inventory";
import { restHandler, type RecordedRequest, type RestOptions } from "./rest";
import { callMethod, type RpcContext, type Session } from "./rpc";

export interface XoSimOptions extends Omit<RestOptions, "inventory"> {
  inventory: Inventory | SimInventory;
  faults?: Faults;
  /** Default 127.0.0.1; the simulator never listens beyond loopback. */
  host?: "127.0.0.1" | "localhost" | "::1";
  /** Default 0 (a free port). */
  port?: number;
}

export interface XoSim {
  /** http://127.0.0.1:PORT (REST and XOA_URL's http form). */
  url: string;
  /** ws://127.0.0.1:PORT, what XOA_URL is set to for the provider. */
  wsUrl: string;
  inventory: SimInventory;
  requests: RecordedRequest[];
  calls: RpcContext["calls"];
  faults: Faults;
  close(): Promise<void>;
}

interface RpcRequest {
  jsonrpc?: string;
  id?: string | number | null;
  method?: unknown;
  params?: unknown;
}

export async function startXoSim(options: XoSimOptions): Promise<XoSim> {
  const inventory = withExtras(options.inventory);
  const requests: RecordedRequest[] = [];
  const faults = options.faults ?? {};
  const ctx: RpcContext = {
    inventory,
    credentials: { token: options.token, user: options.user, password: options.password },
    faults,
    calls: [],
  };
  const rest = restHandler({ ...options, inventory }, requests);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => rest(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://sim").pathname;
    if (path !== "/api/" && path !== "/api") {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveRpc(ws, ctx));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}`,
    inventory,
    requests,
    calls: ctx.calls,
    faults,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function serveRpc(ws: WebSocket, ctx: RpcContext): void {
  const session: Session = { signedIn: false };
  // Calls on one connection are answered in order, as XO's single session handles them.
  let queue = Promise.resolve();
  ws.on("message", (data: Buffer) => {
    queue = queue.then(() => answer(ws, ctx, session, data.toString("utf8")));
  });
}

async function answer(ws: WebSocket, ctx: RpcContext, session: Session, text: string): Promise<void> {
  let request: RpcRequest;
  try {
    request = JSON.parse(text) as RpcRequest;
  } catch {
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }));
    return;
  }
  if (typeof request.method !== "string") {
    ws.send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: request.id ?? null,
        error: { code: -32600, message: "invalid request" },
      }),
    );
    return;
  }
  const notification = request.id === undefined;
  try {
    const result = await callMethod(ctx, session, request.method, request.params);
    if (!notification) ws.send(JSON.stringify({ jsonrpc: "2.0", id: request.id, result: result ?? null }));
  } catch (error) {
    const e = error instanceof RpcError ? error : new RpcError(-32603, (error as Error).message);
    if (!notification)
      ws.send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: request.id,
          error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) },
        }),
      );
  }
}
