import { WebSocketError } from "../core/error.js";
import { parseServerFrame } from "./frames.js";
import {
  CLOSED,
  type EarlyEvent,
  errorText,
  type NodeSocketExtras,
  nodeExtras,
  type WebSocketLike,
} from "./socket.js";

// About 2 minutes of 128 kbps mp3 or 20 s of 44.1 kHz wav: plenty to ride out a slow reader,
// small enough that the garbage of a long stream stays modest.
export const DEFAULT_MAX_QUEUED_BYTES = 2 * 1024 * 1024;

export interface ReceiverOptions {
  /** Above this many unread bytes the socket stops reading (where it can) until half is read. */
  maxQueuedBytes: number;
  /** Called once when the stream's outcome is known (finish, error, close), before it is read. */
  onSettled?: () => void;
  /** Events the socket emitted before this receiver existed; replayed first, in order. */
  earlyEvents?: EarlyEvent[];
  /** A larger server message ends the session with a WebSocketError (websocket.maxMessageSize). */
  maxMessageSize?: number;
}

type Outcome = { error: Error | undefined };

/**
 * Turns the server's frames into a pull-based stream of audio chunks. Audio waits in a queue
 * bounded by bytes: when the reader falls behind, `ws` sockets are paused so the kernel's
 * receive window, not this process, holds the backlog.
 * @example const { value, done } = await new AudioReceiver(ws, { maxQueuedBytes: 1 << 23 }).next();
 */
export class AudioReceiver implements AsyncIterator<Uint8Array> {
  /** Frames received so far (keepalive counts each as a sign of life). */
  framesReceived = 0;

  readonly #ws: WebSocketLike;
  readonly #extras: NodeSocketExtras | undefined;
  readonly #maxQueuedBytes: number;
  readonly #onSettled: (() => void) | undefined;
  readonly #maxMessageSize: number | undefined;

  #queue: (Uint8Array | undefined)[] = [];
  #head = 0;
  #queuedBytes = 0;
  #paused = false;
  /** How the stream ends once the queue is read (finish, close, server error). */
  #outcome: Outcome | undefined;
  /** An error that ends the stream at once, dropping queued audio (abort, input failure). */
  #abortError: Error | undefined;
  #wake: (() => void) | undefined;
  #attached = false;
  /** Blob frames must be read asynchronously; later frames wait behind them to keep order. */
  #pendingBlobs: Promise<void> | undefined;

