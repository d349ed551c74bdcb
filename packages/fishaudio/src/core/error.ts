/**
 * Every error the SDK throws. `APIError.generate` is the single place where an HTTP status is
 * turned into a class; nothing else in the SDK switches on status codes.
 */

/** Base class of every error thrown by the SDK. */
export class FishAudioError extends Error {
  override name = "FishAudioError";
}

/** Input rejected before anything was sent; `field` names the offending option. */
export class ValidationError extends FishAudioError {
  override name = "ValidationError";
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** The server answered with a non-success status. */
export class APIError extends FishAudioError {
  override name = "APIError";
  /** HTTP status, or undefined when no response arrived (connection, timeout, abort). */
  readonly status: number | undefined;
  /** The parsed error body (JSON when it parsed, else the raw text). */
  readonly body: unknown;
  readonly headers: Headers | undefined;
  /** The server's request id, when it sent one. */
  readonly requestId: string | undefined;

  constructor(
    status: number | undefined,
    body: unknown,
    message: string | undefined,
    headers: Headers | undefined,
  ) {
    super(APIError.describe(status, body, message));
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.requestId = headers?.get("x-request-id") ?? headers?.get("request-id") ?? undefined;
  }

  private static describe(status: number | undefined, body: unknown, message?: string): string {
    const detail = message ?? messageFromBody(body);
    if (status === undefined) return detail ?? "request failed";
    return detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`;
  }

  /** Builds the error class that matches `status`, keeping the server's message and headers. */
  static generate(status: number, body: unknown, headers: Headers | undefined): APIError {
    const message = messageFromBody(body);
    const Class = statusClass(status);
    return new Class(status, body, message, headers);
  }
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
export class PaymentRequiredError extends APIError {
  override name = "PaymentRequiredError";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
export class ServerError extends APIError {
  override name = "ServerError";
}

/** No response arrived: refused, reset, DNS failure. */
export class APIConnectionError extends APIError {
  override name = "APIConnectionError";
  constructor(message = "Connection error.", options?: { cause?: unknown }) {
    super(undefined, undefined, message, undefined);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The request (or the wait for its response headers) took longer than the timeout. */
export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";
  constructor(message = "Request timed out.") {
    super(message);
  }
}

/** The caller's AbortSignal fired. */
export class APIUserAbortError extends APIError {
  override name = "APIUserAbortError";
  constructor(message = "Request was aborted.") {
    super(undefined, undefined, message, undefined);
  }
}

/** The realtime socket failed, closed without `finish`, or finished with `reason: "error"`. */
export class WebSocketError extends FishAudioError {
  override name = "WebSocketError";
  /** The `finish` reason the server gave, if any (e.g. "error"). */
  readonly reason: string | undefined;
  /** The close code, when the socket closed. */
  readonly code: number | undefined;
  /** The server's own message (from `finish.message` or the close reason). */
  readonly serverMessage: string | undefined;
  constructor(
    message: string,
    details: { reason?: string; code?: number; serverMessage?: string; cause?: unknown } = {},
  ) {
    super(message);
    this.reason = details.reason;
    this.code = details.code;
    this.serverMessage = details.serverMessage;
    if (details.cause !== undefined) (this as { cause?: unknown }).cause = details.cause;
  }
}

type APIErrorClass = new (
  status: number | undefined,
  body: unknown,
  message: string | undefined,
  headers: Headers | undefined,
) => APIError;

function statusClass(status: number): APIErrorClass {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 402:
      return PaymentRequiredError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 422:
      return UnprocessableEntityError;
    case 429:
      return RateLimitError;
    default:
      return status >= 500 ? ServerError : APIError;
  }
}

/**
 * The human message inside an error body. The cloud sends `{status, message}`; FastAPI-style
 * validation sends `{detail: [...]}` or a bare array of `{msg, loc}`; some proxies send text.
 */
export function messageFromBody(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim() ? body.trim().slice(0, 1000) : undefined;
  if (Array.isArray(body)) {
    const parts = body.map(describeIssue).filter((s): s is string => Boolean(s));
    return parts.length ? parts.join("; ") : undefined;
  }
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    if (typeof record.message === "string" && record.message) return record.message;
    if (record.detail !== undefined) return messageFromBody(record.detail);
    if (typeof record.error === "string") return record.error;
  }
  return undefined;
}

function describeIssue(issue: unknown): string | undefined {
  if (typeof issue === "string") return issue;
  if (!issue || typeof issue !== "object") return undefined;
  const { msg, message, loc } = issue as Record<string, unknown>;
  const text = typeof msg === "string" ? msg : typeof message === "string" ? message : undefined;
  if (!text) return undefined;
  return Array.isArray(loc) ? `${loc.join(".")}: ${text}` : text;
}
