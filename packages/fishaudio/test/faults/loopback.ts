/**
 * Loopback servers that misbehave on purpose, plus the checks every fault case shares: the server
 * counts attempts and open sockets itself, and `runIsolated` fails a case that leaves a timer or
 * socket behind or lets a promise rejection go unhandled.
 */
import assert from "node:assert/strict";
import { createHook } from "node:async_hooks";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import net from "node:net";
import { WebSocketServer, type WebSocket as WsSocket } from "ws";

/** Something listening on 127.0.0.1 that a test can inspect and shut down. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, for the client's baseUrl. */
  url: string;
  /** How many requests (HTTP) or upgrade requests (WebSocket) reached the server. */
  readonly attempts: number;
  /** Open sockets that carry an unfinished request (or an upgraded WebSocket). */
  openSockets(): number;
  /** Resolves once no socket carries an unfinished request; rejects after `ms`. */
  waitForSocketsClosed(ms?: number): Promise<void>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, attempt: number) => void;

/**
 * An HTTP server whose `handler` decides how to misbehave on each attempt (1-based). Keep-alive
 * stays on, as on the real API; a socket counts as the client's leak only while it carries a
 * request whose response never completed (idle keep-alive and undici's spare sockets do not).
 */
export async function httpFaultServer(handler: Handler): Promise<LoopbackServer> {
  const server = http.createServer();
  const busy = new Set<Socket>();
  let attempts = 0;
  server.on("request", (req, res) => {
    attempts += 1;
    busy.add(req.socket);
    res.on("finish", () => busy.delete(req.socket));
    // The handler may reset the socket under a half-written response; that is the point.
    res.on("error", () => {});
    handler(req, res, attempts);
  });
  return listen(server, () => attempts, busy);
}

type UpgradeHandler = (
  req: http.IncomingMessage,
  accept: () => Promise<WsSocket>,
  socket: Socket,
  attempt: number,
) => void;

/**
 * A WebSocket server on /v1/tts/live. `onUpgrade` may accept the socket (then script it) or
 * do anything else with the raw socket, including nothing at all.
 */
export async function wsFaultServer(onUpgrade: UpgradeHandler): Promise<LoopbackServer> {
  const server = http.createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  const busy = new Set<Socket>();
  let attempts = 0;
  server.on("upgrade", (req, socket: Socket, head) => {
    attempts += 1;
    socket.on("error", () => {});
    // http.Server sockets allow half-open: a client that drops a pending handshake only sends
    // FIN, so close our half too, or the socket stays open and looks like a client leak.
    socket.on("end", () => socket.destroy());
    const accept = () =>
      new Promise<WsSocket>((resolve) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.on("error", () => {});
          resolve(ws);
        });
      });
    // An upgraded socket is in use until it closes, whatever state the handshake reached.
    busy.add(socket);
    onUpgrade(req, accept, socket, attempts);
  });
  const handle = await listen(server, () => attempts, busy);
  return {
    ...handle,
    get attempts() {
      return attempts;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await handle.close();
    },
  };
}

/** A port that refuses connections: bound once to learn a free port, then released. */
export async function refusedUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function listen(
  server: http.Server,
  attempts: () => number,
  busy: Set<Socket>,
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      busy.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get attempts() {
      return attempts();
    },
    openSockets: () => busy.size,
    waitForSocketsClosed: (ms = 3000) =>
      waitUntil(
        () => busy.size === 0,
        ms,
        () => `${busy.size} socket(s) with an unfinished request still open`,
      ),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `condition` every 10 ms; rejects with `describe()` after `ms`. */
export async function waitUntil(
  condition: () => boolean,
  ms: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Counts of the resources (ref'ed timers, sockets, servers…) that keep the process alive. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

function extraResources(baseline: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [name, count] of activeResources()) {
    const surplus = count - (baseline.get(name) ?? 0);
    if (surplus > 0) extra.push(`${surplus}x ${name}`);
  }
  return extra;
}

/**
 * Runs one fault case against a fresh server and then proves the client cleaned up: every socket
 * it opened is closed (seen from the server), no timer or handle outlives the case, and no
 * promise rejection went unhandled while it ran.
 */
export async function runIsolated<S extends LoopbackServer>(
  start: () => Promise<S>,
  body: (server: S) => Promise<void>,
): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  // The runner's own resources (its IPC pipe, a pending immediate) are in the baseline.
  await new Promise((resolve) => setImmediate(resolve));
  const baseline = activeResources();
  const tracker = trackResources();
  const server = await start();
  try {
    await body(server);
    await server.waitForSocketsClosed();
  } finally {
    await server.close();
  }
  try {
    await waitUntil(
      () => extraResources(baseline).length === 0,
      3000,
      () =>
        `resources left behind: ${extraResources(baseline).join(", ")}\n${tracker.describeLive()}`,
    );
    // Rejections are reported on a later tick; give them one before checking.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(unhandled.map(String), [], "unhandled promise rejections");
  } finally {
    tracker.stop();
    process.off("unhandledRejection", onUnhandled);
  }
}

/**
 * Records where each timer and socket created during a case came from, so that a leak report
 * can say which code made the handle that is still keeping the process alive.
 */
function trackResources(): { describeLive(): string; stop(): void } {
  const live = new Map<number, { type: string; resource: object; stack: string }>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === "Timeout" || type === "TCPWRAP" || type === "Immediate") {
        const stack = (new Error().stack ?? "").split("\n").slice(3, 12).join("\n");
        live.set(id, { type, resource, stack });
      }
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  return {
    describeLive() {
      const lines: string[] = [];
      for (const { type, resource, stack } of live.values()) {
        const ref = (resource as { hasRef?: () => boolean }).hasRef?.();
        if (ref === false) continue;
        lines.push(`${type} created at:\n${stack}`);
      }
      return lines.join("\n---\n");
    },
    stop: () => hook.disable(),
  };
}

/** Drains an async iterable, returning the bytes; used where the body is expected to fail. */
export async function drain(source: AsyncIterable<Uint8Array>): Promise<number> {
  let total = 0;
  for await (const chunk of source) total += chunk.byteLength;
  return total;
}

/** A JSON reply with an explicit status, the way the cloud sends errors. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}
