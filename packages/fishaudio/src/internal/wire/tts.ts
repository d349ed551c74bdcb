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
  /** One list of samples, or one list per speaker (dialogue). */
  references: ReferenceAudio[] | ReferenceAudio[][];
  /** One voice, or one per speaker (dialogue). */
  referenceId: string | string[] | undefined;
  normalize: boolean;
  latency: LatencyMode;
  prosody: { speed: number; volume: number; normalizeLoudness: boolean | undefined } | undefined;
  topP: number;
  temperature: number;
  maxNewTokens: number;
  repetitionPenalty: number;
  minChunkLength: number;
  conditionOnPreviousChunks: boolean;
  earlyStopThreshold: number;
  /** Sent only when set: the Python SDK 1.3 does not send it. */
  features: string[] | undefined;
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
          normalizeLoudness: opt(
            c.prosody.normalizeLoudness,
            checkBoolean,
            "config.prosody.normalizeLoudness",
          ),
        };
  const speed = opt(overrides.speed, (f, v) => checkNumber(f, v, 0.5, 2.0), "speed");
  const prosody =
    speed === undefined
      ? configProsody
      : {
          speed,
          volume: configProsody?.volume ?? 0.0,
          normalizeLoudness: configProsody?.normalizeLoudness,
        };

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
      opt(overrides.referenceId, checkReferenceId, "referenceId") ??
      opt(c.referenceId, checkReferenceId, "config.referenceId"),
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
    features: opt(
      c.features,
      (f, v) =>
        checkArray(f, v).map((item, i) => checkString(`${f}[${i}]`, item, { nonEmpty: true })),
      "config.features",
    ),
  };
}

function checkReferenceId(field: string, value: unknown): string | string[] {
  if (!Array.isArray(value)) return checkString(field, value, { nonEmpty: true });
  if (value.length === 0) {
    throw new ValidationError(field, "must name at least one voice (one id per speaker).");
  }
  return value.map((item, i) => checkString(`${field}[${i}]`, item, { nonEmpty: true }));
}

/** A list of samples, or (dialogue) a list per speaker: never a mix of the two. */
function checkReferences(field: string, value: unknown): ReferenceAudio[] | ReferenceAudio[][] {
  const list = checkArray(field, value);
  const nested = list.filter((item) => Array.isArray(item)).length;
  if (nested === 0) return checkSamples(field, list);
  if (nested !== list.length) {
    throw new ValidationError(
      field,
      "mixes samples and lists of samples: pass { audio, text } objects for one voice, or one list of them per speaker.",
    );
  }
  return list.map((speaker, i) => checkSamples(`${field}[${i}]`, speaker as unknown[]));
}

