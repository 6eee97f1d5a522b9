/**
 * A minimal JSON-RPC 2.0 client over WebSocket, calling the simulator the way the provider's Go
 * SDK does (one JSON object per message, numeric ids). For the simulator's tests and for
 * inspecting a running simulator; not a general XO client.
 */
import WebSocket from "ws";

export interface RpcFailure {
  code: number;
  message: string;
  data?: unknown;
}

export class RpcCallError extends Error {
  constructor(readonly failure: RpcFailure) {
    super(failure.message);
    this.name = "RpcCallError";
  }
}

export interface RpcClient {
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

export async function connectRpc(wsUrl: string): Promise<RpcClient> {
  const ws = new WebSocket(`${wsUrl.replace(/\/+$/, "")}/api/`);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on("message", (data: Buffer) => {
    const msg = JSON.parse(data.toString("utf8")) as { id: number; result?: unknown; error?: RpcFailure };
    const waiter = pending.get(msg.id);
    if (waiter === undefined) return;
    pending.delete(msg.id);
    if (msg.error !== undefined) waiter.reject(new RpcCallError(msg.error));
    else waiter.resolve(msg.result);
  });
  return {
    call: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = ++next;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      }),
    close: () => ws.close(),
  };
}
