import type { Engines } from "./engines/types.js";
import type { BodyBudget } from "./http/body-budget.js";
import type { RateLimiter } from "./http/rate-limit.js";
import type { RequestLog } from "./requests-log/log.js";
import type { AccountStore } from "./store/accounts.js";
import type { VoiceStore } from "./store/voices.js";

/** Receives one line per notable event (requests, startup). Never given API keys. */
export type Logger = (line: string) => void;

/** Everything a request handler needs, built once per server. */
export interface ServerContext {
  accounts: AccountStore;
  voices: VoiceStore;
  engines: Engines;
  limiter: RateLimiter;
  /** Largest accepted request body (uploads, TTS with references), in bytes. */
  maxBodyBytes: number;
  /** Bytes held by bodies (and WebSocket messages) still arriving, server-wide, and their stall timeout. */
  bodyBudget: BodyBudget;
  /** Longest accepted uploaded audio (ASR, voice samples, references), in seconds. */
  maxAudioSeconds: number;
  benchmarkVoice: boolean;
  /** Model recorded when a request sends no `model` header. */
  defaultModel: string;
  /** Unit of `duration` in ASR responses (the OAS says seconds). */
  asrDurationUnit: "seconds" | "milliseconds";
  log: Logger;
  /** The latest requests, for the console's Requests view. */
  requestLog: RequestLog;
  /** Starting balance of users created at run time (console), in micro-credits. */
  initialCreditMicro: number;
  /** Absolute base URL of the server, for links in responses (sample audio, cover images). */
  baseUrl: () => string;
}
