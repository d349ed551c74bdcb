import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { HttpError } from "./errors.js";

/**
 * The bytes of request bodies (and unfinished WebSocket messages) held while they arrive, across
 * every connection, and how long one may stall. Without it each unfinished upload kept up to
 * maxBodyBytes until Node's 300 s request timeout, with no bound on how many did.
 */
export class BodyBudget {
  private held = 0;

  /**
   * @example new BodyBudget(128 * 1024 * 1024, 10_000)
   */
  constructor(
    /** Most bytes held by bodies in flight at once, server-wide. */
    readonly limitBytes: number,
    /** A body that sends nothing for this long is dropped (408). */
    readonly idleMs: number,
  ) {}

  /** Bytes held right now. */
  get bytesHeld(): number {
    return this.held;
  }

  /** Counts `n` more bytes held; false, counting nothing, when that would pass the limit. */
  take(n: number): boolean {
    if (this.held + n > this.limitBytes) return false;
    this.held += n;
    return true;
  }

  /** Gives back `n` bytes. */
  release(n: number): void {
    this.held = Math.max(0, this.held - n);
  }

  /**
   * The answer to a body that does not fit: the server's limit, not the client's mistake. One
   * refused from its declared length closes the connection rather than read what follows.
   */
  busy(fromHeaders = false): HttpError {
    return new HttpError(
      503,
      `The server is receiving too many uploads at once (at most ${mib(this.limitBytes)} in flight); retry in a few seconds`,
      fromHeaders ? { "Retry-After": "2", Connection: "close" } : { "Retry-After": "2" },
    );
  }

  /** The answer to a body that stopped arriving. */
  stalled(): HttpError {
    return new HttpError(
      408,
      `The request body stopped arriving (nothing for ${this.idleMs / 1000} s); send it again without pausing`,
      { Connection: "close" },
    );
  }
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}

const budgets = new WeakMap<IncomingMessage, BodyBudget>();

/**
 * Puts a request's body under `budget`: the body readers (readBody, readMultipart) count what
 * they buffer against it and drop the body when it stalls.
 * @example governBody(req, ctx.bodyBudget);
 */
export function governBody(req: IncomingMessage, budget: BodyBudget): void {
  budgets.set(req, budget);
}

/** What a body reader reports to the budget; `fail` receives the error that ends the read. */
export interface BodyWatch {
  /** `n` more bytes buffered; false when the body must be dropped (`fail` was called). */
  add(n: number): boolean;
  /** The read is over (whatever the outcome): stop the timer and give the bytes back. */
  done(): void;
}

/**
 * Starts watching one body being read: refuses it at once when its declared length does not fit
 * what is left of the budget, counts its bytes, and calls `fail` when the budget is spent or the
 * body stalls. A request that is not governed (a reader used on its own) is not limited.
 * @example const watch = watchBody(req, reject); req.on("data", (c) => watch.add(c.length));
 */
export function watchBody(req: IncomingMessage, fail: (error: HttpError) => void): BodyWatch {
  const budget = budgets.get(req);
  if (!budget) return { add: () => true, done: () => {} };
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > budget.limitBytes - budget.bytesHeld) throw budget.busy(true);
  let held = 0;
  let over = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => end(budget.stalled()), budget.idleMs);
    timer.unref();
  };
  const end = (error: HttpError) => {
    if (over) return;
    watch.done();
    fail(error);
  };
  const watch: BodyWatch = {
    add(n) {
      if (over) return false;
      if (!budget.take(n)) {
        end(budget.busy());
        return false;
      }
      held += n;
      arm();
      return true;
    },
    done() {
      over = true;
      clearTimeout(timer);
      budget.release(held);
      held = 0;
    },
  };
  arm();
  return watch;
}

/**
 * Holds a WebSocket's unfinished messages to the same budget: bytes received since the last
 * complete message count against it (1013 when they do not fit), and a message that stops
 * arriving halfway closes the socket (1008). A socket idle between messages, or paused by the
 * server itself (backpressure), is left alone.
 * @example wss.handleUpgrade(req, socket, head, (ws) => { watchFrames(budget, ws, socket); … });
 */
export function watchFrames(budget: BodyBudget, ws: WebSocket, socket: Duplex): void {
  let held = 0;
  let timer: NodeJS.Timeout | undefined;
  const settle = () => {
    clearTimeout(timer);
    timer = undefined;
    budget.release(held);
    held = 0;
  };
  const drop = (code: number, reason: string) => {
    settle();
    socket.off("data", onData);
    if (ws.readyState === ws.OPEN) ws.close(code, reason);
    // Nothing more is read (ws would go on buffering the rest of the message while the close
    // handshake runs); the peer has a second to read the close frame, then is cut off.
    socket.pause();
    setTimeout(() => ws.terminate(), 1000).unref();
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (socket.isPaused()) arm();
      else drop(1008, "the message stopped arriving; send each message without pausing");
    }, budget.idleMs);
    timer.unref();
  };
  const onData = (chunk: Buffer) => {
    if (!budget.take(chunk.length)) {
      drop(1013, "the server is receiving too much at once; retry in a few seconds");
      return;
    }
    held += chunk.length;
    arm();
  };
  // Counted before ws parses the chunk, so a message it completes is settled right after. A
  // chunk that ends one message and starts the next forgets that start (at most one chunk).
  socket.prependListener("data", onData);
  ws.on("message", settle);
  ws.on("ping", settle);
  ws.on("pong", settle);
  ws.once("close", () => {
    settle();
    socket.off("data", onData);
  });
}
