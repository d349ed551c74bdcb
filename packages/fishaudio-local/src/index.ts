export type { Logger } from "./context.js";
export type * from "./engines/types.js";
export { EngineUnavailableError, UnsupportedAudioError } from "./engines/types.js";
export type { RateLimitOptions } from "./http/rate-limit.js";
export { type LocalServer, type StartServerOptions, startServer } from "./server.js";
export type { UsageEntry } from "./store/accounts.js";
