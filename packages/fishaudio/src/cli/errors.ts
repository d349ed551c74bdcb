/**
 * The one place where failures become what a person reads: a single line on stderr saying what
 * went wrong and what to do next, plus an exit code a script can branch on. Stack traces are
 * only for bugs, and only when FISHAUDIO_DEBUG is set.
 */
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  FishAudioError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
  ValidationError,
  WebSocketError,
} from "../index.js";

/** Exit codes, also listed in `fishaudio --help`. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  network: 5,
  quota: 6,
  interrupted: 130,
} as const;

/**
 * A failure the user can fix; its message is printed as is, without a stack trace.
 * @example throw new CliError("no text: pass it as an argument, with --file, or on stdin");
 */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.usage) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** What the command was doing, so that a bare 404 can say "voice abc not found". */
export interface ErrorContext {
  /** The API base URL in use (for connection errors). */
  baseUrl?: string;
  /** True when talking to the in-process local server. */
  local?: boolean;
  /** Replaces the generic 404 message, e.g. `voice "abc" not found`. */
  notFound?: string;
  /** Replaces the generic 400/422 prefix, e.g. `the server could not read a.wav as audio`. */
  rejected?: string;
}

/** A printable diagnosis of any thrown value. */
export interface Diagnosis {
  message: string;
  exitCode: number;
  /** Set for unexpected errors (bugs): the stack, shown only with FISHAUDIO_DEBUG=1. */
  stack?: string;
}

const KEY_HELP =
  "set FISH_API_KEY (create a key at https://fish.audio/app/api-keys) or use --local";

/**
 * Turns any error into one line and an exit code.
 * @example const { message, exitCode } = diagnose(error, { baseUrl: "https://api.fish.audio" });
 */
export function diagnose(error: unknown, context: ErrorContext = {}): Diagnosis {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ValidationError) {
    return { message: `invalid ${error.message}`, exitCode: ExitCode.usage };
  }
  if (error instanceof APIError) return diagnoseApi(error, context);
  if (error instanceof WebSocketError) return diagnoseSocket(error, context);
  if (error instanceof FishAudioError) {
    if (/api key/i.test(error.message)) {
      return { message: `no API key: ${KEY_HELP}`, exitCode: ExitCode.auth };
    }
    return { message: error.message, exitCode: ExitCode.failure };
  }
  const system = diagnoseSystem(error);
  if (system) return system;
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? error.stack : undefined;
  return {
    message: `unexpected error: ${message} (run with FISHAUDIO_DEBUG=1 for details, and report it)`,
    exitCode: ExitCode.failure,
    ...(stack ? { stack } : {}),
  };
}

function diagnoseApi(error: APIError, context: ErrorContext): Diagnosis {
  const where = context.baseUrl ?? "the server";
  const detail = serverDetail(error);
  if (error instanceof APIUserAbortError) {
    return { message: "interrupted", exitCode: ExitCode.interrupted };
  }
  if (error instanceof APITimeoutError) {
    return {
      message: `timed out waiting for ${where}; try again, or check your network`,
      exitCode: ExitCode.network,
    };
  }
  if (error instanceof APIConnectionError) {
    const code = causeCode(error);
    return {
      message: `could not connect to ${where}${code ? ` (${code})` : ""}: ${connectHint(context)}`,
      exitCode: ExitCode.network,
    };
  }
  if (error instanceof AuthenticationError) {
    return {
      message: `the API key was rejected by ${where} (HTTP 401): ${KEY_HELP}`,
      exitCode: ExitCode.auth,
    };
  }
  if (error instanceof PermissionDeniedError) {
    return {
      message: `permission denied (HTTP 403)${detail}: this API key may not do that`,
      exitCode: ExitCode.auth,
    };
  }
  if (error instanceof PaymentRequiredError) {
    return {
      message: `not enough credits (HTTP 402)${detail}: top up at https://fish.audio/app/billing`,
      exitCode: ExitCode.quota,
    };
  }
  if (error instanceof RateLimitError) {
    return {
      message: `rate limited (HTTP 429)${detail}: wait a moment and try again`,
      exitCode: ExitCode.quota,
    };
  }
  if (error instanceof NotFoundError) {
    return {
      message: context.notFound ?? `not found (HTTP 404)${detail}`,
      exitCode: ExitCode.notFound,
    };
  }
  if (error instanceof BadRequestError || error instanceof UnprocessableEntityError) {
    const prefix = context.rejected ?? "the server rejected the request";
    return { message: `${prefix} (HTTP ${error.status})${detail}`, exitCode: ExitCode.usage };
  }
  if (error instanceof ServerError) {
    const id = error.requestId ? ` (request id ${error.requestId})` : "";
    return {
      message: `${where} failed (HTTP ${error.status})${detail}${id}; try again later`,
      exitCode: ExitCode.failure,
    };
  }
  return {
    message: `${where} answered HTTP ${error.status ?? "?"}${detail}`,
    exitCode: ExitCode.failure,
  };
}

function diagnoseSocket(error: WebSocketError, context: ErrorContext): Diagnosis {
  const detail = error.serverMessage ?? error.message;
  if (error.reason === "error") {
    // The server understood the session and refused it (unknown voice, bad options, …).
    if (context.notFound && /not found/i.test(detail)) {
      return { message: context.notFound, exitCode: ExitCode.notFound };
    }
    return {
      message: `the server ended the realtime session: ${detail}`,
      exitCode: ExitCode.failure,
    };
  }
  const code = causeCode(error);
  if (code && /^E[A-Z]+$/.test(code) && context.baseUrl) {
    return {
      message: `could not connect to ${context.baseUrl} (${code}): ${connectHint(context)}`,
      exitCode: ExitCode.network,
    };
  }
  const where = context.baseUrl ? ` with ${context.baseUrl}` : "";
  return { message: `the realtime session${where} failed: ${detail}`, exitCode: ExitCode.network };
}

function connectHint(context: ErrorContext): string {
  return context.local
    ? "the local server stopped unexpectedly"
    : "check FISH_BASE_URL and your network, or use --local";
}

/** ": <server message>" when the body carried one beyond the bare status. */
function serverDetail(error: APIError): string {
  const text = error.message.replace(/^HTTP \d+:?\s*/, "").trim();
  return text ? `: ${text}` : "";
}

/** The first `code` (ECONNREFUSED, ENOTFOUND, …) along the cause chain, else its last message. */
function causeCode(error: unknown): string | undefined {
  let current: unknown = (error as { cause?: unknown }).cause;
  let last: string | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === "string") return code;
    if (typeof message === "string" && message) last = message;
    current = cause;
  }
  return last;
}

/** File-system and stream errors caused by the user's paths. */
function diagnoseSystem(error: unknown): Diagnosis | undefined {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (typeof code !== "string") return undefined;
  const file = typeof path === "string" ? path : "the file";
  switch (code) {
    case "ENOENT":
      return { message: `no such file or directory: ${file}`, exitCode: ExitCode.usage };
    case "EACCES":
    case "EPERM":
      return { message: `permission denied: ${file}`, exitCode: ExitCode.usage };
    case "EISDIR":
      return { message: `${file} is a directory, expected a file`, exitCode: ExitCode.usage };
    case "ENOTDIR":
      return { message: `a parent of ${file} is not a directory`, exitCode: ExitCode.usage };
    case "ENOSPC":
      return { message: `no space left on the device writing ${file}`, exitCode: ExitCode.failure };
    default:
      return undefined;
  }
}
