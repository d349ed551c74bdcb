import { AudioStream } from "../core/audio-stream.js";
import { APIUserAbortError, ValidationError, WebSocketError } from "../core/error.js";
import { encodeInputItem, type LiveInputItem, STOP_FRAME } from "./frames.js";
import { AudioReceiver, DEFAULT_MAX_QUEUED_BYTES } from "./receiver.js";
import { type CreditProbe, explainFailedUpgrade } from "./refusal.js";
import {
  CLOSED,
  connect,
  currentEnvironment,
  type NodeSocketExtras,
  nodeExtras,
  OPEN,
  resolveWebSocket,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./socket.js";

/** The caller's text: plain strings, text events and flush events, sync or async. */
export type LiveInput = Iterable<LiveInputItem> | AsyncIterable<LiveInputItem>;

export interface LiveSessionOptions {
  /** ws:// or wss:// URL of /v1/tts/live. */
  url: string;
  /** Sent on the upgrade request: Authorization, User-Agent, model, … */
  headers: Record<string, string>;
  /** The complete encoded `start` event, sent as the first frame. */
  startFrame: Uint8Array;
  /** Text to speak; each item is sent as soon as the iterator produces it. */
  input: LiveInput;
  /** Aborting closes the socket and rejects the stream with APIUserAbortError. */
  signal?: AbortSignal;
  /** Milliseconds to wait for the upgrade (default 30 000). */
  connectTimeout?: number;
  /** Milliseconds between keepalive pings where the implementation can ping (default 20 000; 0 = off). */
  pingInterval?: number;
  /** The connection counts as dead after this long without a pong or any frame (default 60 000). */
  pongTimeout?: number;
  /** Largest message accepted from the server, in bytes (default: no limit of the SDK's own). */
  maxMessageSize?: number;
  /** Unread audio bytes above which the socket stops reading (default 2 MiB). */
  maxQueuedBytes?: number;
  /** Outgoing bytes buffered in the socket above which the input is no longer pulled (default 1 MiB). */
  maxBufferedSendBytes?: number;
  /** Milliseconds to wait for the closing handshake before dropping the socket (default 2 000). */
  closeTimeout?: number;
  /**
   * Asks the API over HTTP with the same key when the upgrade fails and the WebSocket hides
   * the status (Node 22+, Bun, Deno), so that a bad key is an AuthenticationError everywhere.
   */
  probe?: CreditProbe;
  /** The WebSocket class to use instead of `ws` / the global one (tests, custom agents). */
  WebSocket?: WebSocketConstructor;
}

const DEFAULTS = {
  connectTimeout: 30_000,
  pingInterval: 20_000,
  pongTimeout: 60_000,
  maxBufferedSendBytes: 1024 * 1024,
  closeTimeout: 2_000,
};

/**
 * Opens a realtime TTS session when iteration starts: sends the start frame, streams the input
 * as text/flush frames while yielding audio as it arrives, and ends at the server's `finish`.
 *
 * @example
 * const audio = streamLive({ url: "wss://api.fish.audio/v1/tts/live", headers, startFrame, input: ["Hi"] });
 * for await (const chunk of audio) speaker.write(chunk);
 */
export function streamLive(options: LiveSessionOptions): AudioStream {
  if (!/^wss?:\/\//i.test(options.url)) {
    throw new ValidationError("url", `expected a ws:// or wss:// URL, got "${options.url}"`);
  }
  if (!(options.startFrame instanceof Uint8Array) || options.startFrame.byteLength === 0) {
    throw new ValidationError(
      "startFrame",
      "expected the encoded start event as a non-empty Uint8Array",
    );
  }
  const input = options.input as unknown;
  if (typeof input === "string") {
    throw new ValidationError(
      "input",
      "expected an iterable of text chunks, got a single string; pass [text] to speak one string",
    );
  }
  if (
    !input ||
    (typeof (input as Iterable<unknown>)[Symbol.iterator] !== "function" &&
      typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function")
  ) {
    throw new ValidationError("input", "expected an iterable or async iterable of text");
  }
  let used = false;
  return new AudioStream({
    [Symbol.asyncIterator]: () => {
      if (used) throw new WebSocketError("A live session can be iterated only once.");
      used = true;
      return new LiveSession(options);
    },
  });
}

/**
 * One socket, one start→stop round; the iterator the AudioStream reads from. Internal: exported
 * for tests that need to call `return()` while a `next()` is still pending.
 * @example const session = new LiveSession(options); await session.next();
 */
export class LiveSession implements AsyncIterator<Uint8Array> {
  readonly #options: LiveSessionOptions;
  #started: Promise<void> | undefined;
  #ws: WebSocketLike | undefined;
  #extras: NodeSocketExtras | undefined;
  #receiver: AudioReceiver | undefined;
  #closed: Promise<void> = Promise.resolve();
  #input: Iterator<LiveInputItem> | AsyncIterator<LiveInputItem> | undefined;
  #inputDone = false;
  #stopped = false;
  #shutdown: Promise<void> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongs = 0;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #drainWake: (() => void) | undefined;
  /** Ends a pending upgrade when the caller stops before the socket is open. */
  readonly #cancelConnect = new AbortController();

  constructor(options: LiveSessionOptions) {
    this.#options = options;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    this.#started ??= this.#start();
    await this.#started;
    const receiver = this.#receiver;
    if (!receiver) return { done: true, value: undefined };
    try {
      const result = await receiver.next();
      if (result.done) await this.#close();
      return result;
    } catch (error) {
      await this.#close();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.#stopped = true;
    this.#cancelConnect.abort();
    // The caller stopped reading: drop queued audio and close now, mid-connect included.
    await this.#receiver?.return();
    await this.#started?.catch(() => undefined);
    await this.#close();
    return { done: true, value: undefined };
  }

  async #start(): Promise<void> {
    const options = this.#options;
    const WebSocket = options.WebSocket ?? (await resolveWebSocket(currentEnvironment()));
    const { ws, takeEarlyEvents } = await connect({
      url: options.url,
      headers: options.headers,
      WebSocket,
      connectTimeout: options.connectTimeout ?? DEFAULTS.connectTimeout,
      signal: options.signal,
      cancel: this.#cancelConnect.signal,
      ...(options.probe
        ? { explain: (failure) => explainFailedUpgrade(failure, options.url, options.probe!) }
        : {}),
      ...(options.maxMessageSize !== undefined ? { maxMessageSize: options.maxMessageSize } : {}),
    });
    this.#ws = ws;
    this.#extras = nodeExtras(ws);
    this.#closed = new Promise((resolve) => {
      if (ws.readyState === CLOSED) resolve();
      else ws.addEventListener("close", () => resolve());
    });
    // Everything from here to the receiver's listeners runs without yielding, so no event can
    // slip between the early buffer and the receiver.
    this.#receiver = new AudioReceiver(ws, {
      earlyEvents: takeEarlyEvents(),
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      ...(options.maxMessageSize !== undefined ? { maxMessageSize: options.maxMessageSize } : {}),
      // Close as soon as the outcome is known, even if the reader is still behind.
      onSettled: () => void this.#close(),
    });
    if (this.#stopped) return;
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (options.signal?.aborted) {
      this.#onAbort();
      return;
    }
    this.#startKeepalive();
    this.#send(options.startFrame);
    void this.#pump();
  }

  /** Sends each input item as the caller produces it, then `stop`. */
  async #pump(): Promise<void> {
    try {
      const input = this.#options.input;
      const iterator =
        Symbol.asyncIterator in input
          ? input[Symbol.asyncIterator]()
          : (input as Iterable<LiveInputItem>)[Symbol.iterator]();
      this.#input = iterator;
      let sent = 0;
      for (;;) {
        const step = await iterator.next();
        if (this.#stopped) return;
        if (step.done) {
          this.#inputDone = true;
          this.#send(STOP_FRAME);
          return;
        }
        const frame = encodeInputItem(step.value);
        if (frame) this.#send(frame);
        await this.#drain();
        // An input that is always ready (an array, a buffered generator) would otherwise keep
        // the event loop busy with microtasks and starve the reading side.
        if (++sent % YIELD_EVERY === 0) await yieldToEventLoop();
        if (this.#stopped) return;
      }
    } catch (error) {
      // The caller's iterator threw (or yielded something unsendable): that is the stream's error.
      if (!this.#stopped) this.#receiver?.fail(asError(error));
    }
  }

  #send(frame: Uint8Array): void {
    const ws = this.#ws;
    // A socket that is no longer open ends the receiver, which reports why.
    if (!ws || ws.readyState !== OPEN) return;
    // Frames are never views of a SharedArrayBuffer; the cast only satisfies the DOM typing.
    ws.send(frame as Uint8Array<ArrayBuffer>);
  }

  /** Waits while the socket's send buffer is over its limit, so a fast input cannot bloat it. */
  async #drain(): Promise<void> {
    const limit = this.#options.maxBufferedSendBytes ?? DEFAULTS.maxBufferedSendBytes;
    while (!this.#stopped && (this.#ws?.bufferedAmount ?? 0) > limit) {
      await new Promise<void>((resolve) => {
        this.#drainWake = resolve;
        this.#drainTimer = setTimeout(resolve, 10);
      });
      this.#drainTimer = undefined;
      this.#drainWake = undefined;
    }
  }

  /**
   * Pings every `pingInterval`; the connection is dead after `pongTimeout` worth of consecutive
   * ticks in which neither a pong nor a frame arrived. Counting ticks instead of comparing
   * clocks keeps a stalled event loop (I/O not yet read) from looking like a silent server.
   */
  #startKeepalive(): void {
    const extras = this.#extras;
    const interval = this.#options.pingInterval ?? DEFAULTS.pingInterval;
    if (!extras || interval <= 0) return;
    const timeout = this.#options.pongTimeout ?? DEFAULTS.pongTimeout;
    extras.on("pong", this.#onPong);
    let silentTicks = 0;
    let seen = -1;
    this.#pingTimer = setInterval(() => {
      const heard = this.#pongs + (this.#receiver?.framesReceived ?? 0);
      // While reading is paused for a slow reader, pongs cannot arrive: silence means nothing.
      if (heard !== seen || this.#receiver?.paused) silentTicks = 0;
      else silentTicks++;
      seen = heard;
      if (timeout > 0 && silentTicks * interval >= timeout) {
        const span = timeout >= 1000 ? `${Math.round(timeout / 1000)} s` : `${timeout} ms`;
        this.#receiver?.fail(
          new WebSocketError(
            `The server did not answer keepalive pings for ${span}; the connection was dropped.`,
          ),
        );
        return;
      }
      try {
        extras.ping();
      } catch {
        // The socket is closing; the receiver reports the close.
      }
    }, interval);
  }

  #onPong = (): void => {
    this.#pongs++;
  };

  #onAbort = (): void => {
    const reason = this.#options.signal?.reason;
    const error = new APIUserAbortError("Realtime TTS was aborted.");
    if (reason !== undefined) (error as { cause?: unknown }).cause = reason;
    this.#receiver?.fail(error);
  };

  /** Stops everything this session started and waits (bounded) for the socket to close. */
  #close(): Promise<void> {
    this.#shutdown ??= this.#closeOnce();
    return this.#shutdown;
  }

  async #closeOnce(): Promise<void> {
    try {
      await this.#release();
    } catch {
      // Cleanup is best effort: the stream's outcome is already decided.
    }
  }

  async #release(): Promise<void> {
    this.#stopped = true;
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    this.#drainWake?.();
    this.#extras?.off("pong", this.#onPong);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#stopInput();
    const ws = this.#ws;
    if (!ws || ws.readyState === CLOSED) return;
    try {
      ws.close(1000);
    } catch {
      // Already closing.
    }
    let grace: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => {
      grace = setTimeout(resolve, this.#options.closeTimeout ?? DEFAULTS.closeTimeout);
    });
    await Promise.race([this.#closed, timedOut]);
    clearTimeout(grace);
    // The server never completed the closing handshake: drop the connection outright.
    if (ws.readyState !== CLOSED) this.#extras?.terminate();
  }

  /** Lets the caller's generator run its cleanup; a pending `next()` is simply abandoned. */
  #stopInput(): void {
    const input = this.#input;
    if (!input || this.#inputDone) return;
    this.#inputDone = true;
    try {
      const result = input.return?.();
      if (result && typeof (result as Promise<unknown>).then === "function") {
        (result as Promise<unknown>).then(undefined, ignore);
      }
    } catch {
      // The caller's cleanup failed; the session is over either way.
    }
  }
}

const YIELD_EVERY = 32;

function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  return new Promise((resolve) => {
    if (g.setImmediate) g.setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

function ignore(): void {}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
