/**
 * Issue 15: fleet's HTTP client against real loopback servers. TLS verification is ON unless the
 * operator asked for XOA_INSECURE / RANCHER_INSECURE (a flipped default would send the XO token to
 * any certificate); bodies past the limit and servers that never answer are refused; the request
 * arrives as sent. Needs openssl for a self-signed certificate (skips outside CI without it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { nodeHttp } from "../fleet/http";
import { requireTool } from "./helpers/validators";

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: http.Server | https.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("TLS verification", () => {
  const haveOpenssl = requireTool("openssl");

  (haveOpenssl ? test : test.skip)(
    "a self-signed certificate is refused by default and accepted only when insecure",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-tls-"));
      const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
      const made = spawnSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          key,
          "-out",
          cert,
          "-days",
          "1",
          "-subj",
          "/CN=127.0.0.1",
        ],
        { encoding: "utf8" },
      );
      expect(made.status).toBe(0);
      const server = https.createServer(
        { key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
        (_req, res) => res.end("pong"),
      );
      try {
        const url = `https://127.0.0.1:${await listen(server)}/ping`;
        await expect(nodeHttp()(url, { method: "GET", headers: {} })).rejects.toThrow(/self[- ]signed/i);
        await expect(nodeHttp({ insecure: false })(url, { method: "GET", headers: {} })).rejects.toThrow();
        expect(await nodeHttp({ insecure: true })(url, { method: "GET", headers: {} })).toMatchObject({
          status: 200,
          body: "pong",
        });
      } finally {
        await close(server);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("requests and answers", () => {
  test("method, headers and body arrive; content-length is the body's byte length; answer headers lower-case", async () => {
    const seen: { method?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        Object.assign(seen, { method: req.method, headers: req.headers, body });
        res.setHeader("X-Task", "/rest/v0/tasks/1");
        res.setHeader("Set-Cookie", ["a=1", "b=2"]);
        res.statusCode = 202;
        res.end("ok");
      });
    });
    try {
      const port = await listen(server);
      const answer = await nodeHttp()(`http://127.0.0.1:${port}/x`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"name_label":"é"}',
      });
      expect(answer.status).toBe(202);
      expect(answer.body).toBe("ok");
      expect(answer.headers["x-task"]).toBe("/rest/v0/tasks/1");
      expect(answer.headers["set-cookie"]).toBe("a=1, b=2");
      expect(seen.method).toBe("POST");
      expect(seen.body).toBe('{"name_label":"é"}');
      expect(seen.headers?.["content-length"]).toBe("19");
      expect(seen.headers?.["content-type"]).toBe("application/json");

      await nodeHttp()(`http://127.0.0.1:${port}/y`, { method: "GET", headers: {} });
      expect(seen.method).toBe("GET");
      expect(seen.headers?.["content-length"]).toBeUndefined();
    } finally {
      await close(server);
    }
  });

  test("a body past the limit is refused; one at the limit is read", async () => {
    const server = http.createServer((_req, res) => res.end("x".repeat(100)));
    try {
      const url = `http://127.0.0.1:${await listen(server)}/big`;
      expect((await nodeHttp({ maxBodyBytes: 100 })(url, { method: "GET", headers: {} })).body).toHaveLength(
        100,
      );
      await expect(nodeHttp({ maxBodyBytes: 99 })(url, { method: "GET", headers: {} })).rejects.toThrow(
        "response larger than 99 bytes",
      );
      // Before the fix, a body that arrived whole resolved as an empty body instead.
    } finally {
      await close(server);
    }
  });

  test("a large body in many chunks is cut off at the limit", async () => {
    const server = http.createServer((_req, res) => {
      for (let i = 0; i < 64; i++) res.write("y".repeat(16 * 1024));
      res.end();
    });
    try {
      const url = `http://127.0.0.1:${await listen(server)}/huge`;
      await expect(nodeHttp({ maxBodyBytes: 100_000 })(url, { method: "GET", headers: {} })).rejects.toThrow(
        "response larger than 100000 bytes",
      );
    } finally {
      await close(server);
    }
  });

  test("a server that never answers is given up after the timeout", async () => {
    const server = http.createServer(() => undefined);
    try {
      const url = `http://127.0.0.1:${await listen(server)}/hang`;
      await expect(nodeHttp({ timeoutMs: 100 })(url, { method: "GET", headers: {} })).rejects.toThrow(
        "no answer within 100 ms",
      );
    } finally {
      await close(server);
    }
  });

  test("only http and https", async () => {
    await expect(nodeHttp()("ftp://127.0.0.1/x", { method: "GET", headers: {} })).rejects.toThrow(
      "unsupported URL scheme ftp:",
    );
  });
});
