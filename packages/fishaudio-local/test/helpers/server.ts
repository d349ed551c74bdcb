/** Starts a server on 127.0.0.1 with fake engines, and small request helpers around it. */
import { decode, encode } from "@msgpack/msgpack";
import { type LocalServer, type StartServerOptions, startServer } from "fishaudio-local";
import { FakeEngines } from "./fake-engines.js";
import { checkedResponse } from "./schema.js";

export interface TestServer {
  server: LocalServer;
  engines: FakeEngines;
  /**
   * fetch against the server with the owner's key unless `key` (or `null` for none) is given; a
   * JSON answer that does not match the published schema of its route throws (schema.ts).
   */
  call(
    method: string,
    path: string,
    init?: {
      body?: string | Uint8Array | FormData | URLSearchParams;
      headers?: Record<string, string>;
      key?: string | null;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestServer(options: StartServerOptions = {}): Promise<TestServer> {
  const engines = new FakeEngines();
  const server = await startServer({ engines, ...options });
  return {
    server,
    engines,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const key = init.key === undefined ? server.apiKey : init.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      const res = await fetch(`${server.url}${path}`, { method, headers, body: init.body });
      return checkedResponse(method, path, res);
    },
    close: () => server.close(),
  };
}

/** msgpack-encodes a body for `call`. */
export function msgpack(value: unknown): { body: Uint8Array; headers: Record<string, string> } {
  return { body: encode(value), headers: { "content-type": "application/msgpack" } };
}

/** JSON-encodes a body for `call`. */
export function json(value: unknown): { body: string; headers: Record<string, string> } {
  return { body: JSON.stringify(value), headers: { "content-type": "application/json" } };
}

/** Reads an error response and checks it has exactly `{status, message}`. */
export async function errorBody(res: Response): Promise<{ status: number; message: string }> {
  const body = (await res.json()) as Record<string, unknown>;
  const keys = Object.keys(body).sort();
  if (keys.join(",") !== "message,status") {
    throw new Error(`error body has keys ${keys.join(",")}: ${JSON.stringify(body)}`);
  }
  if (body.status !== res.status)
    throw new Error(`status ${String(body.status)} != HTTP ${res.status}`);
  return body as { status: number; message: string };
}

export { decode };
