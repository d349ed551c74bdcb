import { APIPromise, type Reply, type ReplyMode } from "./core/api-promise.js";
import { AudioStream } from "./core/audio-stream.js";
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  FishAudioError,
  ValidationError,
} from "./core/error.js";
import { Deadline } from "./internal/deadline.js";
import { readEnv } from "./internal/env.js";
import { type HeadersLike, mergeHeaders } from "./internal/headers.js";
import {
  describeHeaders,
  type Logger,
  type LogLevel,
  levelled,
  resolveLogLevel,
} from "./internal/log.js";
import { type Query, toSearchParams } from "./internal/qs.js";
import type { RequestOptions } from "./internal/request-options.js";
import { isRetryableStatus, mayHaveTakenEffect, retryDelayMs } from "./internal/retry.js";
import { sleep } from "./internal/sleep.js";
import { Account } from "./resources/account.js";
import { ASR } from "./resources/asr.js";
import { TTS } from "./resources/tts.js";
import { Voices } from "./resources/voices.js";
import { VERSION } from "./version.js";

/** The `fetch` the client calls; pass your own for proxies, instrumentation or tests. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** A function that returns the API key, called before every request (for rotating keys). */
export type ApiKeySource = () => string | Promise<string>;

/** Options of `new FishAudio(...)`. */
export interface ClientOptions {
  /** Defaults to the FISH_API_KEY environment variable. A function is called before each request. */
  apiKey?: string | ApiKeySource | undefined;
  /** Defaults to FISH_BASE_URL, else https://api.fish.audio. A path prefix is kept. */
  baseUrl?: string | undefined;
  /** Milliseconds for the response headers, then for each streamed chunk. Default 240 000. */
  timeout?: number | undefined;
  /** Retries on connection errors, 408, 409, 429 and 5xx. Default 2. */
  maxRetries?: number | undefined;
  /** A custom fetch implementation; defaults to the global one. */
  fetch?: Fetch | undefined;
  /** Headers merged into every request (HTTP and WebSocket handshake). */
  defaultHeaders?: HeadersLike | undefined;
  /** Query parameters added to every request (before the method's own and the per-request ones). */
  defaultQuery?: Query | undefined;
  /** Defaults to the FISH_LOG environment variable, else "warn". */
  logLevel?: LogLevel | undefined;
  /** Where log lines go. Default `console`. The API key is never logged. */
  logger?: Logger | undefined;
}

/** A request as the resources describe it; the client adds auth, retries and timeouts. */
export interface RequestSpec {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: Query;
  /** Bytes (msgpack), a FormData (multipart) or a URLSearchParams (form-urlencoded). */
  body?: Uint8Array | FormData | URLSearchParams;
  headers?: HeadersLike;
}

/**
 * A spec, or a promise of one: resources that must read uploads or validate first pass the
 * promise, so that their failures reject the call's promise like any other error.
 */
export type RequestSpecInput = RequestSpec | Promise<RequestSpec>;

const DEFAULT_BASE_URL = "https://api.fish.audio";
const DEFAULT_TIMEOUT_MS = 240_000;
const DEFAULT_MAX_RETRIES = 2;

/**
 * The Fish Audio API client: text to speech (HTTP and realtime), voices, speech to text and
 * account information, over one request pipeline with retries and timeouts.
 *
 * @example
 * const client = new FishAudio(); // reads FISH_API_KEY
 * const audio = await (await client.tts.convert({ text: "Hello!" })).collect();
 */
export class FishAudio {
  /** The key, or the function that supplies it (see `ClientOptions.apiKey`). */
  readonly apiKey: string | ApiKeySource;
  readonly baseUrl: string;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly logLevel: LogLevel;
  readonly tts: TTS;
  readonly voices: Voices;
  readonly account: Account;
  readonly asr: ASR;
  readonly #fetch: Fetch;
  readonly #defaultHeaders: HeadersLike | undefined;
  readonly #defaultQuery: Query | undefined;
  readonly #options: ClientOptions;
  readonly #log: ReturnType<typeof levelled>;
  /** Keys this client has sent, so that no log line can contain one. */
  readonly #keysSeen = new Set<string>();
  /** Auth and User-Agent merged once, when the key is a fixed string and there are no defaults. */
  readonly #fixedHeaders: Record<string, string> | undefined;

