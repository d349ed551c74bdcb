import { AudioStream } from "./audio-stream.js";
import { FishAudioError } from "./error.js";

/** A result object with the id the server gave its request (non-enumerable, so JSON output is unchanged). */
export type WithRequestID<T> = T extends object
  ? T & { readonly requestId?: string | undefined }
  : T;

/** What `.withResponse()` resolves with. */
export interface WithResponse<T> {
  data: WithRequestID<T>;
  /** The HTTP response; its body has already been read into `data` (or is `data`, for audio). */
  response: Response;
  /** The server's request id (`x-request-id`), when it sent one. */
  requestId: string | undefined;
}

/**
 * What the request pipeline settles with. `data` is absent when the caller asked for the raw
 * response before it arrived: the body was then left unread for them.
 * @internal
 */
export interface Reply {
  response: Response;
  requestId: string | undefined;
  data?: unknown;
  /** The body text of a JSON reply, kept so a late `.asResponse()` can hand out a fresh copy. */
  text?: string;
}

/** Shared between a promise and the pipeline: set before the response arrives, it skips reading. @internal */
export interface ReplyMode {
  raw: boolean;
}

/** Where an APIPromise gets its answer from. @internal */
export interface ReplySource<T> {
  reply: Promise<Reply>;
  mode: ReplyMode;
  map: (data: unknown) => T;
}

/**
 * The promise every API call returns: await it for the parsed result (with `requestId`), or
 * ask for the HTTP response with `.withResponse()` or `.asResponse()`. The request is sent at
 * once either way, and the body is read once.
 *
 * @example
 * const { data: voice, response, requestId } = await client.voices.get(id).withResponse();
 * const raw: Response = await client.tts.convert({ text: "Hi" }).asResponse();
 */
export class APIPromise<T> extends Promise<WithRequestID<T>> {
  // `then`/`catch` return plain Promises, not APIPromises built from an executor.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #source: ReplySource<T>;
  #parsed: Promise<WithRequestID<T>> | undefined;

  /** @internal Resources get APIPromises from the client; they do not build them. */
  constructor(source: ReplySource<T>) {
    super((resolve) => resolve(undefined as never));
    this.#source = source;
  }

  /** @internal The source of another APIPromise, so subclasses can share it. */
  protected static sourceOf<T>(promise: APIPromise<T>): ReplySource<T> {
    return promise.#source;
  }

  /**
   * @internal A promise of the same request whose result is `map(result)`: resources use it
   * to turn wire JSON into public types without losing `.withResponse()`.
   * @example return this._client.requestJSON(spec, options)._thenUnwrap(toVoice);
   */
  _thenUnwrap<U>(map: (data: T) => U): APIPromise<U> {
    const { reply, mode, map: inner } = this.#source;
    return new APIPromise<U>({ reply, mode, map: compose(map, inner) });
  }

  /**
   * The parsed result together with the HTTP response and the request id.
   * @example const { data, requestId } = await client.account.getCredits().withResponse();
   */
  async withResponse(): Promise<WithResponse<T>> {
    const [data, reply] = await Promise.all([this.#parse(), this.#source.reply]);
    return { data, response: reply.response, requestId: reply.requestId };
  }

  /**
   * The HTTP response with its body unread (errors still reject with the matching APIError).
   * @example const response = await client.voices.list().asResponse(); await response.json();
   */
  async asResponse(): Promise<Response> {
    this.#source.mode.raw = true;
    const reply = await this.#source.reply;
    if (!("data" in reply)) return reply.response;
    // The body was read before this was asked for: hand out a copy instead of reading twice.
    const { response } = reply;
    const body =
      reply.text !== undefined
        ? reply.text
        : reply.data instanceof AudioStream
          ? reply.data.toReadableStream()
          : null;
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  #parse(): Promise<WithRequestID<T>> {
    this.#parsed ??= this.#source.reply.then((reply) => {
      if (!("data" in reply)) {
        throw new FishAudioError(
          "The response body was handed out by .asResponse(), so there is no parsed result; " +
            "use .withResponse() to get both.",
        );
      }
      return withRequestId(this.#source.map(reply.data), reply.requestId);
    });
    return this.#parsed;
  }

  // biome-ignore lint/suspicious/noThenProperty: the point of this class is a lazier Promise#then
  override then<R1 = WithRequestID<T>, R2 = never>(
    onfulfilled?: ((value: WithRequestID<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#parse().then(onfulfilled, onrejected);
  }

  override catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<WithRequestID<T> | R> {
    return this.#parse().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<WithRequestID<T>> {
    return this.#parse().finally(onfinally);
  }
}

/** `map` after `inner`; a returned arrow, so the build gives it no name at every call. */
function compose<T, U>(map: (data: T) => U, inner: (data: unknown) => T): (data: unknown) => U {
  return (data) => map(inner(data));
}

/** Adds `requestId` to a result object as a non-enumerable property. */
function withRequestId<T>(data: T, requestId: string | undefined): WithRequestID<T> {
  if (requestId !== undefined && data !== null && typeof data === "object") {
    if (Object.isExtensible(data)) {
      Object.defineProperty(data, "requestId", {
        value: requestId,
        enumerable: false,
        configurable: true,
        writable: true,
      });
    }
  }
  return data as WithRequestID<T>;
}
