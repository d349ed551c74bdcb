import type { RequestSpec } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { AudioStream } from "../core/audio-stream.js";
import { ValidationError } from "../core/error.js";
import { APIResource } from "../core/resource.js";
import { TimestampStream } from "../core/timestamp-stream.js";
import type { Uploadable } from "../core/uploads.js";
import type { RequestOptions } from "../internal/request-options.js";
import { checkInt, checkNumber, checkString } from "../internal/validation.js";
import {
  checkDialogue,
  encodeStartFrame,
  encodeTTSRequest,
  loadReferences,
  resolveTTS,
} from "../internal/wire/tts.js";
import { type FlushEvent, streamLive, type TextEvent } from "../realtime/index.js";

/**
 * The TTS backend, sent as the `model` header. Any string is passed through. The live API's
 * current models are the S2 family (`s2.1-pro`, its default; `s2.1-pro-free`; `s2-pro`) and
 * `s1`; the older names are kept for code written against earlier SDKs (the service falls back
 * to `s2.1-pro` for names it does not know).
 */
export type Model =
  | "s2.1-pro"
  | "s2.1-pro-free"
  | "s2-pro"
  | "s1"
  | "s1-mini"
  | "speech-1.6"
  | "speech-1.5"
  | "agent-x0"
  | (string & {});
export type AudioFormat = "wav" | "pcm" | "mp3" | "opus";
export type LatencyMode = "normal" | "balanced" | "low";

/** Speaking rate and loudness. Unset members default to speed 1.0 and volume 0. */
export interface Prosody {
  /** 0.5..2.0 */
  speed?: number;
  /** Decibels, -20..20. */
  volume?: number;
  /** Even out perceived loudness (S2 family; the server's default is true). Sent only when set. */
  normalizeLoudness?: boolean;
}

/** A sample of the voice to imitate, with its transcript. */
export interface ReferenceAudio {
  audio: Uploadable;
  text: string;
}

/** Synthesis settings; every member is optional and defaults as the Python SDK 1.3 sends it. */
export interface TTSConfig {
  /** Default "mp3". */
  format?: AudioFormat;
  /** Hz; the server picks when unset (44100, or 48000 for opus). */
  sampleRate?: number;
  /** Default 128. */
  mp3Bitrate?: 64 | 128 | 192;
  /** kbps, -1000 for automatic. Default 32. */
  opusBitrate?: -1000 | 24 | 32 | 48 | 64;
  /** Default true. */
  normalize?: boolean;
  /** Characters per synthesis chunk, 100..300. Default 200. */
  chunkLength?: number;
  /** Default "balanced". */
  latency?: LatencyMode;
  /**
   * A voice id (from `voices.list` or `voices.create`), or for dialogue one id per speaker, with
   * `<|speaker:N|>` markers in the text (S2 models).
   */
  referenceId?: string | string[];
  /** Inline voice samples, used instead of a stored voice; for dialogue, one list per speaker. */
  references?: ReferenceAudio[] | ReferenceAudio[][];
  prosody?: Prosody;
  /** 0..1, default 0.7. */
  topP?: number;
  /** 0..1, default 0.7. */
  temperature?: number;
  /** Default 1024. */
  maxNewTokens?: number;
  /** Default 1.2. */
  repetitionPenalty?: number;
  /** 0..100, default 50. */
  minChunkLength?: number;
  /** Default true. */
  conditionOnPreviousChunks?: boolean;
  /** 0..1, default 1.0. */
  earlyStopThreshold?: number;
  /** Request-scoped feature flags, e.g. `["quality-guard"]`. Sent only when set. */
  features?: string[];
}

/** Shorthands that override the matching config fields when given. */
export interface TTSOverrides {
  /** One voice id, or one per speaker for `<|speaker:N|>` dialogue. */
  referenceId?: string | string[];
  /** Inline samples, or one list of samples per speaker for dialogue. */
  references?: ReferenceAudio[] | ReferenceAudio[][];
  format?: AudioFormat;
  latency?: LatencyMode;
  /** Sets prosody speed and keeps the config's prosody volume. */
  speed?: number;
}

export interface TTSConvertParams extends TTSOverrides {
  /** The text to speak. */
  text: string;
  config?: TTSConfig;
  /** Default "s2.1-pro", the live API's own default. */
  model?: Model;
}

export interface TTSStreamWebsocketParams extends TTSOverrides {
  config?: TTSConfig;
  /** Default "s2.1-pro", the live API's own default. */
  model?: Model;
  /** Aborting it closes the socket and ends the stream with APIUserAbortError. */
  signal?: AbortSignal;
  /** Keepalive and message-size settings of the socket (the Python SDK's `WebSocketOptions`). */
  websocket?: WebSocketOptions;
}

/**
 * Socket settings of `streamWebsocket`, as the Python SDK 1.3's `WebSocketOptions` offers them
 * (milliseconds here, seconds there). Keepalive pings need the `ws` package (Node); other
 * WebSocket implementations cannot ping, and ignore the two ping settings.
 */
export interface WebSocketOptions {
  /** Milliseconds between keepalive pings; 0 turns them off. Default 20 000. */
  pingInterval?: number;
  /** Milliseconds without a pong or any frame after which the socket counts as dead. Default 60 000. */
  pingTimeout?: number;
  /** Largest message accepted from the server, in bytes; a larger one ends the stream with WebSocketError. */
  maxMessageSize?: number;
}

