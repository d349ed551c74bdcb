import { AsyncResource } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import { compatErrorShape } from "./compat/index.js";
import { isConsoleTraffic } from "./console/traffic.js";
import type { ServerContext } from "./context.js";
import { EngineUnavailableError, UnsupportedAudioError } from "./engines/types.js";
import { authenticate, enterConcurrency } from "./http/auth.js";
import { governBody, watchFrames } from "./http/body-budget.js";
import { readFields, readObject } from "./http/decode.js";
import { HttpError, sendError, sendJson } from "./http/errors.js";
import { noteOutcome, runTracked, trackRequest } from "./requests-log/track.js";
import {
  decodeParams,
  enforceBody,
  matchHttp,
  matchUpgrade,
  methodNotAllowed,
  normalPath,
  RouteMiss,
} from "./routes/dispatch.js";
import type { Principal } from "./store/accounts.js";
import { requestedModel } from "./tts/model-header.js";

/**
 * Routes one request through the table (routes/table.ts); every failure becomes `{status,
 * message}`, or on a compatibility protocol's path (compat/) that protocol's error shape.
 */
async function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = normalPath(url);
  const shape = compatErrorShape(path);
  if (!shape) return routeTable(ctx, req, res, url, path);
  try {
    return await routeTable(ctx, req, res, url, path);
  } catch (error) {
    throw shape(error, (e) => errorResponse(ctx, e));
  }
}

async function routeTable(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
): Promise<void> {
  const method = req.method ?? "GET";
  const match = matchHttp(method, path);
  const needsKey = match.kind === "method" ? match.auth : match.route.auth === "key";
  let principal: Principal | undefined;
  if (needsKey) {
    principal = authenticate(ctx, req);
    const release = enterConcurrency(ctx, principal);
    res.once("close", release);
  }
  if (match.kind === "method") throw methodNotAllowed(match.allowed);
  if (match.kind === "upgrade") {
    throw new RouteMiss(426, "This endpoint is a WebSocket: connect with an HTTP/1.1 upgrade", {
      Upgrade: "websocket",
    });
  }
  const params = decodeParams(match.raw);
  const entry = match.route;
  enforceBody(entry, req);
  const objects = entry.body.filter((e) => e === "json" || e === "msgpack");
  // auth "none" routes never read the principal.
  return entry.handler({
    ctx,
    req,
    res,
    principal: principal as Principal,
    url,
    params,
    route: entry,
    body: (limit = ctx.maxBodyBytes) => readObject(req, objects, limit),
    fields: () => readFields(req, entry.body, ctx.maxBodyBytes),
  });
}

/** Maps any thrown value to a status and message; unknown errors are logged as 500s. */
export function errorResponse(ctx: ServerContext, error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof UnsupportedAudioError) {
    return new HttpError(400, `Unsupported audio: ${error.message}`);
  }
  if (error instanceof EngineUnavailableError) {
    return new HttpError(503, `Speech engine unavailable: ${error.message}`);
  }
  const code = (error as { code?: unknown })?.code;
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") {
    ctx.log(`disk full: ${(error as Error)?.message ?? String(error)}`);
    return new HttpError(
      507,
      "The server's disk is full; free space where fishaudio-local keeps its data and retry",
    );
  }
  ctx.log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
  return new HttpError(500, "Internal server error");
}

/**
 * The request listener: routes, answers errors as `{status, message}`, and after an error
 * with an unread upload closes the connection instead of reading the rest.
 * @example http.createServer(createRequestHandler(ctx));
 */
export function createRequestHandler(ctx: ServerContext) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = Date.now();
    const requestId = randomBytes(8).toString("hex");
    res.setHeader("X-Request-Id", requestId);
    // A local development server: let browser apps call it (a key is still required).
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Expose-Headers", "X-Request-Id, X-Fish-Model, Retry-After");
    res.on("finish", () => {
      ctx.log(
        `${req.method} ${req.url?.split("?")[0]} ${res.statusCode} ${Date.now() - started}ms id=${requestId}`,
      );
    });
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": allowedHeaders(req),
        "Access-Control-Max-Age": "600",
      });
      res.end();
      return;
    }
    governBody(req, ctx.bodyBudget);
    const entry = isConsoleTraffic(req)
      ? undefined
      : trackRequest(ctx.requestLog, req, res, requestId);
    runTracked(entry, () => route(ctx, req, res)).catch((error: unknown) => {
      const failure = errorResponse(ctx, error);
      runTracked(entry, () => noteOutcome(failure.status, failure.message));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const headers = { ...failure.headers };
      const declaredTooBig = Number(req.headers["content-length"] ?? 0) > ctx.maxBodyBytes;
      if (!req.complete && (declaredTooBig || failure.headers.Connection === "close")) {
        // Refused from the headers alone (or the body stalled): close without reading any of it.
        headers.Connection = "close";
        sendFailure(res, failure, headers);
        return;
      }
      sendFailure(res, failure, headers);
      if (!req.complete) lingerThenClose(req, ctx.maxBodyBytes);
    });
  };
}

/** Every header the SDK sends (Firefox lists User-Agent in preflights), plus any the page asks for. */
const SDK_HEADERS = ["Authorization", "Content-Type", "model", "traceparent", "User-Agent"];

function allowedHeaders(req: IncomingMessage): string {
  const asked = String(req.headers["access-control-request-headers"] ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name));
  const names = new Map(SDK_HEADERS.map((name) => [name.toLowerCase(), name]));
  for (const name of asked) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  return [...names.values()].join(", ");
}

function sendFailure(res: ServerResponse, failure: HttpError, headers: Record<string, string>) {
  if (failure.body === undefined) sendError(res, failure.status, failure.message, headers);
  else sendJson(res, failure.status, failure.body, headers);
}