  constructor(ws: WebSocketLike, options: ReceiverOptions) {
    this.#ws = ws;
    this.#extras = nodeExtras(ws);
    this.#maxQueuedBytes = Math.max(1, options.maxQueuedBytes);
    this.#onSettled = options.onSettled;
    this.#maxMessageSize = options.maxMessageSize;
    ws.addEventListener("message", this.#onMessage);
    ws.addEventListener("close", this.#onClose);
    ws.addEventListener("error", this.#onError);
    this.#attached = true;
    for (const early of options.earlyEvents ?? []) {
      if (early.type === "message") this.#onMessage(early.event);
      else this.#onClose(early.event);
    }
    if (ws.readyState === CLOSED) {
      this.#settle(new WebSocketError("The WebSocket is already closed; no audio can arrive."));
    }
  }

  /** True while the socket is paused because the reader is behind (no frames, no pongs). */
  get paused(): boolean {
    return this.#paused;
  }

  /** True once the outcome is known, even if audio is still queued. */
  get settled(): boolean {
    return this.#outcome !== undefined || this.#abortError !== undefined;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      if (this.#abortError) throw this.#abortError;
      if (this.#head < this.#queue.length) return { done: false, value: this.#shift() };
      if (this.#outcome) {
        this.detach();
        if (this.#outcome.error) throw this.#outcome.error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.detach();
    this.#clearQueue();
    this.#outcome ??= { error: undefined };
    this.#signal(); // a next() still waiting for audio ends too
    return { done: true, value: undefined };
  }

  /** Ends the stream now with `error`, without delivering the audio still queued. */
  fail(error: Error): void {
    if (this.#abortError) return;
    // A caller-side failure also overrides a server outcome whose audio is still queued.
    const wasSettled = this.settled;
    this.#abortError = error;
    this.#clearQueue();
    this.detach();
    if (!wasSettled) this.#notifySettled();
    this.#signal();
  }

  /** Stops listening and lets the socket read again (so a closing handshake can complete). */
  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    this.#ws.removeEventListener("message", this.#onMessage);
    this.#ws.removeEventListener("close", this.#onClose);
    this.#ws.removeEventListener("error", this.#onError);
    this.#setPaused(false);
  }

  #onMessage = (event: { data?: unknown }): void => {
    if (this.settled) return;
    this.framesReceived++;
    const data = event?.data;
    if (typeof data === "string") return; // text frames are not part of the protocol: ignored
    const size = messageSize(data);
    if (this.#maxMessageSize !== undefined && size > this.#maxMessageSize) {
      this.#settle(tooLarge(size, this.#maxMessageSize));
      return;
    }
    if (typeof Blob !== "undefined" && data instanceof Blob) {
      const previous = this.#pendingBlobs ?? Promise.resolve();
      const read = previous
        .then(() => data.arrayBuffer())
        .then(
          (buffer) => this.#handleFrame(new Uint8Array(buffer)),
          (cause) =>
            this.#settle(new WebSocketError("Could not read a WebSocket frame.", { cause })),
        );
      this.#pendingBlobs = read;
      read.then(() => {
        if (this.#pendingBlobs === read) this.#pendingBlobs = undefined;
      });
      return;
    }
    const bytes = toBytes(data);
    if (!bytes) return;
    if (this.#pendingBlobs)
      this.#pendingBlobs = this.#pendingBlobs.then(() => this.#handleFrame(bytes));
    else this.#handleFrame(bytes);
  };

  #onClose = (event: { code?: number; reason?: string }): void => {
    const settle = () => {
      const code = event?.code;
      const reason = event?.reason ? String(event.reason) : undefined;
      // 1009: `ws` refused a message over its maxPayload (our maxMessageSize).
      if (code === 1009 && this.#maxMessageSize !== undefined) {
        this.#settle(tooLarge(undefined, this.#maxMessageSize));
        return;
      }
      this.#settle(
        new WebSocketError(
          `The WebSocket closed before the server sent "finish" (code ${code ?? "unknown"}${reason ? `: ${reason}` : ""}).`,
          { code, serverMessage: reason },
        ),
      );
    };
    // A close right behind a Blob frame must not overtake that frame's finish event.
    if (this.#pendingBlobs) this.#pendingBlobs.then(settle);
    else settle();
  };

  #onError = (event: { error?: unknown; message?: unknown }): void => {
    const cause = event?.error ?? event;
    if (this.#maxMessageSize !== undefined && /max payload size/i.test(errorText(cause))) {
      this.#settle(tooLarge(undefined, this.#maxMessageSize));
      return;
    }
    this.#settle(new WebSocketError(`WebSocket error: ${errorText(cause)}`, { cause }));
  };

  #handleFrame(bytes: Uint8Array): void {
    if (this.settled) return;
    let event: ReturnType<typeof parseServerFrame>;
    try {
      event = parseServerFrame(bytes);
    } catch (error) {
      this.#settle(error as Error);
      return;
    }
    if (event.type === "audio") {
      if (event.audio.byteLength > 0) this.#push(event.audio);
    } else if (event.type === "finish") {
      if (event.reason === "stop") {
        this.#settle(undefined);
      } else {
        const detail = event.message ? `: ${event.message}` : "";
        this.#settle(
          new WebSocketError(
            `The server ended the realtime session with "${event.reason}"${detail}`,
            {
              reason: event.reason,
              serverMessage: event.message,
            },
          ),
        );
      }
    }
  }

  #push(chunk: Uint8Array): void {
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.byteLength;
    if (this.#queuedBytes > this.#maxQueuedBytes) this.#setPaused(true);
    this.#signal();
  }

  #shift(): Uint8Array {
    const chunk = this.#queue[this.#head]!;
    this.#queue[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#queuedBytes -= chunk.byteLength;
    if (this.#paused && this.#queuedBytes <= this.#maxQueuedBytes / 2) this.#setPaused(false);
    return chunk;
  }

  #clearQueue(): void {
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
  }

  #setPaused(paused: boolean): void {
    if (!this.#extras || this.#paused === paused) return;
    // After the socket is gone there is nothing to pause; `ws` ignores the call then anyway.
    if (paused && !this.#attached) return;
    this.#paused = paused;
    if (paused) this.#extras.pause();
    else this.#extras.resume();
  }

  #settle(error: Error | undefined): void {
    if (this.settled) return;
    this.#outcome = { error };
    // Nothing more will be read from the socket: let it drain so its close can complete.
    this.#ws.removeEventListener("message", this.#onMessage);
    this.#setPaused(false);
    this.#notifySettled();
    this.#signal();
  }

  #notifySettled(): void {
    const callback = this.#onSettled;
    if (!callback) return;
    try {
      callback();
    } catch {
      // The owner's bookkeeping must not break delivery of the outcome.
    }
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** The bytes of a binary message, whatever container the implementation delivers. */
function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data) && data.every((part) => part instanceof Uint8Array)) {
    // `ws` with binaryType "fragments" hands over the frame's pieces.
    const size = data.reduce((sum: number, part: Uint8Array) => sum + part.byteLength, 0);
    const out = new Uint8Array(size);
    let offset = 0;
    for (const part of data as Uint8Array[]) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
  return undefined;
}

function messageSize(data: unknown): number {
  if (typeof Blob !== "undefined" && data instanceof Blob) return data.size;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (Array.isArray(data))
    return data.reduce((n: number, part: Uint8Array) => n + part.byteLength, 0);
  return 0;
}

function tooLarge(size: number | undefined, limit: number): WebSocketError {
  const got = size === undefined ? "a message" : `a ${size}-byte message`;
  return new WebSocketError(
    `The server sent ${got} over the ${limit}-byte limit (websocket.maxMessageSize); the session was closed. Raise the limit to accept larger audio frames.`,
  );
}
