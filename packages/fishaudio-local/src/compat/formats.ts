import { HttpError } from "../http/errors.js";
import type { AudioFormat } from "../tts/request.js";
import { CompatError, refused } from "./errors.js";

/** Sample rates each codec takes on the compatibility protocols (Hz). */
export const RATES: Record<AudioFormat, readonly number[]> = {
  mp3: [32000, 44100],
  wav: [8000, 16000, 24000, 32000, 44100],
  pcm: [8000, 16000, 24000, 32000, 44100],
  opus: [48000],
};

/** The rate each codec defaults to (OpenAI `pcm16` is 24 kHz: see {@link openAiFormat}). */
export const DEFAULT_RATES: Record<AudioFormat, number> = {
  mp3: 44100,
  wav: 44100,
  pcm: 44100,
  opus: 48000,
};

/** MP3 is encoded at these bitrates (kbps). */
export const MP3_TIERS = [64, 128, 192] as const;

const MIME: Record<AudioFormat, string> = {
  mp3: "audio/mpeg",
  wav: "audio/wav",
  pcm: "audio/pcm",
  opus: "audio/ogg",
};

/** An output the compatibility protocols asked for, in native terms. */
export interface OutputFormat {
  format: AudioFormat;
  sampleRate: number;
  /** kbps, already on a tier; undefined for the default (128). */
  mp3Bitrate?: number;
}

/**
 * Checks a rate against the codec's table: a rate it doesn't take is a 400, never a silent
 * fallback (reported as synthesis reports it).
 * @example checkRate("mp3", 22050) // throws
 */
export function checkRate(format: AudioFormat, rate: number): number {
  if (!RATES[format].includes(rate)) {
    throw new HttpError(
      400,
      `Invalid sample rate ${rate} for format ${MIME[format]}; ${format} takes ${RATES[format].join(", ")} Hz`,
    );
  }
  return rate;
}

/**
 * An MP3 bitrate on the protocols' loose terms: out-of-tier values snap up to the next tier,
 * above 192 kbps is a 400.
 * @example snapMp3Bitrate(32) // 64
 */
export function snapMp3Bitrate(kbps: number): number {
  const tier = MP3_TIERS.find((t) => t >= kbps);
  if (tier === undefined || !Number.isFinite(kbps) || kbps <= 0) {
    throw refused(
      `MP3 bitrate ${kbps} kbps is not available: MP3 is encoded at ${MP3_TIERS.join(", ")} kbps (lower values snap up)`,
    );
  }
  return tier;
}

/** OpenAI `response_format` values and what each means here. */
const OPENAI_FORMATS: Record<string, { format: AudioFormat; rate: number }> = {
  mp3: { format: "mp3", rate: 44100 },
  wav: { format: "wav", rate: 44100 },
  opus: { format: "opus", rate: 48000 },
  pcm: { format: "pcm", rate: 44100 },
  pcm16: { format: "pcm", rate: 24000 },
};

/** Formats the OpenAI SDKs offer that cannot be produced here. */
const OPENAI_REFUSED = new Set(["aac", "flac", "mulaw", "ulaw", "alaw", "ogg"]);

/**
 * The output for an OpenAI speech request: `response_format` (default `pcm`) and the optional
 * `sample_rate` extension field.
 * @example openAiFormat("pcm16", undefined) // { format: "pcm", sampleRate: 24000 }
 */
export function openAiFormat(responseFormat: unknown, sampleRate: unknown): OutputFormat {
  const name = responseFormat === undefined || responseFormat === null ? "pcm" : responseFormat;
  if (typeof name !== "string" || !(name in OPENAI_FORMATS)) {
    const shown = JSON.stringify(name);
    throw refused(
      OPENAI_REFUSED.has(String(name))
        ? `response_format ${shown} is not supported: use mp3, wav, opus, pcm or pcm16`
        : `Unknown response_format ${shown}: use mp3, wav, opus, pcm or pcm16`,
    );
  }
  const base = OPENAI_FORMATS[name]!;
  if (sampleRate === undefined || sampleRate === null) {
    return { format: base.format, sampleRate: base.rate };
  }
  if (typeof sampleRate !== "number" || !Number.isInteger(sampleRate)) {
    throw refused("'sample_rate' must be an integer number of Hz");
  }
  return { format: base.format, sampleRate: checkRate(base.format, sampleRate) };
}

/**
 * Parses an ElevenLabs `output_format` (`mp3_44100_128`, `pcm_16000`, `opus_48000_64`, and the
 * Fish extension `wav_44100`); μ-law/A-law and unparseable names are a 400 from this layer, a
 * rate the codec doesn't take is the 400 synthesis gives.
 * @example elevenLabsFormat("mp3_32000_32") // { format: "mp3", sampleRate: 32000, mp3Bitrate: 64 }
 */
export function elevenLabsFormat(value: unknown): OutputFormat {
  const name = value === undefined || value === null || value === "" ? "mp3_44100_128" : value;
  const match =
    typeof name === "string" ? /^(mp3|pcm|opus|wav|ulaw|alaw)_(\d+)(?:_(\d+))?$/.exec(name) : null;
  if (!match || match[1] === "ulaw" || match[1] === "alaw") {
    throw new CompatError(
      400,
      "invalid_request",
      `unsupported output_format ${JSON.stringify(name)}: use mp3_<rate>_<kbps>, pcm_<rate>, opus_48000_<kbps> or wav_<rate>`,
    );
  }
  const format = match[1] as AudioFormat;
  const rate = checkRate(format, Number(match[2]));
  if (format === "mp3") {
    return {
      format,
      sampleRate: rate,
      mp3Bitrate: snapMp3Bitrate(match[3] === undefined ? 128 : Number(match[3])),
    };
  }
  if (match[3] !== undefined && format !== "opus") {
    throw new CompatError(
      400,
      "invalid_request",
      `unsupported output_format ${JSON.stringify(name)}: ${format} takes no bitrate`,
    );
  }
  // Opus bitrate is automatic: the requested value is accepted and ignored.
  return { format, sampleRate: rate };
}

/**
 * The Content-Type of a compatibility response in `format`.
 * @example contentType("mp3") // "audio/mpeg"
 */
export function contentType(format: AudioFormat): string {
  return MIME[format];
}