/**
 * After answering a request whose body was not read to the end, reads (and drops) what the
 * client is still sending for a short while, so that closing does not reset the connection
 * before the client has read the answer; then closes. Nothing is buffered. Past `cap` it stops
 * reading instead of resetting: a reset makes the client's kernel drop an answer it has not read
 * yet (a busy client lost its 413 that way), while a paused socket only holds the client back
 * until it reads the answer and leaves, or the timer closes it.
 */
function lingerThenClose(req: IncomingMessage, limit: number): void {
  const socket = req.socket;
  let discarded = 0;
  const cap = Math.max(limit, 32 * 1024 * 1024);
  const timer = setTimeout(() => socket.destroy(), 5000);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > cap) req.pause();
  });
  req.on("end", () => clearTimeout(timer));
  socket.once("close", () => clearTimeout(timer));
  req.resume();
}

/**
 * Answers an upgrade request with a plain HTTP error (the error's own body when it has one).
 * @example rejectUpgrade(socket, new HttpError(401, "Invalid API key"));
 */
export function rejectUpgrade(socket: Duplex, error: HttpError): void {
  const body = JSON.stringify(error.body ?? { status: error.status, message: error.message });
  const head = [
    `HTTP/1.1 ${error.status} ${statusText(error.status)}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    ...Object.entries(error.headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
  };
  return texts[status] ?? "Error";
}

/**
 * The upgrade listener for `/v1/tts/live`: authenticates (and checks rate limit and credit)
 * with plain HTTP errors before upgrading, then runs the session.
 * @example server.on("upgrade", createUpgradeHandler(ctx, wss));
 */
export function createUpgradeHandler(ctx: ServerContext, sockets: WebSockets) {
  sockets.configure((wss) =>
    wss.on("headers", (headers: string[], req: IncomingMessage) => {
      headers.push(
        `X-Fish-Model: ${requestedModel(req, ctx.defaultModel).replace(/[^\x20-\x7e]/g, "")}`,
      );
    }),
  );
  /** Hands the socket to ws once it is loaded (a closed server drops it). */
  const handleUpgrade = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    opened: (ws: WebSocket) => void,
  ) => {
    sockets.get().then(
      (wss) => wss.handleUpgrade(req, socket, head, opened),
      () => socket.destroy(),
    );
  };
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", () => socket.destroy());
    const entry = trackRequest(ctx.requestLog, req, undefined, randomBytes(8).toString("hex"));
    runTracked(entry, () => upgrade(req, socket, head));
  };
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = normalPath(url);
    try {
      const { route, raw } = matchUpgrade(path);
      if ("handshake" in route) {
        route.handshake({
          ctx,
          req,
          socket,
          url,
          params: decodeParams(raw),
          accept: (session) => {
            noteOutcome(101);
            handleUpgrade(req, socket, head, (ws) => {
              watchFrames(ctx.bodyBudget, ws, socket);
              ctx.log(`WS ${route.path} opened`);
              ws.emit = AsyncResource.bind(ws.emit.bind(ws)) as typeof ws.emit;
              session(ws);
            });
          },
        });
        return;
      }
      const principal = authenticate(ctx, req);
      if (route.charge !== "none" && principal.user.creditMicro <= 0) {
        throw new HttpError(402, "Insufficient API credit");
      }
      const release = enterConcurrency(ctx, principal);
      socket.once("close", release);
      noteOutcome(101);
      handleUpgrade(req, socket, head, (ws) => {
        watchFrames(ctx.bodyBudget, ws, socket);
        ctx.log(`WS ${route.path} opened`);
        // The session's events run as part of its log entry, so its charges are counted there.
        ws.emit = AsyncResource.bind(ws.emit.bind(ws)) as typeof ws.emit;
        route.session(ctx, ws, req, principal);
      });
    } catch (error) {
      const shape = compatErrorShape(path);
      const failure = shape
        ? shape(error, (e) => errorResponse(ctx, e))
        : errorResponse(ctx, error);
      // The path and the status only: auth messages quote the header's shape, never log them.
      ctx.log(`WS ${req.url?.split("?")[0]} refused ${failure.status}`);
      noteOutcome(failure.status, failure.message);
      rejectUpgrade(socket, failure);
    }
  }
}

/**
 * The WebSocket server (no own HTTP listener; upgrades are handed to it), made on the first
 * upgrade: ws is loaded then, so a one-shot command that only speaks HTTP never loads it.
 * @example const sockets = new WebSockets(maxPayload); server.on("upgrade", createUpgradeHandler(ctx, sockets));
 */
export class WebSockets {
  private server: WebSocketServer | undefined;
  private loading: Promise<WebSocketServer> | undefined;
  private readonly setups: ((wss: WebSocketServer) => void)[] = [];
  private closed = false;

  constructor(private readonly maxPayload: number) {}

  /** Runs `setup` on the server when it is made. */
  configure(setup: (wss: WebSocketServer) => void): void {
    this.setups.push(setup);
  }

  /** The server, loading ws first on the first call; rejects once closed. */
  get(): Promise<WebSocketServer> {
    if (this.closed) return Promise.reject(new Error("The server is shutting down"));
    this.loading ??= import("ws").then(({ WebSocketServer: Server }) => {
      const wss = new Server({
        noServer: true,
        maxPayload: this.maxPayload,
        perMessageDeflate: false,
      });
      for (const setup of this.setups) setup(wss);
      this.server = wss;
      if (this.closed) wss.close();
      return wss;
    });
    return this.loading;
  }

  /** The open clients (none before the first upgrade). */
  get clients(): ReadonlySet<WebSocket> {
    return this.server?.clients ?? new Set();
  }

  close(): void {
    this.closed = true;
    this.server?.close();
  }
}