/** What `streamWebsocket` accepts as text input. */
export type TextStream =
  | Iterable<string | TextEvent | FlushEvent>
  | AsyncIterable<string | TextEvent | FlushEvent>;

/**
 * What the live API uses when no model header is sent. (The Python SDK 1.3 sends "s2-pro".)
 */
const DEFAULT_MODEL = "s2.1-pro";

/** Text to speech: `client.tts`. */
export class TTS extends APIResource {
  /**
   * Synthesises `text`; resolves when the response headers arrive, then streams the audio.
   * @example
   * const audio = await client.tts.convert({ text: "Hello!", format: "wav" });
   * for await (const chunk of audio) out.write(chunk);
   */
  convert(params: TTSConvertParams, options?: RequestOptions): APIPromise<AudioStream> {
    return this._client.requestStream(ttsSpec("/v1/tts", params), options);
  }

  /**
   * Synthesises `text` with word timestamps: resolves when the response headers arrive, then
   * yields events (audio bytes plus the alignment snapshot of their chunk) as they are parsed.
   * Same parameters, timeouts, retries and errors as `convert`.
   * @example
   * const stream = await client.tts.convertWithTimestamps({ text: "Hello world." });
   * const { audio, words } = await stream.collect();
   */
  convertWithTimestamps(
    params: TTSConvertParams,
    options?: RequestOptions,
  ): APIPromise<TimestampStream> {
    const spec = ttsSpec("/v1/tts/stream/with-timestamp", params).then((s) => ({
      ...s,
      headers: { ...(s.headers as Record<string, string>), Accept: "text/event-stream" },
    }));
    return this._client
      .requestStream(spec, options)
      ._thenUnwrap((audio) => new TimestampStream(audio, options?.signal));
  }

  /**
   * Realtime synthesis over WebSocket: text chunks in, audio chunks out as they are ready.
   * @example
   * const live = client.tts.streamWebsocket(["Hello ", "world."], { format: "mp3" });
   * for await (const chunk of live) speaker.write(chunk);
   */
  streamWebsocket(textStream: TextStream, params: TTSStreamWebsocketParams = {}): AudioStream {
    if (
      textStream === null ||
      typeof textStream !== "object" ||
      !(Symbol.iterator in textStream || Symbol.asyncIterator in textStream)
    ) {
      throw new ValidationError(
        "textStream",
        "must be an Iterable or AsyncIterable of strings, TextEvent or FlushEvent objects.",
      );
    }
    const model = checkString("model", params.model ?? DEFAULT_MODEL, { nonEmpty: true });
    const resolved = resolveTTS(params.config, params);
    checkDialogue(resolved, model);
    const socket = checkWebSocketOptions(params.websocket);
    const live = {
      ...socket,
      url: this.#websocketURL("/v1/tts/live"),
      input: textStream,
      signal: params.signal,
      // The upgrade response plays the part of HTTP's response headers: same bound.
      connectTimeout: this._client.timeout,
      // Where the WebSocket hides why the upgrade failed, one HTTP call on the same key tells.
      probe: () =>
        this._client.requestJSON(
          { method: "GET", path: "/wallet/self/api-credit" },
          { maxRetries: 0, signal: params.signal },
        ),
    };
    const headers = () => this._client.buildHeaders({ model });
    // Settings were validated above; references (bytes, Blob or stream) are read when the
    // stream is first read, and the start frame is encoded then.
    return streamLiveLater(async () => {
      const startFrame = encodeStartFrame(resolved, await loadReferences(resolved.references));
      return streamLive({ ...live, startFrame, headers: await headers() });
    });
  }

  /** ws(s)://host[/prefix]/path from the client's http(s) base URL. */
  #websocketURL(path: string): string {
    const url = new URL(this._client.buildURL(path));
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.toString();
  }
}

async function ttsSpec(path: string, params: TTSConvertParams): Promise<RequestSpec> {
  const text = checkString("text", params?.text, { nonEmpty: true });
  const model = checkString("model", params.model ?? DEFAULT_MODEL, { nonEmpty: true });
  const resolved = resolveTTS(params.config, params);
  checkDialogue(resolved, model, text);
  const references = await loadReferences(resolved.references);
  return {
    method: "POST",
    path,
    body: encodeTTSRequest(text, resolved, references),
    headers: { model },
  };
}

function streamLiveLater(open: () => Promise<AudioStream>): AudioStream {
  async function* deferred(): AsyncGenerator<Uint8Array> {
    yield* await open();
  }
  return new AudioStream(deferred());
}

function checkWebSocketOptions(options: WebSocketOptions | undefined): {
  pingInterval?: number;
  pongTimeout?: number;
  maxMessageSize?: number;
} {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object") {
    throw new ValidationError("websocket", "must be an object of WebSocketOptions.");
  }
  const out: { pingInterval?: number; pongTimeout?: number; maxMessageSize?: number } = {};
  if (options.pingInterval !== undefined) {
    out.pingInterval = checkNumber("websocket.pingInterval", options.pingInterval, 0);
  }
  if (options.pingTimeout !== undefined) {
    out.pongTimeout = checkNumber("websocket.pingTimeout", options.pingTimeout, 1);
  }
  if (options.maxMessageSize !== undefined) {
    out.maxMessageSize = checkInt("websocket.maxMessageSize", options.maxMessageSize, 1);
  }
  return out;
}
