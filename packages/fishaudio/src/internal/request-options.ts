import type { HeadersLike } from "./headers.js";
import type { Query } from "./qs.js";

/** Per-request overrides accepted as the last argument of every method. */
export interface RequestOptions {
  /** Milliseconds to wait for response headers, and then for each chunk of a streamed body. */
  timeout?: number;
  /** Retries on connection errors, 408, 409, 429 and 5xx (default: the client's, 2). */
  maxRetries?: number;
  /** Aborting it cancels the request (or the audio stream) with APIUserAbortError. */
  signal?: AbortSignal;
  /** Extra headers; `null` removes a header the SDK would send. */
  headers?: HeadersLike;
  /** Extra query parameters, added after (and overriding) the method's own. */
  query?: Query;
}
