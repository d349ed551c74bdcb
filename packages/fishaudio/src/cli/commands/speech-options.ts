/**
 * The synthesis options `tts` and `live` share, and the choice of audio destination.
 */
import { extname } from "node:path";
import type { AudioFormat, LatencyMode, Model, TTSConfig, TTSOverrides } from "../../index.js";
import { number, type OptionSpec, oneOf, str, type Values } from "../args.js";
import { CliError } from "../errors.js";

/** The audio formats the API produces. */
export const FORMATS: readonly AudioFormat[] = ["mp3", "wav", "pcm", "opus"];
const LATENCIES: readonly LatencyMode[] = ["normal", "balanced", "low"];

/** Options shared by `tts` and `live`. */
export const speechOptions: Record<string, OptionSpec> = {
  output: {
    type: "string",
    short: "o",
    value: "FILE",
    description: 'write the audio to FILE ("-" for stdout)',
  },
  play: { type: "boolean", description: "play the audio on the speakers as it arrives" },
  voice: {
    type: "string",
    multiple: true,
    value: "ID",
    description: "voice id to speak with (tts --script: NAME=ID per speaker)",
  },
  format: {
    type: "string",
    value: "FMT",
    description: "mp3, wav, pcm or opus (default: from the -o extension, else mp3)",
  },
  model: { type: "string", value: "NAME", description: "TTS model (default s2.1-pro)" },
  speed: { type: "string", value: "X", description: "speaking speed, 0.5 to 2.0" },
  "sample-rate": { type: "string", value: "HZ", description: "output sample rate in Hz" },
  latency: { type: "string", value: "MODE", description: "normal, balanced or low" },
};

/** Synthesis parameters in SDK terms. */
export interface SpeechParams {
  format: AudioFormat;
  /** One voice, or one per dialogue speaker. */
  referenceId?: string | string[];
  /** --voice NAME=ID: a voice per dialogue speaker (tts --script). */
  speakerVoices?: Map<string, string>;
  model?: Model;
  speed?: number;
  sampleRate?: number;
  latency?: LatencyMode;
}

const EXTENSIONS: Record<string, AudioFormat> = {
  ".mp3": "mp3",
  ".wav": "wav",
  ".pcm": "pcm",
  ".raw": "pcm",
  ".opus": "opus",
  ".ogg": "opus",
};

/**
 * Reads the shared synthesis options, checking ranges before anything is sent.
 * @example const params = speechParams(values); // { format: "mp3", speed: 1.2 }
 */
export function speechParams(values: Values): SpeechParams {
  const output = str(values, "output");
  const format =
    oneOf(values, "format", FORMATS) ??
    (output && output !== "-" ? EXTENSIONS[extname(output).toLowerCase()] : undefined) ??
    "mp3";
  const params: SpeechParams = { format };
  const voices = strings(values, "voice");
  for (const voice of voices) {
    if (!voice.trim()) throw new CliError("--voice needs a voice id; see `fishaudio voices list`");
  }
  const named = voices.filter((v) => /^[^=]+=[^=]+$/.test(v.trim()));
  if (named.length > 0) {
    if (named.length !== voices.length) {
      throw new CliError(
        "--voice takes either one voice id, or NAME=ID once per speaker of a --script; not both",
      );
    }
    params.speakerVoices = new Map();
    for (const entry of named) {
      const [name, id] = entry.split("=").map((s) => s.trim()) as [string, string];
      if (params.speakerVoices.has(name)) throw new CliError(`--voice ${name}=… is given twice`);
      params.speakerVoices.set(name, id);
    }
  } else if (voices.length > 1) {
    throw new CliError(
      "--voice was given more than once: for a dialogue, use --script FILE with --voice NAME=ID per speaker",
    );
  } else if (voices.length === 1) {
    params.referenceId = voices[0]!.trim();
  }
  const model = str(values, "model");
  if (model !== undefined) params.model = model;
  const speed = number(values, "speed", { min: 0.5, max: 2 });
  if (speed !== undefined) params.speed = speed;
  const sampleRate = number(values, "sample-rate", { min: 8000, max: 192_000, integer: true });
  if (sampleRate !== undefined) params.sampleRate = sampleRate;
  const latency = oneOf(values, "latency", LATENCIES);
  if (latency !== undefined) params.latency = latency;
  return params;
}

function strings(values: Values, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * The SDK request fields for these parameters (direct options plus a config for the rest).
 * @example await client.tts.convert({ text, ...requestFields(params) });
 */
export function requestFields(
  params: SpeechParams,
): TTSOverrides & { model?: Model; config?: TTSConfig } {
  return {
    format: params.format,
    ...(params.referenceId !== undefined ? { referenceId: params.referenceId } : {}),
    ...(params.model !== undefined ? { model: params.model } : {}),
    ...(params.speed !== undefined ? { speed: params.speed } : {}),
    ...(params.latency !== undefined ? { latency: params.latency } : {}),
    ...(params.sampleRate !== undefined ? { config: { sampleRate: params.sampleRate } } : {}),
  };
}

/** The message shown when --voice names no voice the server knows. */
export function unknownVoice(id: string | string[] | undefined): string | undefined {
  if (id === undefined) return undefined;
  const what = Array.isArray(id) ? `one of the voices ${id.join(", ")}` : `voice "${id}"`;
  return `${what} not found: see \`fishaudio voices list\` for the voices you can use`;
}
