import { ValidationError } from "../core/error.js";

/** How much the client logs: each level includes the ones after it; "off" logs nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

/** Where log lines go; `console` fits, and so do pino, winston and most loggers. */
export interface Logger {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };
export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];
export const DEFAULT_LOG_LEVEL: LogLevel = "warn";

/**
 * The level from the `logLevel` option, else FISH_LOG, else "warn". A bad option throws; a bad
 * FISH_LOG is reported once through the logger and ignored (the environment is not code).
 * @example resolveLogLevel(undefined, "debug", console) // "debug"
 */
export function resolveLogLevel(
  option: unknown,
  env: string | undefined,
  logger: Logger,
): LogLevel {
  if (option !== undefined) {
    if (isLogLevel(option)) return option;
    throw new ValidationError(
      "logLevel",
      `must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(option)}.`,
    );
  }
  if (env === undefined) return DEFAULT_LOG_LEVEL;
  const level = env.toLowerCase();
  if (isLogLevel(level)) return level;
  logger.warn(
    `fishaudio: FISH_LOG=${JSON.stringify(env)} is not one of ${LOG_LEVELS.join(", ")}; using "${DEFAULT_LOG_LEVEL}".`,
  );
  return DEFAULT_LOG_LEVEL;
}

function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

/**
 * A logger that drops lines below `level` and never lets `secret` (the API key) through.
 * @example const log = levelled(console, "info", () => key); log.info("GET /model 200");
 */
export function levelled(
  logger: Logger,
  level: LogLevel,
  secrets: () => readonly string[],
): Logger & { enabled(level: LogLevel): boolean } {
  const enabled = (at: LogLevel) => RANK[at] >= RANK[level] && level !== "off";
  const emit =
    (at: Exclude<LogLevel, "off">) =>
    (message: string, ...rest: unknown[]) => {
      if (!enabled(at)) return;
      logger[at](redact(message, secrets()), ...rest);
    };
  return {
    enabled,
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
  };
}

function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("***");
  }
  return out;
}

/**
 * Headers as a debug line shows them: Authorization and anything that looks like a key hidden.
 * @example describeHeaders({ Authorization: "Bearer k", model: "s1" }) // "Authorization: ***, model: s1"
 */
export function describeHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(
      ([name, value]) =>
        `${name}: ${/authorization|api-key|token|cookie/i.test(name) ? "***" : value}`,
    )
    .join(", ");
}
