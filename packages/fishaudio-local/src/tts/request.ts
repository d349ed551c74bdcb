import { HttpError } from "../http/errors.js";

export type AudioFormat = "wav" | "pcm" | "mp3" | "opus";

/** A reference clip for zero-shot cloning. */
export interface InlineReference {
  audio: Uint8Array;
  text: string;
}

/** A TTS request after defaults and validation (wire names in camelCase). */
export interface TtsParams {
  text: string;
  format: AudioFormat;
  sampleRate: number | undefined;
  mp3Bitrate: number;
  opusBitrate: number;
  chunkLength: number;
  normalize: boolean;
  latency: "low" | "normal" | "balanced";
  /** One id per speaker; empty when the request names no voice. */
  referenceIds: string[];
  /** Inline references, one list per speaker; empty when none. */
  references: InlineReference[][];
  speed: number;
  volumeDb: number;
  normalizeLoudness: boolean;
  temperature: number;
  topP: number;
}

const FORMATS = new Set<AudioFormat>(["wav", "pcm", "mp3", "opus"]);
const LATENCIES = new Set(["low", "normal", "balanced"]);
const SAMPLE_RATES: Record<AudioFormat, number[]> = {
  wav: [],
  pcm: [],
  mp3: [16000, 22050, 24000, 32000, 44100, 48000],
  opus: [8000, 12000, 16000, 24000, 48000],
};
const MP3_TIERS = [64, 128, 192];

function bad(message: string): HttpError {
  return new HttpError(422, message);
}

type Obj = Record<string, unknown>;

/** The value of `key`, with msgpack/JSON nil treated as absent. */
function get(obj: Obj, key: string): unknown {
  const value = obj[key];
  return value === null ? undefined : value;
}

function number(obj: Obj, key: string, fallback: number, min: number, max: number): number {
  const value = get(obj, key);
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw bad(`'${key}' must be a number between ${min} and ${max}`);
  }
  if (value < min || value > max)
    throw bad(`'${key}' must be between ${min} and ${max}, got ${value}`);
  return value;
}

function integer(obj: Obj, key: string, fallback: number, min: number, max: number): number {
  const value = number(obj, key, fallback, min, max);
  if (!Number.isInteger(value)) throw bad(`'${key}' must be an integer, got ${value}`);
  return value;
}

function bool(obj: Obj, key: string, fallback: boolean): boolean {
  const value = get(obj, key);
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw bad(`'${key}' must be true or false`);
  return value;
}