  /**
   * Creates a client; throws FishAudioError when no API key is given or found in FISH_API_KEY.
   * @example const client = new FishAudio({ apiKey: "…", timeout: 60_000, maxRetries: 3 });
   */
  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? readEnv("FISH_API_KEY");
    if (!apiKey) {
      throw new FishAudioError(
        "No API key: set the FISH_API_KEY environment variable or pass one with " +
          'new FishAudio({ apiKey: "…" }). Keys are at https://fish.audio/app/api-keys.',
      );
    }
    if (typeof apiKey !== "string" && typeof apiKey !== "function") {
      throw new ValidationError("apiKey", "must be a string or a function that returns one.");
    }
    this.apiKey = apiKey;
    if (typeof apiKey === "string") this.#keysSeen.add(apiKey);
    this.baseUrl = normaliseBaseUrl(
      options.baseUrl ?? readEnv("FISH_BASE_URL") ?? DEFAULT_BASE_URL,
    );
    this.timeout = checkTimeout("timeout", options.timeout ?? DEFAULT_TIMEOUT_MS);
    this.maxRetries = checkRetries("maxRetries", options.maxRetries ?? DEFAULT_MAX_RETRIES);
    if (!options.fetch && typeof globalThis.fetch !== "function") {
      throw new FishAudioError(
        "No fetch implementation: this runtime has no global fetch; pass one with new FishAudio({ fetch }).",
      );
    }
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#defaultHeaders = options.defaultHeaders;
    this.#defaultQuery = options.defaultQuery;
    // Default headers are read per request when given: the caller may change them later.
    this.#fixedHeaders =
      typeof apiKey === "string" && !options.defaultHeaders ? this.#headers(apiKey) : undefined;
    const logger = options.logger ?? console;
    this.logLevel = resolveLogLevel(options.logLevel, readEnv("FISH_LOG"), logger);
    this.#log = levelled(logger, this.logLevel, () => [...this.#keysSeen]);
    // Resolved values, so a derived client does not read the environment again.
    this.#options = {
      ...options,
      apiKey,
      baseUrl: this.baseUrl,
      timeout: this.timeout,
      maxRetries: this.maxRetries,
      fetch: this.#fetch,
      logLevel: this.logLevel,
      logger,
    };
    this.tts = new TTS(this);
    this.voices = new Voices(this);
    this.account = new Account(this);
    this.asr = new ASR(this);
  }

  /**
   * A new client with the same settings (key, base URL, fetch, headers, logger) except the
   * ones given; this client is unchanged.
   * @example const patient = client.withOptions({ timeout: 600_000, maxRetries: 5 });
   */
  withOptions(options: ClientOptions): FishAudio {
    const overrides = Object.fromEntries(
      Object.entries(options ?? {}).filter(([, value]) => value !== undefined),
    );
    return new FishAudio({ ...this.#options, ...overrides });
  }

  /**
   * The full URL of an API path, with query parameters serialised as the Python SDK does.
   * @example client.buildURL("/model", { page_size: 10 }) // "https://api.fish.audio/model?page_size=10"
   */
  buildURL(path: string, ...queries: (Query | undefined)[]): string {
    const url = new URL(this.baseUrl + path);
    const search = toSearchParams(this.#defaultQuery, ...queries).toString();
    if (search) url.search = search;
    return url.toString();
  }

  /**
   * The headers of every request (auth, User-Agent, defaults) merged with `extra` layers; the
   * key function, if the client has one, is called once.
   * @example const headers = await client.buildHeaders({ model: "s2-pro" });
   */
  async buildHeaders(...extra: (HeadersLike | undefined)[]): Promise<Record<string, string>> {
    return this.#headers(await this.#currentKey(), ...extra);
  }

  #headers(apiKey: string, ...extra: (HeadersLike | undefined)[]): Record<string, string> {
    return mergeHeaders(
      {
        Authorization: `Bearer ${apiKey}`,
        "User-Agent": `fish-audio/typescript/${VERSION}`,
      },
      this.#defaultHeaders,
      ...extra,
    );
  }

  async #currentKey(): Promise<string> {
    const source = this.apiKey;
    if (typeof source === "string") return source;
    let key: unknown;
    try {
      key = await source();
    } catch (cause) {
      throw new FishAudioError(`The apiKey function failed: ${describeCause(cause)}`, { cause });
    }
    if (typeof key !== "string" || !key.trim()) {
      throw new FishAudioError(
        `The apiKey function must return a non-empty string, got ${key === "" ? '""' : typeof key}.`,
      );
    }
    this.#keysSeen.add(key);
    return key;
  }

  /**
   * Sends a request and parses the JSON answer (undefined for an empty body).
   * @example const raw = await client.requestJSON({ method: "GET", path: "/wallet/self/package" });
   */
  requestJSON(spec: RequestSpecInput, options?: RequestOptions): APIPromise<unknown> {
    return this.#request(spec, options, readJSON);
  }

  /**
   * Sends a request and resolves with its body as an AudioStream once the headers arrive.
   * @example const audio = await client.requestStream({ method: "POST", path: "/v1/tts", body });
   */
  requestStream(spec: RequestSpecInput, options?: RequestOptions): APIPromise<AudioStream> {
    return this.#request(spec, options, readAudio);
  }

  #request<T>(
    spec: RequestSpecInput,
    options: RequestOptions | undefined,
    read: Read,
  ): APIPromise<T> {
    const mode: ReplyMode = { raw: false };
    const reply = this.#send(spec, options, mode, read);
    return new APIPromise<T>({ reply, mode, map: identity as (data: unknown) => T });
  }

  /**
   * The one pipeline: build, fetch under a deadline, classify, retry, log, then hand to `read`.
   * It runs for every call, so the common case (a string key, no query, no extra headers, logs
   * below info) skips what it does not need: no URL parsing, no header merging, no log strings.
   */
  async #send(
    specInput: RequestSpecInput,
    options: RequestOptions | undefined,
    mode: ReplyMode,
    read: Read,
  ): Promise<Reply> {
    const spec = specInput instanceof Promise ? await specInput : specInput;
    const timeout =
      options?.timeout === undefined ? this.timeout : checkTimeout("timeout", options.timeout);
    const maxRetries =
      options?.maxRetries === undefined
        ? this.maxRetries
        : checkRetries("maxRetries", options.maxRetries);
    const signal = options?.signal;
    const url =
      this.#defaultQuery || spec.query || options?.query
        ? this.buildURL(spec.path, spec.query, options?.query)
        : this.baseUrl + spec.path;
    const { body, contentType } = encodeBody(spec.body);
    const extraHeaders = contentType || spec.headers || options?.headers;
    const log = this.#log;
    const logInfo = log.enabled("info");
    const what = logInfo || log.enabled("debug") ? `${spec.method} ${spec.path}` : "";
    // POST (TTS and ASR charge, voice creation creates) and PATCH are retried only when the
    // server cannot have acted on them: see mayHaveTakenEffect.
    const idempotent = spec.method !== "POST" && spec.method !== "PATCH";

    for (let retry = 0; ; retry++) {
      if (signal?.aborted) throw new APIUserAbortError();
      const fixed = this.#fixedHeaders;
      const headers =
        fixed === undefined
          ? this.#headers(await this.#currentKey(), contentType, spec.headers, options?.headers)
          : extraHeaders
            ? mergeHeaders(fixed, contentType, spec.headers, options?.headers)
            : // A copy: a custom fetch may change the headers it is given.
              { ...fixed };
      const deadline = new Deadline(timeout, signal);
      const init: RequestInit = { method: spec.method, headers, signal: deadline.signal };
      if (body !== undefined) init.body = body;
      if (log.enabled("debug")) {
        log.debug(
          `fishaudio: ${what} sending (${attemptOf(retry, maxRetries)}) headers: ${describeHeaders(headers)}`,
        );
      }
      const started = logInfo ? performance.now() : 0;
      deadline.arm("waiting for the response");
      let response: Response;
      try {
        response = await deadline.race(this.#fetch(url, init));
      } catch (cause) {
        deadline.dispose();
        const error = deadline.error ?? connectionError(cause);
        const mayRepeat = idempotent || (!deadline.error && !mayHaveTakenEffect(cause));
        if (error instanceof APIUserAbortError || retry >= maxRetries || !mayRepeat) {
          if (logInfo) {
            log.info(
              `fishaudio: ${what} failed in ${took(started)} (${attemptOf(retry, maxRetries)}): ${error.message}`,
            );
          }
          throw error;
        }
        const delay = retryDelayMs(retry, undefined);
        if (logInfo) {
          log.info(
            `fishaudio: ${what} failed in ${took(started)} (${attemptOf(retry, maxRetries)}): ${error.message}; retrying in ${Math.round(delay)} ms`,
          );
        }
        await sleep(delay, signal);
        continue;
      }
      const requestId = requestIdOf(response.headers);
      // Only for log lines, so only built when they are written.
      const outcome = logInfo
        ? `${what} ${response.status} in ${took(started)} (${attemptOf(retry, maxRetries)}${requestId ? `, request id ${requestId}` : ""})`
        : "";

      if (!response.ok) {
        const errorBody = await readErrorBody(response, deadline);
        deadline.dispose();
        if (deadline.error instanceof APIUserAbortError) throw deadline.error;
        const retryable = idempotent
          ? isRetryableStatus(response.status)
          : response.status === 429 || response.status === 503;
        if (retryable && retry < maxRetries) {
          const delay = retryDelayMs(retry, response.headers);
          if (logInfo) log.info(`fishaudio: ${outcome}; retrying in ${Math.round(delay)} ms`);
          await sleep(delay, signal);
          continue;
        }
        if (logInfo) log.info(`fishaudio: ${outcome}`);
        throw APIError.generate(response.status, errorBody, response.headers);
      }

      if (mode.raw) {
        // The caller asked for the Response itself: its body is theirs to read, unbounded.
        deadline.dispose();
        if (logInfo) log.info(`fishaudio: ${outcome}`);
        return { response, requestId };
      }
      try {
        const { data, text } = await read(response, deadline);
        if (logInfo) log.info(`fishaudio: ${outcome}`);
        return text === undefined
          ? { response, requestId, data }
          : { response, requestId, data, text };
      } catch (cause) {
        deadline.dispose();
        if (cause instanceof FishAudioError && !(cause instanceof APIConnectionError)) throw cause;
        // The body broke off before any of it reached the caller: safe to try again only if
        // the request had no effect to repeat (a voice created twice, a TTS charged twice).
        const error = cause instanceof APIConnectionError ? cause : connectionError(cause);
        if (retry >= maxRetries || !idempotent) {
          if (logInfo) log.info(`fishaudio: ${outcome}; the body failed: ${error.message}`);
          throw error;
        }
        const delay = retryDelayMs(retry, undefined);
        if (logInfo) {
          log.info(
            `fishaudio: ${outcome}; the body failed: ${error.message}; retrying in ${Math.round(delay)} ms`,
          );
        }
        await sleep(delay, signal);
      }
    }
  }
}

