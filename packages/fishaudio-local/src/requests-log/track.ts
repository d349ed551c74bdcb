import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal } from "../store/accounts.js";
import { PLAYABLE_AUDIO } from "./audio-clips.js";
import type { BinarySummary, RequestEntry } from "./entry.js";
import type { RequestLog } from "./log.js";
import { sniffKind, summarizeBody } from "./summarize.js";

/** A request being logged: its entry, and the log (whose audio store its clips go to). */
export interface TrackedRequest {
  entry: RequestEntry;
  log: RequestLog;
}

// The entry of the request being handled, so that the authenticator, the body readers and the
// billing code can add to it without every route passing it along.
const current = new AsyncLocalStorage<TrackedRequest>();

/**
 * Starts logging `req` in `log`; the entry is completed when the response (or, for a
 * WebSocket upgrade, the socket) closes. Audio answered is kept in `log.clips` while it fits.
 * @example const tracked = trackRequest(log, req, res, requestId);
 */
export function trackRequest(
  log: RequestLog,
  req: IncomingMessage,
  res: ServerResponse | undefined,
  requestId: string,
): TrackedRequest {
  const url = new URL(req.url ?? "/", "http://localhost");
  const model = req.headers.model;
  const entry = log.begin({
    id: requestId,
    time: new Date().toISOString(),
    method: res ? (req.method ?? "GET") : "WS",
    path: url.pathname,
    query: withoutKeys(url.searchParams),
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
  const tracked = { entry, log };
  // "close" also comes for a client that went away before the end ("finish" never does).
  if (res) {
    const audio = captureAudio(res, log);
    res.once("close", () => {
      end(res.statusCode);
      entry.responseAudio = audio.finish(tracked, res.writableFinished && res.statusCode < 300);
    });
  } else socket.once("close", () => end(entry.status || 101));
  return tracked;
}

/**
 * Copies what is written to `res` while its Content-Type is audio, reserving every chunk in
 * `log.clips` first (so captures in flight count against the same budget), and gives up, freeing
 * what it reserved, once a chunk does not fit.
 */
function captureAudio(res: ServerResponse, log: RequestLog) {
  const parts: Uint8Array[] = [];
  let size = 0;
  let kept = 0;
  let head = new Uint8Array(0);
  let audio: boolean | undefined;
  const take = (chunk: unknown) => {
    if (!(chunk instanceof Uint8Array || typeof chunk === "string") || chunk.length === 0) return;
    audio ??= String(res.getHeader("content-type") ?? "").startsWith("audio/");
    if (!audio) return;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (size === 0) head = bytes.slice(0, 16);
    size += bytes.length;
    if (kept < 0) return;
    if (!log.clips.reserve(bytes.length)) {
      log.clips.release(kept);
      parts.length = 0;
      kept = -1;
      return;
    }
    kept += bytes.length;
    parts.push(Uint8Array.from(bytes));
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    take(chunk);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    take(chunk);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof res.end;
  return {
    /** The summary of the audio answered (null: none), its bytes kept as a clip when whole. */
    finish({ entry }: TrackedRequest, complete: boolean): BinarySummary | null {
      if (!audio || size === 0) return null;
      const kind = sniffKind(head);
      const summary: BinarySummary = { $binary: true, bytes: size, kind };
      if (kept <= 0) return summary;
      if (!complete || !(kind in PLAYABLE_AUDIO) || !log.holds(entry)) {
        log.clips.release(kept);
      } else {
        summary.clip = log.clips.commit(entry.id, entry.keyId, Buffer.concat(parts), kind);
      }
      parts.length = 0;
      return summary;
    },
  };
}

/**
 * Runs `fn` with `entry` as the current request, so the note* functions below reach it.
 * @example runTracked(entry, () => route(ctx, req, res));
 */
export function runTracked<T>(tracked: TrackedRequest | undefined, fn: () => T): T {
  return tracked ? current.run(tracked, fn) : fn();
}

/** Records who sent the current request (key id and user, never the key). */
export function notePrincipal(principal: Principal): void {
  const entry = current.getStore()?.entry;
  if (!entry) return;
  entry.keyId = principal.keyId;
  entry.userId = principal.user.id;
}

/**
 * Records the decoded body of the current request, audio replaced by its size; playable audio is
 * kept apart in the log's clip store, as the key's, while it fits.
 */
export function noteBody(body: unknown): void {
  const tracked = current.getStore();
  if (!tracked) return;
  const { entry, log } = tracked;
  entry.body = summarizeBody(body, (bytes, kind) =>
    log.holds(entry) ? log.clips.keep(entry.id, entry.keyId, bytes, kind) : undefined,
  );
}

/** Adds a charge (negative: a refund) in micro-credits to the current request. */
export function noteCharge(micro: number): void {
  const entry = current.getStore()?.entry;
  if (entry) entry.creditMicro += micro;
}

/** Records the status and error message answered to the current request. */
export function noteOutcome(status: number, error?: string): void {
  const entry = current.getStore()?.entry;
  if (!entry) return;
  entry.status = status;
  if (error !== undefined) entry.error = error;
}

/** Query parameters that carry an API key (the compatibility sockets take one in the URL). */
const KEY_PARAMS = /^(xi_)?api_key$/i;

/** The query as logged: a key sent in the URL is never kept, only that one was sent. */
function withoutKeys(params: URLSearchParams): Record<string, string> {
  const query = Object.fromEntries(params);
  for (const name of Object.keys(query)) if (KEY_PARAMS.test(name)) query[name] = "[redacted]";
  return query;
}
