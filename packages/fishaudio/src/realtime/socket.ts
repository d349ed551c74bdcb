import { APIUserAbortError, FishAudioError, WebSocketError } from "../core/error.js";
import { MAX_SERVER_FRAME_BYTES } from "./frames.js";
import { refusedUpgrade } from "./refusal.js";

/**
 * The part of a WebSocket the SDK relies on. Both the `ws` package's WebSocket and the WHATWG
 * WebSocket (Node 22+, Bun, Deno, browsers) fit it, so one session loop serves all of them.
 */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount?: number;
  binaryType: string;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  // biome-ignore lint/suspicious/noExplicitAny: event shapes differ between implementations
  addEventListener(type: string, listener: (event: any) => void): void;
  // biome-ignore lint/suspicious/noExplicitAny: event shapes differ between implementations
  removeEventListener(type: string, listener: (event: any) => void): void;
}

/** A constructor that takes headers: `ws`, or a runtime WebSocket with the headers extension. */
export type WebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string> } & Record<string, unknown>,
) => WebSocketLike;

export const OPEN = 1;
export const CLOSED = 3;

/**
 * Extras only the `ws` package has. They are looked up at run time so that a plain WHATWG
 * socket still works, just without keepalive pings, read pausing or HTTP error details.
 */
export interface NodeSocketExtras {
  ping(): void;
  pause(): void;
  resume(): void;
  terminate(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/**
 * The `ws` extras of a socket, if it has them.
 * @example nodeExtras(ws)?.ping();
 */
export function nodeExtras(ws: WebSocketLike): NodeSocketExtras | undefined {
  const candidate = ws as unknown as Partial<NodeSocketExtras>;
  return typeof candidate.ping === "function" &&
    typeof candidate.pause === "function" &&
    typeof candidate.resume === "function" &&
    typeof candidate.terminate === "function" &&
    typeof candidate.on === "function" &&
    typeof candidate.off === "function"
    ? (candidate as NodeSocketExtras)
    : undefined;
}

/** What the runtime offers, gathered in one place so the choice can be tested without it. */
export interface WebSocketEnvironment {
  /** "node", "bun", "deno" or "browser" (anything without a server runtime). */
  runtime: "node" | "bun" | "deno" | "browser";
  loadWs: () => Promise<WebSocketConstructor | undefined>;
  globalWebSocket: WebSocketConstructor | undefined;
}

/**
 * Probes the current process for a WebSocket that can send the Authorization header.
 * @example const WebSocket = await resolveWebSocket(currentEnvironment());
 */
export function currentEnvironment(): WebSocketEnvironment {
  const g = globalThis as {
    process?: { versions?: Record<string, string | undefined> };
    Bun?: unknown;
    Deno?: unknown;
    WebSocket?: unknown;
  };
  const versions = g.process?.versions;
  const runtime =
    g.Bun !== undefined || versions?.bun
      ? "bun"
      : g.Deno !== undefined
        ? "deno"
        : versions?.node
          ? "node"
          : "browser";
  return {
    runtime,
    loadWs,
    globalWebSocket:
      typeof g.WebSocket === "function" ? (g.WebSocket as WebSocketConstructor) : undefined,
  };
}

/**
 * Picks the implementation: `ws` first on Node (headers, pings, pausing, HTTP status of a
 * refused upgrade), else a global WebSocket that accepts headers (Node 22+, Bun, Deno).
 * @example const WebSocket = await resolveWebSocket(currentEnvironment());
 */
export async function resolveWebSocket(env: WebSocketEnvironment): Promise<WebSocketConstructor> {
  if (env.runtime === "browser") {
    throw new FishAudioError(
      "Realtime TTS needs an Authorization header on the WebSocket upgrade, which browsers cannot send. " +
        "Open the session on a server (Node, Bun, Deno) and relay the audio to the browser, " +
        "for example through your own WebSocket or HTTP endpoint.",
    );
  }
  if (env.runtime === "node") {
    const ws = await env.loadWs();
    if (ws) return ws;
  }
  if (env.globalWebSocket) return env.globalWebSocket;
  if (env.runtime !== "node") {
    const ws = await env.loadWs();
    if (ws) return ws;
  }
  throw new FishAudioError(
    "Realtime TTS needs a WebSocket client that can send headers. This Node version has no global " +
      "WebSocket, so install the optional peer dependency: `npm install ws` (or use Node 22+).",
  );
}

async function loadWs(): Promise<WebSocketConstructor | undefined> {
  // A non-literal specifier keeps browser bundlers from trying to resolve the Node-only package.
  const specifier = "ws";
  try {
    const mod = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as {
      default?: unknown;
      WebSocket?: unknown;
    };
    const ctor = mod.WebSocket ?? mod.default;
    return typeof ctor === "function" ? (ctor as WebSocketConstructor) : undefined;
  } catch {
    return undefined;
  }
}

/** A message or close the socket emitted before anyone read it (see {@link OpenSocket}). */
export type EarlyEvent =
  | { type: "message"; event: { data?: unknown } }
  | { type: "close"; event: { code?: number; reason?: string } };

/**
 * An open socket plus what it emitted between the upgrade and the first reader. Frames that
 * arrive in the same read as the 101 response are emitted by `ws` before the caller's code
 * after `await connect()` can run, so connect() keeps them until `takeEarlyEvents()`.
 */
export interface OpenSocket {
  ws: WebSocketLike;
  /** Stops buffering and returns what was buffered, in order. Call once, then listen. */
  takeEarlyEvents(): EarlyEvent[];
}

export interface ConnectOptions {
  url: string;
  headers: Record<string, string>;
  WebSocket: WebSocketConstructor;
  connectTimeout: number;
  signal: AbortSignal | undefined;
  /** The SDK's own reason to give up (the reader left); rejects like an abort. */
  cancel?: AbortSignal;
  /**
   * Turns a failed upgrade whose HTTP status the implementation hides (WHATWG WebSocket) into
   * the error to report; see `explainFailedUpgrade`.
   */
  explain?: (failure: WebSocketError) => Promise<Error>;
  /** `ws` refuses larger messages itself (maxPayload); others are checked by the receiver. */
  maxMessageSize?: number;
}

/**
 * Opens the socket and resolves once the upgrade succeeded. A refused upgrade becomes the
 * APIError that matches its status (when the implementation exposes the response), a hang
 * becomes a WebSocketError after `connectTimeout`, and the caller's abort an APIUserAbortError.
 * @example const ws = await connect({ url, headers, WebSocket, connectTimeout: 30_000, signal });
 */
export function connect(options: ConnectOptions): Promise<OpenSocket> {
  const { url, headers, signal, cancel, connectTimeout } = options;
  if (signal?.aborted || cancel?.aborted) {
    return Promise.reject(new APIUserAbortError("Realtime TTS was aborted."));
  }
  return new Promise((resolve, reject) => {
    let ws: WebSocketLike;
    try {
      // perMessageDeflate is a `ws` option (other implementations ignore it): audio does not
      // compress, so offering deflate would only cost CPU on both ends.
      // maxPayload (also `ws` only) makes it refuse an oversized frame before buffering it.
      ws = new options.WebSocket(url, {
        headers,
        perMessageDeflate: false,
        maxPayload: options.maxMessageSize ?? MAX_SERVER_FRAME_BYTES,
      });
    } catch (cause) {
      reject(
        new WebSocketError(`Could not open a WebSocket to ${url}: ${errorText(cause)}`, { cause }),
      );
      return;
    }
    if (!nodeExtras(ws)) ws.binaryType = "arraybuffer";
    const extras = nodeExtras(ws);
    let settled = false;
    let opened = false;
    const early: EarlyEvent[] = [];
    const onEarlyMessage = (event: { data?: unknown }) => early.push({ type: "message", event });
    const onEarlyClose = (event: { code?: number; reason?: string }) => {
      if (opened) early.push({ type: "close", event });
    };
    const stopBuffering = () => {
      ws.removeEventListener("message", onEarlyMessage);
      ws.removeEventListener("close", onEarlyClose);
    };
    ws.addEventListener("message", onEarlyMessage);
    ws.addEventListener("close", onEarlyClose);

    const settle = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      cancel?.removeEventListener("abort", onAbort);
      ws.removeEventListener("open", onOpen);
      ws.removeEventListener("close", onClose);
      extras?.off("unexpected-response", onUnexpectedResponse);
      if (!error) {
        opened = true;
        // Swap in a no-op first: with `ws`, an 'error' event nobody listens to is thrown.
        ws.addEventListener("error", ignore);
        ws.removeEventListener("error", onError);
        resolve({
          ws,
          takeEarlyEvents: () => {
            stopBuffering();
            return early.splice(0);
          },
        });
        return;
      }
      stopBuffering();
      // The error listener stays: `ws` throws on an 'error' event nobody listens to, and the
      // abandoned handshake still emits one.
      abandon(ws);
      reject(error);
    };
    const onOpen = () => settle(undefined);
    // The upgrade failed without a status: find out why before reporting (once).
    let explaining = false;
    const fail = (failure: WebSocketError) => {
      if (settled || explaining) return;
      if (!options.explain) {
        settle(failure);
        return;
      }
      explaining = true;
      clearTimeout(timer);
      options.explain(failure).then(settle, () => settle(failure));
    };
    const onError = (event: { error?: unknown; message?: unknown }) => {
      const cause = event?.error ?? event;
      fail(
        new WebSocketError(`Could not connect to ${url}: ${errorText(cause)}`, {
          cause,
        }),
      );
    };
    const onClose = (event: { code?: number; reason?: string }) => {
      fail(
        new WebSocketError(
          `The WebSocket to ${url} closed before the upgrade completed (code ${event?.code ?? "unknown"}). ` +
            "Check the URL, the API key and that the server speaks /v1/tts/live.",
          { code: event?.code, serverMessage: event?.reason || undefined },
        ),
      );
    };
    const onAbort = () => settle(new APIUserAbortError("Realtime TTS was aborted."));
    const onUnexpectedResponse = (_request: unknown, response: IncomingResponse) => {
      readBody(response).then(
        (text) => settle(upgradeRefused(url, response, text)),
        () => settle(upgradeRefused(url, response, "")),
      );
    };
    const timer = setTimeout(() => {
      settle(
        new WebSocketError(
          `Timed out after ${connectTimeout} ms waiting for the WebSocket upgrade from ${url}.`,
        ),
      );
    }, connectTimeout);

    ws.addEventListener("open", onOpen);
    ws.addEventListener("error", onError);
    ws.addEventListener("close", onClose);
    extras?.on("unexpected-response", onUnexpectedResponse as (...args: never[]) => void);
    signal?.addEventListener("abort", onAbort, { once: true });
    cancel?.addEventListener("abort", onAbort, { once: true });
  });
}

function ignore(): void {}

/** Drops a socket that never finished its handshake, without waiting for anything. */
function abandon(ws: WebSocketLike): void {
  const extras = nodeExtras(ws);
  try {
    if (extras) extras.terminate();
    else ws.close();
  } catch {
    // Already closed or closing; nothing left to release.
  }
}

/** The slice of Node's IncomingMessage that is read here (no node: import in this module). */
interface IncomingResponse {
  statusCode?: number;
  statusMessage?: string;
  headers: Record<string, string | string[] | undefined>;
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  destroy(): void;
}

const MAX_ERROR_BODY = 64 * 1024;

function readBody(response: IncomingResponse): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const finish = () => {
      const all = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(new TextDecoder().decode(all));
    };
    response.on("data", (chunk) => {
      if (size >= MAX_ERROR_BODY) return;
      const part = chunk.subarray(0, MAX_ERROR_BODY - size);
      chunks.push(part);
      size += part.byteLength;
    });
    response.on("end", finish);
    response.on("close", finish);
    response.on("error", reject);
  });
}

function upgradeRefused(url: string, response: IncomingResponse, text: string): Error {
  const status = response.statusCode ?? 0;
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : text;
  } catch {
    // Not JSON: keep the text, APIError shows it as the message.
  }
  if (status >= 400) return refusedUpgrade(status, body, headers);
  const statusText = response.statusMessage ? ` ${response.statusMessage}` : "";
  return new WebSocketError(
    `The server answered the WebSocket upgrade to ${url} with HTTP ${status}${statusText} instead of 101 Switching Protocols.`,
  );
}

/**
 * A readable one-liner from whatever an implementation throws or emits.
 * @example errorText(event.error ?? event) // "connect ECONNREFUSED 127.0.0.1:1"
 */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (error && typeof error === "object" && "message" in error) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string" && message) return message;
  }
  return "connection failed";
}
