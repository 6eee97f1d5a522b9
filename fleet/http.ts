/**
 * A minimal HTTP client on Node's http/https modules. `insecure` accepts a self-signed
 * certificate for the requests of this client only (per-request `rejectUnauthorized`), never
 * process-wide. Every request has a timeout. The XO and Rancher clients take an HttpFetch, so
 * tests can point them at a local server or inject failures.
 */
import * as http from "http";
import * as https from "https";

export interface HttpRequest {
  method: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

export type HttpFetch = (url: string, request: HttpRequest) => Promise<HttpResponse>;

export interface NodeHttpOptions {
  insecure?: boolean;
  timeoutMs?: number;
  /** Refuse bodies larger than this (bytes). */
  maxBodyBytes?: number;
}

export function nodeHttp({
  insecure = false,
  timeoutMs = 30_000,
  maxBodyBytes = 32 * 1024 * 1024,
}: NodeHttpOptions = {}): HttpFetch {
  return (url, request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const target = new URL(url);
      const isHttps = target.protocol === "https:";
      if (!isHttps && target.protocol !== "http:") {
        reject(new Error(`unsupported URL scheme ${target.protocol}`));
        return;
      }
      const options: https.RequestOptions = {
        method: request.method,
        headers: {
          ...(request.body !== undefined
            ? { "content-length": String(Buffer.byteLength(request.body)) }
            : {}),
          ...request.headers,
        },
        ...(isHttps ? { rejectUnauthorized: !insecure } : {}),
      };
      const req = (isHttps ? https : http).request(target, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) {
            // Reject here: once the body has arrived, destroying the request emits no 'error'
            // to the promise, and 'end' would resolve with a truncated body.
            reject(new Error(`response larger than ${maxBodyBytes} bytes`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      if (request.body !== undefined) req.write(request.body);
      req.end();
    });
}
