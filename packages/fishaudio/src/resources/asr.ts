import type { RequestSpec } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../core/resource.js";
import { checkUploadable, toBytes, type Uploadable } from "../core/uploads.js";
import { encodeMsgpack } from "../internal/msgpack.js";
import type { RequestOptions } from "../internal/request-options.js";
import { checkBoolean, checkString } from "../internal/validation.js";
import { toASRResponse } from "../internal/wire/responses.js";

export interface ASRParams {
  /** The recording, in any common format (the server sniffs it). */
  audio: Uploadable;
  /** A language hint such as "en"; detection runs anyway. */
  language?: string;
  /** Return per-segment timings. Default true. */
  includeTimestamps?: boolean;
}

export interface ASRSegment {
  text: string;
  /** Seconds. */
  start: number;
  /** Seconds. */
  end: number;
}

export interface ASRResponse {
  text: string;
  /** Length of the audio as the server reports it (seconds per its schema). */
  duration: number;
  /** Empty when timestamps were not requested. */
  segments: ASRSegment[];
  /** Display name of the detected language, when the server sends it. */
  language?: string;
  /** ISO 639-1 code of the detected language, when the server sends it. */
  languageCode?: string;
}

/** Speech to text: `client.asr`. */
export class ASR extends APIResource {
  /**
   * Transcribes a recording (msgpack body, as the Python SDK sends it).
   * @example const { text, segments } = await client.asr.transcribe({ audio: wavBytes, language: "en" });
   */
  transcribe(params: ASRParams, options?: RequestOptions): APIPromise<ASRResponse> {
    return this._client.requestJSON(transcribeSpec(params), options)._thenUnwrap(toASRResponse);
  }
}

/** The msgpack request body, after validating and reading the audio. */
async function transcribeSpec(params: ASRParams): Promise<RequestSpec> {
  checkUploadable("audio", params?.audio);
  const includeTimestamps = checkBoolean("includeTimestamps", params.includeTimestamps ?? true);
  const language =
    params.language === undefined
      ? undefined
      : checkString("language", params.language, { nonEmpty: true });
  const audio = await toBytes("audio", params.audio);
  const body = encodeMsgpack({ audio, ignore_timestamps: !includeTimestamps, language });
  return { method: "POST", path: "/v1/asr", body };
}
