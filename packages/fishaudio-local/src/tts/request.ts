import { HttpError } from "../http/errors.js";
import { validateComponent } from "../schema/validate.js";

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

/** The TTSRequest fields this server reads, as the schema types them (nils removed). */
interface TtsRequest {
  text: string;
  format?: AudioFormat;
  sample_rate?: number;
  mp3_bitrate?: number;
  opus_bitrate?: number;
  chunk_length?: number;
  normalize?: boolean;
  latency?: TtsParams["latency"];
  reference_id?: string | string[];
  references?: { audio: Uint8Array; text?: string }[] | { audio: Uint8Array; text?: string }[][];
  prosody?: { speed?: number; volume?: number; normalize_loudness?: boolean };
  temperature?: number;
  top_p?: number;
}

/** Sample rates the service encodes MP3 and Opus at (WAV and PCM take any rate in range). */
const SAMPLE_RATES: Record<AudioFormat, number[]> = {
  wav: [],
  pcm: [],
  mp3: [16000, 22050, 24000, 32000, 44100, 48000],
  opus: [8000, 12000, 16000, 24000, 48000],
};
const MP3_TIERS = [64, 128, 192];

type Obj = Record<string, unknown>;

function isMap(value: unknown): value is Obj {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

/** A copy without nil (msgpack) / null (JSON) fields: the cloud reads them as "use the default". */
function withoutNils(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNils);
  if (!isMap(value)) return value;
  const out: Obj = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== null && field !== undefined) out[key] = withoutNils(field);
  }
  return out;
}

/** JSON clients (the Go SDK) send reference audio as standard base64 text. */
function referenceBytes(references: unknown): unknown {
  if (!Array.isArray(references)) return references;
  return references.map((ref) => {
    if (Array.isArray(ref)) return referenceBytes(ref);
    if (isMap(ref) && typeof ref.audio === "string") {
      return { ...ref, audio: new Uint8Array(Buffer.from(ref.audio, "base64")) };
    }
    return ref;
  });
}

function sampleRate(format: AudioFormat, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (format === "wav" || format === "pcm") {
    if (value < 8000 || value > 48000) {
      throw new HttpError(
        422,
        `'sample_rate' for ${format} must be an integer from 8000 to 48000 Hz`,
      );
    }
  } else if (!SAMPLE_RATES[format].includes(value)) {
    throw new HttpError(
      422,
      `'sample_rate' for ${format} must be one of ${SAMPLE_RATES[format].join(", ")}`,
    );
  }
  return value;
}

function inlineReferences(request: TtsRequest): InlineReference[][] {
  const refs = request.references ?? [];
  if (refs.length === 0) return [];
  const speakers = (refs as unknown[]).every(Array.isArray)
    ? (refs as { audio: Uint8Array; text?: string }[][])
    : [refs as { audio: Uint8Array; text?: string }[]];
  return speakers.map((speaker, i) =>
    speaker.map((ref, j) => {
      if (ref.audio.length === 0) {
        const where =
          speakers.length > 1 || Array.isArray(refs[0])
            ? `references[${i}][${j}]`
            : `references[${j}]`;
        throw new HttpError(
          422,
          `${where}.audio is empty: send the reference's audio bytes (msgpack bin, or base64 in JSON)`,
        );
      }
      return { audio: ref.audio, text: ref.text ?? "" };
    }),
  );
}

/**
 * Validates a decoded TTS request (HTTP body or WebSocket `start.request`) against the
 * published TTSRequest schema and applies the defaults; throws 422 naming the bad field.
 * @example const params = parseTtsRequest(decode(body), { requireText: true });
 */
export function parseTtsRequest(value: unknown, options: { requireText: boolean }): TtsParams {
  if (!isMap(value)) {
    throw new HttpError(400, "The TTS request must be an object (JSON object or msgpack map)");
  }
  const obj = withoutNils(value) as Obj;
  // A realtime session's text comes in `text` events, so its start request may leave it out.
  if (!options.requireText && obj.text === undefined) obj.text = "";
  obj.references = referenceBytes(obj.references);
  if (obj.references === undefined) delete obj.references;
  validateComponent("TTSRequest", obj);
  const request = obj as unknown as TtsRequest;
  if (options.requireText && request.text.trim() === "") {
    throw new HttpError(422, "'text' is required and must not be empty");
  }
  const format = request.format ?? "mp3";
  const mp3 = request.mp3_bitrate ?? 128;
  const ids = request.reference_id;
  return {
    text: request.text,
    format,
    sampleRate: sampleRate(format, request.sample_rate),
    // Out-of-tier MP3 bitrates snap up to the next tier, as the cloud does.
    mp3Bitrate: MP3_TIERS.find((tier) => tier >= mp3) ?? 192,
    opusBitrate: request.opus_bitrate ?? -1000,
    chunkLength: request.chunk_length ?? 300,
    normalize: request.normalize ?? true,
    latency: request.latency ?? "normal",
    referenceIds: ids === undefined || ids === "" ? [] : typeof ids === "string" ? [ids] : ids,
    references: inlineReferences(request),
    speed: request.prosody?.speed ?? 1,
    volumeDb: request.prosody?.volume ?? 0,
    normalizeLoudness: request.prosody?.normalize_loudness ?? true,
    temperature: request.temperature ?? 0.7,
    topP: request.top_p ?? 0.7,
  };
}
