export {
  type ApiKeySource,
  type ClientOptions,
  type Fetch,
  FishAudio,
  FishAudio as default,
} from "./client.js";
export { APIPromise, type WithRequestID, type WithResponse } from "./core/api-promise.js";
export { AudioStream } from "./core/audio-stream.js";
export * from "./core/error.js";
export { PagePromise, type PaginatedResponse } from "./core/pagination.js";
export {
  type TimestampAlignment,
  type TimestampEvent,
  type TimestampedSpeech,
  type TimestampSegment,
  TimestampStream,
} from "./core/timestamp-stream.js";
export type { Uploadable } from "./core/uploads.js";
export type { HeadersLike } from "./internal/headers.js";
export type { Logger, LogLevel } from "./internal/log.js";
export type { Query, QueryValue } from "./internal/qs.js";
export type { RequestOptions } from "./internal/request-options.js";
export type { FlushEvent, TextEvent, WebSocketLike } from "./realtime/index.js";
export { iterWebsocketAudio } from "./realtime/index.js";
export type { Credits, CreditsParams, Package, PackageParams } from "./resources/account.js";
export type { ASRParams, ASRResponse, ASRSegment } from "./resources/asr.js";
export type {
  AudioFormat,
  LatencyMode,
  Model,
  Prosody,
  ReferenceAudio,
  TextStream,
  TTSConfig,
  TTSConvertParams,
  TTSOverrides,
  TTSStreamWebsocketParams,
  WebSocketOptions,
} from "./resources/tts.js";
export type {
  Visibility,
  Voice,
  VoiceAuthor,
  VoiceCandidate,
  VoiceCreateParams,
  VoiceDesignParams,
  VoiceDesignResponse,
  VoiceListParams,
  VoiceSample,
  VoiceUpdateParams,
} from "./resources/voices.js";
export {
  type CueOptions,
  type SubtitleCue,
  type TimedText,
  toSrt,
  toVtt,
  wordsToCues,
} from "./subtitles.js";
export { VERSION } from "./version.js";
