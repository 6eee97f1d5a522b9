/**
 * The fleet tests' fake XO: the project's XO simulator (sim/xo/, JSON-RPC and REST on one
 * loopback server) started from a REST inventory. The REST behaviour (cookie token or Basic,
 * never both; `fields`; complex-matcher `filter`; snapshot tasks pending for a few polls) lives
 * in sim/xo/rest.ts. This helper keeps its original API for tests/fleetXo.test.ts.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import type { Inventory } from "../../sim/xo/inventory";
import type { RecordedRequest, RestOptions } from "../../sim/xo/rest";
import { startXoSim } from "../../sim/xo/server";

export type { Inventory } from "../../sim/xo/inventory";
export type { RecordedRequest } from "../../sim/xo/rest";
export { parseFilter } from "../../sim/xo/rest";

export type XoServerOptions = RestOptions;

export interface XoServer {
  url: string;
  requests: RecordedRequest[];
  inventory: Inventory;
  close(): Promise<void>;
}

export async function startXoServer(options: XoServerOptions): Promise<XoServer> {
  const sim = await startXoSim(options);
  return { url: sim.url, requests: sim.requests, inventory: sim.inventory, close: () => sim.close() };
}

/** A one-route server (e.g. Rancher's /ping) answering `body` with `status`. */
export async function startPingServer(
  body: string,
  status = 200,
): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    const found = req.url === "/ping";
    res.writeHead(found ? status : 404, { "content-type": "text/plain" });
    res.end(found ? body : "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
