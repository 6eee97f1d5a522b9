/**
 * JSON-RPC errors as XO sends them: XO's own API errors (vatesfr/xen-orchestra
 * packages/xo-common/api-errors.js: 0 not implemented, 1 no such object, 2 unauthorized,
 * 3 invalid credentials, 5 forbidden operation, 10 invalid parameters) and XAPI failures that XO
 * forwards with their XAPI code in the message.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

export const notImplemented = (method: string) => new RpcError(0, "not implemented", { method });
export const noSuchObject = (id: unknown, type?: string) =>
  new RpcError(1, `no such ${type ?? "object"} ${String(id)}`, { id, type });
export const unauthorized = () => new RpcError(2, "not enough permissions");
export const invalidCredentials = () => new RpcError(3, "invalid credentials");
export const forbiddenOperation = (operation: string, reason: string) =>
  new RpcError(5, `forbidden operation: ${operation}`, { operation, reason });
export const invalidParameters = (message: string) =>
  new RpcError(10, "invalid parameters", { errors: [{ message }] });
/** An XAPI failure forwarded by XO (code is XO's generic server error here). */
export const xapiError = (code: string, ...params: string[]) =>
  new RpcError(-32000, `${code}(${params.join(", ")})`, { code, params });