function checkSamples(field: string, list: unknown[]): ReferenceAudio[] {
  return list.map((item, i) => {
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

/** References with their bytes read: one list, or one per speaker. */
export type LoadedReferences = LoadedReference[] | LoadedReference[][];

function isNested<T>(list: T[] | T[][]): list is T[][] {
  return list.length > 0 && Array.isArray(list[0]);
}

/** Reads every reference's audio into bytes (msgpack sends them as bin). */
export async function loadReferences(
  references: ReferenceAudio[] | ReferenceAudio[][],
): Promise<LoadedReferences> {
  const load = (list: ReferenceAudio[], at: string) =>
    Promise.all(
      list.map(async (ref, i) => ({
        audio: await toBytes(`${at}[${i}].audio`, ref.audio),
        text: ref.text,
      })),
    );
  if (isNested(references)) {
    return Promise.all(references.map((list, i) => load(list, `references[${i}]`)));
  }
  return load(references, "references");
}

const SPEAKER_TAG = /<\|speaker:(\d+)\|>/g;
/** Anything that looks like a speaker tag, to catch misspelt ones. */
const TAG_LIKE = /<\|\s*speaker[^|>]*\|>/gi;

/**
 * Checks that the `<|speaker:N|>` markers of `text` (when given; WebSocket text arrives later)
 * and the voices agree: one voice (referenceId list entry or references list) per speaker,
 * markers whenever there are several voices, no dialogue on s1.
 */
export function checkDialogue(resolved: ResolvedTTS, model: string, text?: string): void {
  const ids = Array.isArray(resolved.referenceId) ? resolved.referenceId : undefined;
  const perSpeaker = isNested(resolved.references) ? resolved.references : undefined;
  if (ids && perSpeaker && ids.length !== perSpeaker.length) {
    throw new ValidationError(
      "references",
      `has ${perSpeaker.length} speaker lists but referenceId names ${ids.length} speakers: give one id and one list of samples per speaker.`,
    );
  }
  const voices = ids?.length ?? perSpeaker?.length;
  if (voices !== undefined && voices > 1 && model === "s1") {
    throw new ValidationError(
      "model",
      `"s1" cannot speak dialogue; use an S2 model (s2-pro, s2.1-pro, s2.1-pro-free) with several voices.`,
    );
  }
  if (text === undefined) return;
  for (const tag of text.matchAll(TAG_LIKE)) {
    if (!/^<\|speaker:\d+\|>$/.test(tag[0])) {
      throw new ValidationError(
        "text",
        `has a malformed speaker marker ${JSON.stringify(tag[0])}: write <|speaker:0|>, <|speaker:1|>, …`,
      );
    }
  }
  const speakers = [...text.matchAll(SPEAKER_TAG)].map((m) => Number(m[1]));
  const highest = speakers.length ? Math.max(...speakers) : -1;
  if (voices === undefined || voices <= 1) {
    if (highest > 0) {
      throw new ValidationError(
        "referenceId",
        `the text has <|speaker:${highest}|> but only one voice is given: pass referenceId as a list with one voice id per speaker (or references as one list of samples per speaker).`,
      );
    }
    return;
  }
  if (speakers.length === 0) {
    throw new ValidationError(
      "text",
      `${voices} voices are given but the text has no <|speaker:N|> markers: start each turn with one, e.g. "<|speaker:0|>Hi!<|speaker:1|>Hello!".`,
    );
  }
  if (highest >= voices) {
    throw new ValidationError(
      "text",
      `has <|speaker:${highest}|> but only ${voices} voices are given (speakers are numbered from 0): add a voice or fix the marker.`,
    );
  }
}

/**
 * The TTSRequest map in the Python SDK's key order. `unset` is what an unset optional field
 * becomes: `undefined` (left out, as HTTP's `exclude_none`) or `null` (nil, as the WS start).
 */
function ttsRequestMap(
  text: string,
  r: ResolvedTTS,
  references: LoadedReferences,
  unset: null | undefined,
): Record<string, MsgValue | undefined> {
  const map: Record<string, MsgValue | undefined> = {
    text,
    chunk_length: r.chunkLength,
    format: r.format,
    sample_rate: r.sampleRate ?? unset,
    mp3_bitrate: r.mp3Bitrate,
    opus_bitrate: r.opusBitrate,
    // loadReferences builds each as { audio, text }: the wire's keys in the wire's order.
    references: references as unknown as MsgValue,
    reference_id: r.referenceId ?? unset,
    normalize: r.normalize,
    latency: r.latency,
    prosody: r.prosody ? prosodyMap(r.prosody) : unset,
    top_p: float64(r.topP),
    temperature: float64(r.temperature),
    max_new_tokens: r.maxNewTokens,
    repetition_penalty: float64(r.repetitionPenalty),
    min_chunk_length: r.minChunkLength,
    condition_on_previous_chunks: r.conditionOnPreviousChunks,
    early_stop_threshold: float64(r.earlyStopThreshold),
  };
  // Newer fields go on the wire only when set, so a default request stays byte-identical to PY's.
  if (r.features !== undefined) map.features = r.features;
  return map;
}

function prosodyMap(p: NonNullable<ResolvedTTS["prosody"]>): Record<string, MsgValue> {
  const map: Record<string, MsgValue> = { speed: float64(p.speed), volume: float64(p.volume) };
  if (p.normalizeLoudness !== undefined) map.normalize_loudness = p.normalizeLoudness;
  return map;
}

/** The msgpack body of `POST /v1/tts`. */
export function encodeTTSRequest(
  text: string,
  resolved: ResolvedTTS,
  references: LoadedReferences,
): Uint8Array {
  return encodeMsgpack(ttsRequestMap(text, resolved, references, undefined));
}

/** The first WebSocket frame: `{event: "start", request: {18 keys, text: ""}}`. */
export function encodeStartFrame(resolved: ResolvedTTS, references: LoadedReferences): Uint8Array {
  return encodeMsgpack({ event: "start", request: ttsRequestMap("", resolved, references, null) });
}
