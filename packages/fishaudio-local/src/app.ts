import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { ServerContext } from "./context.js";
import { EngineUnavailableError, UnsupportedAudioError } from "./engines/types.js";
import { authenticate, enterConcurrency } from "./http/auth.js";
import { HttpError, sendError } from "./http/errors.js";
import { handleAsr } from "./routes/asr.js";
import {
  handleCoverImage,
  handleCreateModel,
  handleDeleteModel,
  handleGetModel,
  handleListModels,
  handleSampleAudio,
  handleUpdateModel,
} from "./routes/models.js";
import { handleTts } from "./routes/tts.js";
import { runLiveSession } from "./routes/tts-live.js";
import { handleTtsWithTimestamp } from "./routes/tts-timestamps.js";
import { handleApiCredit, handlePackage } from "./routes/wallet.js";
import { requestedModel } from "./tts/model-header.js";

function methodNotAllowed(allowed: string[]): HttpError {
  return new HttpError(405, `Method not allowed; use ${allowed.join(" or ")}`, {
    Allow: allowed.join(", "),
  });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "Malformed percent-encoding in the path");
  }
}

/** Routes one request; every failure becomes `{status, message}`. */
async function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";
  const parts = path.split("/").slice(1);

  if (path === "/" || path === "/v1/health") {
    if (method !== "GET" && method !== "HEAD") throw methodNotAllowed(["GET"]);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ status: "ok" }));
    return;
  }
  const known =
    path === "/v1/tts" ||
    path === "/v1/tts/stream/with-timestamp" ||
    path === "/v1/tts/live" ||
    path === "/v1/asr" ||
    parts[0] === "model" ||
    (parts[0] === "wallet" && parts.length === 3);
  if (!known) throw new HttpError(404, `Not found: ${method} ${path}`);

  const principal = authenticate(ctx, req);
  const release = enterConcurrency(ctx, principal);
  res.once("close", release);

  if (path === "/v1/tts") {
    if (method !== "POST") throw methodNotAllowed(["POST"]);
    return handleTts(ctx, req, res, principal);
  }
  if (path === "/v1/tts/stream/with-timestamp") {
    if (method !== "POST") throw methodNotAllowed(["POST"]);
    return handleTtsWithTimestamp(ctx, req, res, principal);
  }
  if (path === "/v1/tts/live") {
    throw new HttpError(426, "This endpoint is a WebSocket: connect with an HTTP/1.1 upgrade", {
      Upgrade: "websocket",
    });
  }
  if (path === "/v1/asr") {
    if (method !== "POST") throw methodNotAllowed(["POST"]);
    return handleAsr(ctx, req, res, principal);
  }
  if (parts[0] === "wallet") {
    const userId = decodeSegment(parts[1]!);
    if (method !== "GET") throw methodNotAllowed(["GET"]);
    if (parts[2] === "api-credit") return handleApiCredit(ctx, res, principal, userId, url);
    if (parts[2] === "package") return handlePackage(ctx, res, principal, userId);
    throw new HttpError(404, `Not found: ${method} ${path}`);
  }
  // /model, /model/{id}, /model/{id}/samples/{n}, /model/{id}/cover
  if (parts.length === 1) {
    if (method === "GET") return handleListModels(ctx, req, res, principal, url);
    if (method === "POST") return handleCreateModel(ctx, req, res, principal);
    throw methodNotAllowed(["GET", "POST"]);
  }
  const id = decodeSegment(parts[1]!);
  if (parts.length === 2) {
    if (method === "GET") return handleGetModel(ctx, req, res, principal, id);
    if (method === "PATCH") return handleUpdateModel(ctx, req, res, principal, id);
    if (method === "DELETE") return handleDeleteModel(ctx, req, res, principal, id);
    throw methodNotAllowed(["GET", "PATCH", "DELETE"]);
  }
  if (parts.length === 3 && parts[2] === "cover" && method === "GET") {
    return handleCoverImage(ctx, res, principal, id);
  }
  if (parts.length === 4 && parts[2] === "samples" && /^\d+$/.test(parts[3]!) && method === "GET") {
    return handleSampleAudio(ctx, res, principal, id, Number(parts[3]));
  }
  throw new HttpError(404, `Not found: ${method} ${path}`);
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
        "Access-Control-Allow-Headers": "Authorization, Content-Type, model, traceparent",
        "Access-Control-Max-Age": "600",
      });
      res.end();
      return;
    }
    route(ctx, req, res).catch((error: unknown) => {
      const failure = errorResponse(ctx, error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const headers = { ...failure.headers };
      const declaredTooBig = Number(req.headers["content-length"] ?? 0) > ctx.maxBodyBytes;
      if (!req.complete && declaredTooBig) {
        // Refused from the headers alone: close without reading any of it.
        headers.Connection = "close";
        sendError(res, failure.status, failure.message, headers);
        return;
      }
      sendError(res, failure.status, failure.message, headers);
      if (!req.complete) lingerThenClose(req, ctx.maxBodyBytes);
    });
  };
}

/**
 * After answering a request whose body was not read to the end, reads (and drops) what the
 * client is still sending for a short while, so that closing does not reset the connection
 * before the client has read the answer; then closes. Nothing is buffered.
 */
function lingerThenClose(req: IncomingMessage, limit: number): void {
  const socket = req.socket;
  let discarded = 0;
  const cap = Math.max(limit, 32 * 1024 * 1024);
  const timer = setTimeout(() => socket.destroy(), 5000);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > cap) socket.destroy();
  });
  req.on("end", () => clearTimeout(timer));
  socket.once("close", () => clearTimeout(timer));
  req.resume();
}

function rejectUpgrade(socket: Duplex, error: HttpError): void {
  const body = JSON.stringify({ status: error.status, message: error.message });
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
export function createUpgradeHandler(ctx: ServerContext, wss: WebSocketServer) {
  wss.on("headers", (headers: string[], req: IncomingMessage) => {
    headers.push(
      `X-Fish-Model: ${requestedModel(req, ctx.defaultModel).replace(/[^\x20-\x7e]/g, "")}`,
    );
  });
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", () => socket.destroy());
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
      if (path !== "/v1/tts/live") throw new HttpError(404, `Not found: WebSocket ${path}`);
      const principal = authenticate(ctx, req);
      if (principal.user.creditMicro <= 0) throw new HttpError(402, "Insufficient API credit");
      const release = enterConcurrency(ctx, principal);
      socket.once("close", release);
      wss.handleUpgrade(req, socket, head, (ws) => {
        ctx.log(`WS /v1/tts/live opened`);
        runLiveSession(ctx, ws, req, principal);
      });
    } catch (error) {
      rejectUpgrade(socket, errorResponse(ctx, error));
    }
  };
}

/** The WebSocket server (no own HTTP listener; upgrades are handed to it). */
export function createWebSocketServer(maxPayload: number): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
}
