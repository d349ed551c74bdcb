/**
 * HTTP without a client library in the way: arbitrary methods, headers and bytes go out as
 * given, so fuzz and limit tests can send what no well-behaved client would.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { assertResponseMatchesSchema } from "../helpers/schema.js";

/** One request exactly as it goes on the wire (minus framing, which node adds). */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Uint8Array | string;
}

/** The answer, with the body fully read. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends one request on a fresh connection and reads the whole answer; rejects after `timeoutMs`.
 * @example const res = await rawRequest(url, { method: "GET", path: "/model" });
 */
export function rawRequest(
  baseUrl: string,
  request: RawRequest,
  timeoutMs = 30_000,
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers };
    // node frames a GET/HEAD/DELETE body with no length header at all (the bytes would then be
    // read as a second request); an explicit length keeps every body a body.
    if (request.body !== undefined && !hasHeader(headers, "transfer-encoding")) {
      headers["content-length"] = String(Buffer.byteLength(request.body));
    }
    const req = http.request({
      host: hostname,
      port: Number(port),
      method: request.method,
      path: request.path,
      headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        const answer = {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
        };
        try {
          checkSchema(request, answer);
        } catch (error) {
          reject(error);
          return;
        }
        resolve(answer);
      });
      res.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // The server may answer (413, 415, 401) and close before reading the body: that is fine.
    req.on("socket", (socket) => socket.on("error", () => {}));
    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}

/** A JSON answer must match the published schema of its route (helpers/schema.ts). */
function checkSchema(request: RawRequest, res: RawResponse): void {
  const type = String(res.headers["content-type"] ?? "");
  if (!type.startsWith("application/json") || res.body.length === 0) return;
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString("utf8"));
  } catch {
    return; // assertErrorShape reports a body that is not JSON
  }
  assertResponseMatchesSchema(request.method, request.path, res.status, body);
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/**
 * Asserts the cloud error shape: JSON, exactly the keys `status` and `message`, `status` equal
 * to the HTTP status, a non-empty message. Returns the message.
 */
export function assertErrorShape(res: RawResponse, context: string): string {
  const type = String(res.headers["content-type"] ?? "");
  assert.match(type, /^application\/json/, `${context}: error Content-Type is '${type}'`);
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString("utf8"));
  } catch {
    assert.fail(`${context}: error body is not JSON: ${res.body.toString("utf8").slice(0, 200)}`);
  }
  assert.ok(body && typeof body === "object" && !Array.isArray(body), `${context}: not an object`);
  const record = body as Record<string, unknown>;
  assert.deepEqual(Object.keys(record).sort(), ["message", "status"], `${context}: keys`);
  assert.equal(record.status, res.status, `${context}: body status vs HTTP status`);
  assert.equal(typeof record.message, "string", `${context}: message type`);
  assert.ok((record.message as string).length > 0, `${context}: empty message`);
  return record.message as string;
}