function choice<T extends string>(obj: Obj, key: string, fallback: T, allowed: Set<T>): T {
  const value = get(obj, key);
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.has(value as T)) {
    throw bad(`'${key}' must be one of ${[...allowed].join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function reference(value: unknown, where: string): InlineReference {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw bad(`${where} must be an object {audio, text}`);
  }
  const ref = value as Obj;
  let audio = get(ref, "audio");
  if (typeof audio === "string") {
    // JSON clients (the Go SDK) send bytes as standard base64.
    audio = new Uint8Array(Buffer.from(audio, "base64"));
  }
  if (!(audio instanceof Uint8Array) || audio.length === 0) {
    throw bad(`${where}.audio must be non-empty audio bytes (msgpack bin, or base64 in JSON)`);
  }
  const text = get(ref, "text") ?? "";
  if (typeof text !== "string") throw bad(`${where}.text must be a string`);
  return { audio, text };
}

function references(obj: Obj): InlineReference[][] {
  const value = get(obj, "references");
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad("'references' must be a list of {audio, text}");
  if (value.length === 0) return [];
  if (value.every((v) => Array.isArray(v))) {
    return value.map((speaker: unknown[], i) =>
      speaker.map((r, j) => reference(r, `references[${i}][${j}]`)),
    );
  }
  return [value.map((r, i) => reference(r, `references[${i}]`))];
}

function referenceIds(obj: Obj): string[] {
  const value = get(obj, "reference_id");
  if (value === undefined || value === "") return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "")) {
    return value as string[];
  }
  throw bad("'reference_id' must be a voice id string or a list of voice ids");
}

/** Accepts kbps (24..64, as the SDKs send) or bps (24000..64000, as the server documents). */
function opusBitrate(obj: Obj): number {
  const value = get(obj, "opus_bitrate");
  if (value === undefined) return -1000;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw bad("'opus_bitrate' must be an integer: -1000 (auto), kbps (24, 32, 48, 64) or bps");
  }
  if (value === -1000 || (value >= 6 && value <= 510) || (value >= 6000 && value <= 510_000)) {
    return value;
  }
  throw bad(`'opus_bitrate' must be -1000 (auto), 6..510 kbps or 6000..510000 bps, got ${value}`);
}

/** Out-of-tier MP3 bitrates snap up to the next tier, as the cloud does. */
function mp3Bitrate(obj: Obj): number {
  const value = integer(obj, "mp3_bitrate", 128, 8, 320);
  return MP3_TIERS.find((tier) => tier >= value) ?? 192;
}

/**
 * Validates a decoded TTS request (HTTP body or WebSocket `start.request`), applying the
 * server defaults for missing and nil fields; throws 422 naming the bad field.
 * @example const params = parseTtsRequest(decode(body), { requireText: true });
 */
export function parseTtsRequest(value: unknown, options: { requireText: boolean }): TtsParams {
  if (
    value === null ||
    typeof value !== "object" ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  ) {
    throw new HttpError(400, "The TTS request must be an object (JSON object or msgpack map)");
  }
  const obj = value as Obj;
  const text = get(obj, "text") ?? "";
  if (typeof text !== "string") throw bad("'text' must be a string");
  if (options.requireText && text.trim() === "") {
    throw bad("'text' is required and must not be empty");
  }
  const format = choice<AudioFormat>(obj, "format", "mp3", FORMATS);
  const sampleRateValue = get(obj, "sample_rate");
  let sampleRate: number | undefined;
  if (sampleRateValue !== undefined) {
    const allowed = SAMPLE_RATES[format];
    const ok =
      typeof sampleRateValue === "number" &&
      (format === "wav" || format === "pcm"
        ? Number.isInteger(sampleRateValue) && sampleRateValue >= 8000 && sampleRateValue <= 48000
        : allowed.includes(sampleRateValue));
    if (!ok) {
      throw bad(
        format === "wav" || format === "pcm"
          ? `'sample_rate' for ${format} must be an integer from 8000 to 48000 Hz`
          : `'sample_rate' for ${format} must be one of ${allowed.join(", ")}`,
      );
    }
    sampleRate = sampleRateValue;
  }
  const prosodyValue = get(obj, "prosody");
  if (
    prosodyValue !== undefined &&
    (typeof prosodyValue !== "object" || Array.isArray(prosodyValue))
  ) {
    throw bad("'prosody' must be an object {speed, volume}");
  }
  const prosody = (prosodyValue ?? {}) as Obj;
  // Validated for the client's sake; the local engines have no use for them.
  integer(obj, "max_new_tokens", 1024, 0, 1_000_000);
  number(obj, "repetition_penalty", 1.2, 0, 10);
  integer(obj, "min_chunk_length", 50, 0, 100);
  bool(obj, "condition_on_previous_chunks", true);
  number(obj, "early_stop_threshold", 1, 0, 1);
  const features = get(obj, "features");
  if (
    features !== undefined &&
    !(Array.isArray(features) && features.every((f) => typeof f === "string"))
  ) {
    throw bad("'features' must be a list of strings");
  }
  return {
    text,
    format,
    sampleRate,
    mp3Bitrate: mp3Bitrate(obj),
    opusBitrate: opusBitrate(obj),
    chunkLength: integer(obj, "chunk_length", 300, 100, 300),
    normalize: bool(obj, "normalize", true),
    latency: choice(obj, "latency", "normal", LATENCIES as Set<"low" | "normal" | "balanced">),
    referenceIds: referenceIds(obj),
    references: references(obj),
    speed: number(prosody, "speed", 1, 0.5, 2),
    volumeDb: number(prosody, "volume", 0, -20, 20),
    normalizeLoudness: bool(prosody, "normalize_loudness", true),
    temperature: number(obj, "temperature", 0.7, 0, 1),
    topP: number(obj, "top_p", 0.7, 0, 1),
  };
}
