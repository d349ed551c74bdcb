import type { ServerResponse } from "node:http";

/**
 * A client-visible failure: becomes `{status, message}` with that HTTP status, or `body` when
 * given (the compatibility protocols answer in their own error shapes).
 */
export class HttpError extends Error {
  override name = "HttpError";
  /**
   * @example throw new HttpError(404, "Voice 'abc' not found");
   */
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/**
 * Writes a JSON body with the given status (no-op once headers are out).
 * @example sendJson(res, 200, { ok: true });
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Writes the cloud's error shape: exactly `{status, message}`.
 * @example sendError(res, 401, "Invalid API key");
 */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { status, message }, headers);
}