/** How the pipeline hands a successful response to the method that asked for it. */
type Read = (response: Response, deadline: Deadline) => Promise<{ data: unknown; text?: string }>;

function attemptOf(retry: number, maxRetries: number): string {
  return `attempt ${retry + 1} of ${maxRetries + 1}`;
}

function took(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

function identity(data: unknown): unknown {
  return data;
}

/** The JSON body under the deadline; the text is kept for a late `.asResponse()`. */
async function readJSON(
  response: Response,
  deadline: Deadline,
): Promise<{ data: unknown; text: string }> {
  let text: string;
  try {
    text = await deadline.race(response.text());
  } finally {
    deadline.dispose();
  }
  return { data: parseJSONBody(text, response), text };
}

/** The body as an AudioStream; the deadline then bounds each chunk instead. */
async function readAudio(response: Response, deadline: Deadline): Promise<{ data: AudioStream }> {
  deadline.disarm();
  const body = response.body;
  if (!body) {
    deadline.dispose();
    return { data: new AudioStream(emptyBody()) };
  }
  return { data: new AudioStream(readBody(body, deadline)) };
}

function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError(
      "baseUrl",
      `"${raw}" is not an absolute URL (e.g. https://api.fish.audio).`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ValidationError("baseUrl", `must be an http(s) URL, got "${raw}".`);
  }
  return raw.replace(/\/+$/, "");
}

