import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal } from "../store/accounts.js";
import type { RequestEntry } from "./entry.js";
import type { RequestLog } from "./log.js";
import { summarizeBody } from "./summarize.js";

// The entry of the request being handled, so that the authenticator, the body readers and the
// billing code can add to it without every route passing it along.
const current = new AsyncLocalStorage<RequestEntry>();

/**
 * Starts logging `req` in `log`; the entry is completed when the response (or, for a
 * WebSocket upgrade, the socket) closes.
 * @example const entry = trackRequest(log, req, res, requestId);
 */
export function trackRequest(
  log: RequestLog,
  req: IncomingMessage,
  res: ServerResponse | undefined,
  requestId: string,
): RequestEntry {
  const url = new URL(req.url ?? "/", "http://localhost");
  const model = req.headers.model;
  const entry = log.begin({
    id: requestId,
    time: new Date().toISOString(),
    method: res ? (req.method ?? "GET") : "WS",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    model: typeof model === "string" ? model : null,
  });
  const started = Date.now();
  const socket = req.socket;
  const readAtStart = socket.bytesRead;
  const writtenAtStart = socket.bytesWritten;
  const end = (status: number) => {
    if (entry.durationMs !== null) return;
    entry.status = status;
    entry.durationMs = Date.now() - started;
    // A small body often arrives with the headers, before this handler ran: the declared
    // length counts it; a chunked upload is counted on the wire.
    const declared = Number(req.headers["content-length"] ?? 0) || 0;
    entry.bytesIn = Math.max(declared, socket.bytesRead - readAtStart);
    entry.bytesOut = socket.bytesWritten - writtenAtStart;
  };
  // "close" also comes for a client that went away before the end ("finish" never does).
  if (res) res.once("close", () => end(res.statusCode));
  else socket.once("close", () => end(entry.status || 101));
  return entry;
}

/**
 * Runs `fn` with `entry` as the current request, so the note* functions below reach it.
 * @example runTracked(entry, () => route(ctx, req, res));
 */
export function runTracked<T>(entry: RequestEntry | undefined, fn: () => T): T {
  return entry ? current.run(entry, fn) : fn();
}

/** Records who sent the current request (key id and user, never the key). */
export function notePrincipal(principal: Principal): void {
  const entry = current.getStore();
  if (!entry) return;
  entry.keyId = principal.keyId;
  entry.userId = principal.user.id;
}

/** Records the decoded body of the current request, audio replaced by its size. */
export function noteBody(body: unknown): void {
  const entry = current.getStore();
  if (entry) entry.body = summarizeBody(body);
}

/** Adds a charge (negative: a refund) in micro-credits to the current request. */
export function noteCharge(micro: number): void {
  const entry = current.getStore();
  if (entry) entry.creditMicro += micro;
}

/** Records the status and error message answered to the current request. */
export function noteOutcome(status: number, error?: string): void {
  const entry = current.getStore();
  if (!entry) return;
  entry.status = status;
  if (error !== undefined) entry.error = error;
}
