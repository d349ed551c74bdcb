/**
 * TTS parameters -> the wire map, exactly as the Python SDK 1.3 builds it: the same keys in
 * the same order, its defaults always sent, float fields as float64, unset optional fields
 * left out over HTTP and sent as nil in the WebSocket `start` event.
 */
import { ValidationError } from "../../core/error.js";
import { checkUploadable, toBytes } from "../../core/uploads.js";
import type {
  AudioFormat,
  LatencyMode,
  ReferenceAudio,
  TTSConfig,
  TTSOverrides,
} from "../../resources/tts.js";
import { encodeMsgpack, float64, type MsgValue } from "../msgpack.js";
import {
  checkArray,
  checkBoolean,
  checkInt,
  checkNumber,
  checkOneOf,
  checkString,
} from "../validation.js";

export const AUDIO_FORMATS: readonly AudioFormat[] = ["wav", "pcm", "mp3", "opus"];
export const LATENCY_MODES: readonly LatencyMode[] = ["normal", "balanced", "low"];
const MP3_BITRATES = [64, 128, 192] as const;
const OPUS_BITRATES = [-1000, 24, 32, 48, 64] as const;

/** The request after defaults and overrides, before reference audio is read. */
export interface ResolvedTTS {
  chunkLength: number;
  format: AudioFormat;
  sampleRate: number | undefined;
  mp3Bitrate: number;
  opusBitrate: number;
  references: ReferenceAudio[];
  referenceId: string | undefined;
  normalize: boolean;
  latency: LatencyMode;
  prosody: { speed: number; volume: number } | undefined;
  topP: number;
  temperature: number;
  maxNewTokens: number;
  repetitionPenalty: number;
  minChunkLength: number;
  conditionOnPreviousChunks: boolean;
  earlyStopThreshold: number;
}

/** Reference audio with its bytes read. */
export interface LoadedReference {
  audio: Uint8Array;
  text: string;
}

/**
 * Applies the Python SDK's defaults, then the direct options (which win over the config), and
 * validates every value. `speed` keeps the config's prosody volume (0 if unset).
 */
export function resolveTTS(config: TTSConfig | undefined, overrides: TTSOverrides): ResolvedTTS {
  const c = config ?? {};
  if (typeof c !== "object") throw new ValidationError("config", "must be an object.");
  const opt = <T>(value: T | undefined, check: (field: string, v: unknown) => T, field: string) =>
    value === undefined || value === null ? undefined : check(field, value);

  const configProsody =
    c.prosody === undefined || c.prosody === null
      ? undefined
      : {
          speed:
            opt(c.prosody.speed, (f, v) => checkNumber(f, v, 0.5, 2.0), "config.prosody.speed") ??
            1.0,
          volume:
            opt(c.prosody.volume, (f, v) => checkNumber(f, v, -20, 20), "config.prosody.volume") ??
            0.0,
        };
  const speed = opt(overrides.speed, (f, v) => checkNumber(f, v, 0.5, 2.0), "speed");
  const prosody =
    speed === undefined ? configProsody : { speed, volume: configProsody?.volume ?? 0.0 };

  const configReferences = opt(c.references, checkReferences, "config.references");
  const references = opt(overrides.references, checkReferences, "references");

  return {
    chunkLength:
      opt(c.chunkLength, (f, v) => checkInt(f, v, 100, 300), "config.chunkLength") ?? 200,
    format:
      opt(overrides.format, (f, v) => checkOneOf(f, v, AUDIO_FORMATS), "format") ??
      opt(c.format, (f, v) => checkOneOf(f, v, AUDIO_FORMATS), "config.format") ??
      "mp3",
    sampleRate: opt(c.sampleRate, (f, v) => checkInt(f, v, 1), "config.sampleRate"),
    mp3Bitrate:
      opt(c.mp3Bitrate, (f, v) => checkOneOf(f, v, MP3_BITRATES), "config.mp3Bitrate") ?? 128,
    opusBitrate:
      opt(c.opusBitrate, (f, v) => checkOneOf(f, v, OPUS_BITRATES), "config.opusBitrate") ?? 32,
    references: references ?? configReferences ?? [],
    referenceId:
      opt(overrides.referenceId, (f, v) => checkString(f, v, { nonEmpty: true }), "referenceId") ??
      opt(c.referenceId, (f, v) => checkString(f, v, { nonEmpty: true }), "config.referenceId"),
    normalize: opt(c.normalize, checkBoolean, "config.normalize") ?? true,
    latency:
      opt(overrides.latency, (f, v) => checkOneOf(f, v, LATENCY_MODES), "latency") ??
      opt(c.latency, (f, v) => checkOneOf(f, v, LATENCY_MODES), "config.latency") ??
      "balanced",
    prosody,
    topP: opt(c.topP, (f, v) => checkNumber(f, v, 0, 1), "config.topP") ?? 0.7,
    temperature: opt(c.temperature, (f, v) => checkNumber(f, v, 0, 1), "config.temperature") ?? 0.7,
    maxNewTokens: opt(c.maxNewTokens, (f, v) => checkInt(f, v, 1), "config.maxNewTokens") ?? 1024,
    repetitionPenalty:
      opt(c.repetitionPenalty, (f, v) => checkNumber(f, v), "config.repetitionPenalty") ?? 1.2,
    minChunkLength:
      opt(c.minChunkLength, (f, v) => checkInt(f, v, 0, 100), "config.minChunkLength") ?? 50,
    conditionOnPreviousChunks:
      opt(c.conditionOnPreviousChunks, checkBoolean, "config.conditionOnPreviousChunks") ?? true,
    earlyStopThreshold:
      opt(c.earlyStopThreshold, (f, v) => checkNumber(f, v, 0, 1), "config.earlyStopThreshold") ??
      1.0,
  };
}

