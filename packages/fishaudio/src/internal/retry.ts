/** Statuses worth another attempt: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Errors from before a request left this machine: no connection was ever made. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Whether a failed fetch may have reached the server, so that repeating a POST could repeat its
 * effect. Only errors that name a connection never made (refused, no such host, unreachable,
 * connect timeout, in `cause` or its causes) say it did not; anything else (a reset, a timeout
 * waiting for the answer, a browser's bare "Failed to fetch") might have.
 * @example if (!mayHaveTakenEffect(error)) retry();
 */
export function mayHaveTakenEffect(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return false;
    const inner = cause as { cause?: unknown; errors?: unknown };
    // A refused dual-stack connect is an AggregateError of one refusal per address.
    if (Array.isArray(inner.errors) && inner.errors.length > 0) {
      return inner.errors.some((e) => mayHaveTakenEffect(e));
    }
    cause = inner.cause;
  }
  return true;
}

/** A server-requested wait longer than this is ignored in favour of our own backoff. */
const MAX_SERVER_DELAY_MS = 60_000;
const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/**
 * How long to wait before retry number `retry` (0 for the first retry). Honours the server's
 * `retry-after-ms` and `Retry-After` (seconds or an HTTP date) when they ask for 0–60 s;
 * otherwise exponential backoff from 0.5 s, capped at 8 s, with up to 25 % jitter downwards
 * so that clients that failed together do not retry together.
 */
export function retryDelayMs(
  retry: number,
  headers: Headers | undefined,
  now: number = Date.now(),
  random: () => number = Math.random,
): number {
  const requested = serverRequestedDelay(headers, now);
  if (requested !== undefined && requested >= 0 && requested <= MAX_SERVER_DELAY_MS) {
    return requested;
  }
  const base = Math.min(INITIAL_DELAY_MS * 2 ** retry, MAX_DELAY_MS);
  return base * (1 - random() * 0.25);
}

function serverRequestedDelay(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value)) return value;
  }
  const after = headers.get("retry-after");
  if (after === null || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