function checkTimeout(field: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(
      field,
      `must be a positive number of milliseconds, got ${String(value)}.`,
    );
  }
  return value;
}

function checkRetries(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValidationError(field, `must be a non-negative integer, got ${String(value)}.`);
  }
  return value;
}

const NO_BODY = { body: undefined, contentType: undefined } as const;

function encodeBody(body: RequestSpec["body"]): {
  body: BodyInit | undefined;
  contentType: Record<string, string> | undefined;
} {
  if (body === undefined) return NO_BODY;
  if (body instanceof Uint8Array) {
    return {
      body: body as Uint8Array<ArrayBuffer>,
      contentType: { "Content-Type": "application/msgpack" },
    };
  }
  if (body instanceof URLSearchParams) {
    return {
      body: body.toString(),
      contentType: { "Content-Type": "application/x-www-form-urlencoded" },
    };
  }
  // FormData: fetch writes the multipart Content-Type with its boundary.
  return { body, contentType: undefined };
}

function requestIdOf(headers: Headers): string | undefined {
  return headers.get("x-request-id") ?? headers.get("request-id") ?? undefined;
}

function connectionError(cause: unknown): APIConnectionError {
  const detail = describeCause(cause);
  return new APIConnectionError(detail ? `Connection error: ${detail}` : "Connection error.", {
    cause,
  });
}