function checkReferences(field: string, value: unknown): ReferenceAudio[] {
  return checkArray(field, value).map((item, i) => {
    const at = `${field}[${i}]`;
    if (!item || typeof item !== "object") {
      throw new ValidationError(at, "must be an object { audio, text }.");
    }
    const { audio, text } = item as ReferenceAudio;
    checkUploadable(`${at}.audio`, audio);
    checkString(`${at}.text`, text);
    return { audio, text };
  });
}

/** Reads every reference's audio into bytes (msgpack sends them as bin). */
export function loadReferences(references: ReferenceAudio[]): Promise<LoadedReference[]> {
  return Promise.all(
    references.map(async (ref, i) => ({
      audio: await toBytes(`references[${i}].audio`, ref.audio),
      text: ref.text,
    })),
  );
}

/** Whether the references can be turned into bytes without waiting (no Blob or stream). */
export function referencesAreBytes(references: ReferenceAudio[]): boolean {
  return references.every(
    (ref) => ref.audio instanceof ArrayBuffer || ArrayBuffer.isView(ref.audio),
  );
}

/** Synchronous `loadReferences` for references that are already bytes. */
export function bytesReferences(references: ReferenceAudio[]): LoadedReference[] {
  return references.map((ref) => {
    const audio = ref.audio as ArrayBuffer | ArrayBufferView;
    const bytes =
      audio instanceof ArrayBuffer
        ? new Uint8Array(audio)
        : new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength);
    return { audio: bytes, text: ref.text };
  });
}

/**
 * The TTSRequest map in the Python SDK's key order. `unset` is what an unset optional field
 * becomes: `undefined` (left out, as HTTP's `exclude_none`) or `null` (nil, as the WS start).
 */
function ttsRequestMap(
  text: string,
  r: ResolvedTTS,
  references: LoadedReference[],
  unset: null | undefined,
): Record<string, MsgValue | undefined> {
  return {
    text,
    chunk_length: r.chunkLength,
    format: r.format,
    sample_rate: r.sampleRate ?? unset,
    mp3_bitrate: r.mp3Bitrate,
    opus_bitrate: r.opusBitrate,
    references: references.map((ref) => ({ audio: ref.audio, text: ref.text })),
    reference_id: r.referenceId ?? unset,
    normalize: r.normalize,
    latency: r.latency,
    prosody: r.prosody
      ? { speed: float64(r.prosody.speed), volume: float64(r.prosody.volume) }
      : unset,
    top_p: float64(r.topP),
    temperature: float64(r.temperature),
    max_new_tokens: r.maxNewTokens,
    repetition_penalty: float64(r.repetitionPenalty),
    min_chunk_length: r.minChunkLength,
    condition_on_previous_chunks: r.conditionOnPreviousChunks,
    early_stop_threshold: float64(r.earlyStopThreshold),
  };
}

/** The msgpack body of `POST /v1/tts`. */
export function encodeTTSRequest(
  text: string,
  resolved: ResolvedTTS,
  references: LoadedReference[],
): Uint8Array {
  return encodeMsgpack(ttsRequestMap(text, resolved, references, undefined));
}

/** The first WebSocket frame: `{event: "start", request: {18 keys, text: ""}}`. */
export function encodeStartFrame(resolved: ResolvedTTS, references: LoadedReference[]): Uint8Array {
  return encodeMsgpack({ event: "start", request: ttsRequestMap("", resolved, references, null) });
}
