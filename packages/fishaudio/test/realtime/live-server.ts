// A loopback /v1/tts/live server for the realtime tests. Each test scripts its behaviour
// (including misbehaviour) through `onConnection`; the helper records what the client sent.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { decode, encode } from "@msgpack/msgpack";
import { type RawData, type WebSocket, WebSocketServer } from "ws";

export interface Connection {
  ws: WebSocket;
  headers: IncomingHttpHeaders;
  /** Every binary frame received, as raw bytes, in order. */
  frames: Uint8Array[];
  /** Resolves with the next frame (raw bytes). */
  nextFrame(): Promise<Uint8Array>;
  /** Resolves with the close code and reason the client's close produced. */
  closed: Promise<{ code: number; reason: string }>;
  sendEvent(event: Record<string, unknown>): void;
}

export interface LiveServer {
  url: string;
  connections: Connection[];
  /** Resolves with the next connection. */
  nextConnection(): Promise<Connection>;
  close(): Promise<void>;
}

export async function startLiveServer(
  onConnection: (connection: Connection) => void | Promise<void> = () => {},
  options: {
    verifyClient?: (request: IncomingMessage) => { status: number; body: unknown } | undefined;
    autoPong?: boolean;
  } = {},
): Promise<LiveServer> {
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    path: "/v1/tts/live",
    autoPong: options.autoPong ?? true,
    verifyClient: options.verifyClient
      ? (info, done) => {
          const refusal = options.verifyClient?.(info.req);
          if (!refusal) return done(true);
          done(false, refusal.status, JSON.stringify(refusal.body), {
            "Content-Type": "application/json",
          });
        }
      : undefined,
  });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const connections: Connection[] = [];
  const waiting: ((c: Connection) => void)[] = [];
  let taken = 0;

  wss.on("connection", (ws, request) => {
    const frames: Uint8Array[] = [];
    const frameWaiters: ((frame: Uint8Array) => void)[] = [];
    let delivered = 0;
    const connection: Connection = {
      ws,
      headers: request.headers,
      frames,
      nextFrame: () =>
        new Promise((resolve) => {
          if (delivered < frames.length) resolve(frames[delivered++]!);
          else frameWaiters.push(resolve);
        }),
      closed: new Promise((resolve) =>
        ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
      ),
      sendEvent: (event) => ws.send(encode(event)),
    };
    ws.on("message", (data: RawData, isBinary) => {
      if (!isBinary) return;
      const bytes = new Uint8Array(data as Buffer);
      frames.push(bytes);
      const waiter = frameWaiters.shift();
      if (waiter) {
        delivered++;
        waiter(bytes);
      }
    });
    ws.on("error", () => {});
    connections.push(connection);
    const waiter = waiting.shift();
    if (waiter) {
      taken++;
      waiter(connection);
    }
    void onConnection(connection);
  });

  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/v1/tts/live`,
    connections,
    nextConnection: () =>
      new Promise((resolve) => {
        // A connection may already be there by the time a test asks for it.
        if (taken < connections.length) resolve(connections[taken++]!);
        else waiting.push(resolve);
      }),
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** Decodes a frame the client sent. */
export function decodeFrame(bytes: Uint8Array): Record<string, unknown> {
  return decode(bytes) as Record<string, unknown>;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** A promise plus the functions that settle it. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Counts the process's live handles by type (sockets, servers, timers). */
export function activeHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}