function describeCause(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return cause === undefined ? undefined : String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  const innerMessage = inner instanceof Error ? inner.message : undefined;
  return innerMessage ? `${cause.message} (${innerMessage})` : cause.message;
}

async function readErrorBody(response: Response, deadline: Deadline): Promise<unknown> {
  let text: string;
  try {
    text = await deadline.race(response.text());
  } catch {
    return undefined;
  }
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parseJSONBody(text: string, response: Response): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    // Checked only here: trimming every body would copy it.
    if (!text.trim()) return undefined;
    const error = new APIError(
      response.status,
      text,
      `The server answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      response.headers,
    );
    (error as { cause?: unknown }).cause = cause;
    throw error;
  }
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

/**
 * The response body as an async iterable. A hand-written iterator rather than an async
 * generator, and one watchdog timer for the whole body: this is the per-chunk hot path of
 * every streamed response, so it does no per-chunk timer or promise bookkeeping.
 */
function readBody(body: ReadableStream<Uint8Array>, deadline: Deadline): AsyncIterable<Uint8Array> {
  const reader = body.getReader();
  let closed = false;
  const close = (cancel: boolean) => {
    if (closed) return;
    closed = true;
    deadline.dispose();
    if (cancel) reader.cancel().catch(() => {});
  };
  // A custom fetch may ignore its signal: cancelling the reader still ends a pending read.
  deadline.onFail(() => reader.cancel().catch(() => {}));
  let watching = false;
  const iterator: AsyncIterator<Uint8Array> = {
    async next() {
      if (closed) return { done: true, value: undefined };
      // Started on the first read: a body nobody reads must not hold a timer.
      if (!watching) {
        watching = true;
        deadline.watch("waiting for the next chunk of the response body");
      }
      deadline.begin();
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (cause) {
        close(false);
        throw deadline.error ?? connectionError(cause);
      } finally {
        deadline.end();
      }
      if (deadline.error) {
        close(false);
        throw deadline.error;
      }
      if (result.done) close(false);
      return result;
    },
    async return() {
      close(true);
      return { done: true, value: undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}
