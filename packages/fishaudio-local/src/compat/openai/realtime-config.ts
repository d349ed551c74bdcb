/**
 * The settings of an OpenAI Realtime session and how `session.update` changes them: the GA
 * positions (`audio.output.format|voice|speed`, `audio.input.format|turn_detection`,
 * `output_modalities`) and the legacy top-level ones (`voice`, `speed`, `output_audio_format`,
 * `input_audio_format`, `turn_detection`, `modalities`), read the same way.
 */
import type { AudioFormat } from "../../tts/request.js";
import { RATES } from "../formats.js";
import { type CatalogModel, resolveModel } from "../models.js";

type Obj = Record<string, unknown>;

/** A session's audio format, as the GA object form writes it. */
export interface RealtimeFormat {
  type: "audio/pcm" | "audio/wav" | "audio/mp3" | "audio/opus";
  rate: number;
}

/** What a session is set to. */
export interface RealtimeConfig {
  /** "transcription": a dedicated transcription session (`?intent=transcription`). */
  kind: "realtime" | "transcription";
  model: CatalogModel;
  /** A Fish voice id; "" is the model's default voice. */
  voice: string;
  speed: number;
  output: RealtimeFormat;
  input: RealtimeFormat;
  instructions: string;
  /** The transcription model and language hint (`audio.input.transcription`). */
  transcription: { model: string; language?: string } | null;
}

/** A client mistake in a Realtime event, reported as an `error` event with this code. */
export class RealtimeRefusal extends Error {
  override name = "RealtimeRefusal";
  /** @example throw new RealtimeRefusal("invalid_speed", "'speed' must be 0.25 to 4.0", "session.speed"); */
  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const FORMAT_OF: Record<RealtimeFormat["type"], AudioFormat> = {
  "audio/pcm": "pcm",
  "audio/wav": "wav",
  "audio/mp3": "mp3",
  "audio/opus": "opus",
};

/** Each format's rate when it is set without one (never the rate the session had before). */
const DEFAULT_RATE: Record<RealtimeFormat["type"], number> = {
  "audio/pcm": 24000,
  "audio/wav": 44100,
  "audio/mp3": 44100,
  "audio/opus": 48000,
};

/** The string spellings, and the GA type each stands for. */
const NAMES: Record<string, RealtimeFormat["type"]> = {
  pcm16: "audio/pcm",
  pcm: "audio/pcm",
  wav: "audio/wav",
  mp3: "audio/mp3",
  opus: "audio/opus",
};

const G711 = new Set(["audio/pcmu", "audio/pcma", "g711_ulaw", "g711_alaw", "pcmu", "pcma"]);

/**
 * The native format of a session format.
 * @example nativeFormat({ type: "audio/mp3", rate: 44100 }) // "mp3"
 */
export function nativeFormat(format: RealtimeFormat): AudioFormat {
  return FORMAT_OF[format.type];
}

/**
 * A new session's settings: `model` from the URL, or the default of its kind.
 * @example initialConfig(undefined, "realtime").output // { type: "audio/pcm", rate: 24000 }
 */
export function initialConfig(
  model: string | undefined,
  kind: RealtimeConfig["kind"],
): RealtimeConfig {
  const transcribe = resolveModel(kind === "transcription" ? model : undefined, "asr");
  return {
    kind,
    model: kind === "transcription" ? transcribe : resolveModel(model, "tts"),
    voice: "",
    speed: 1,
    output: { type: "audio/pcm", rate: 24000 },
    input: { type: "audio/pcm", rate: 24000 },
    instructions: "",
    transcription: kind === "transcription" ? { model: transcribe.id } : null,
  };
}

/**
 * A format in either spelling: `"mp3"` or `{type: "audio/mp3", rate: 32000}`; no `rate` means
 * the format's default rate. μ-law and A-law are refused.
 * @example readFormat({ type: "audio/pcm" }, "session.audio.output.format", true) // rate 24000
 */
export function readFormat(value: unknown, param: string, output: boolean): RealtimeFormat {
  const typeName =
    typeof value === "string"
      ? value
      : value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Obj).type
        : undefined;
  const name = typeof typeName === "string" ? typeName : "";
  if (G711.has(name)) {
    throw new RealtimeRefusal(
      "unsupported_audio_format",
      `${name} is not supported: μ-law and A-law are refused; use audio/pcm, audio/wav, audio/mp3 or audio/opus`,
      param,
    );
  }
  const type =
    typeof value === "string" ? NAMES[value] : (FORMAT_OF as Obj)[name] ? name : undefined;
  if (type === undefined || (!output && type !== "audio/pcm")) {
    throw new RealtimeRefusal(
      "unsupported_audio_format",
      output
        ? `Unknown audio format ${JSON.stringify(typeName ?? value)}: use audio/pcm, audio/wav, audio/mp3 or audio/opus (or "pcm16", "wav", "mp3", "opus")`
        : `Input audio must be audio/pcm (16-bit little-endian), got ${JSON.stringify(typeName ?? value)}`,
      param,
    );
  }
  const format = type as RealtimeFormat["type"];
  const rate = typeof value === "object" ? (value as Obj).rate : undefined;
  if (rate === undefined || rate === null) return { type: format, rate: DEFAULT_RATE[format] };
  const rates = RATES[FORMAT_OF[format]];
  if (typeof rate !== "number" || !rates.includes(rate)) {
    throw new RealtimeRefusal(
      "unsupported_audio_format",
      `Rate ${JSON.stringify(rate)} is not available for ${format}: use ${rates.join(", ")} Hz`,
      `${param}.rate`,
    );
  }
  return { type: format, rate };
}

function object(value: unknown, param: string): Obj {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new RealtimeRefusal("invalid_value", `'${param}' must be an object`, param);
  }
  return value as Obj;
}

/** The first of the GA and legacy positions that is set. */
function either(ga: unknown, legacy: unknown): unknown {
  return ga !== undefined ? ga : legacy;
}

function refuseTurnDetection(value: unknown, param: string): void {
  if (value === undefined || value === null || value === "none") return;
  const type =
    typeof value === "object" && !Array.isArray(value) ? (value as Obj).type : (value as unknown);
  if (type === undefined || type === null || type === "none") return;
  throw new RealtimeRefusal(
    "unsupported_turn_detection",
    `turn_detection ${JSON.stringify(type)} is not supported: turn detection is yours to drive (send input_audio_buffer.commit to end an utterance); set it to null`,
    param,
  );
}

/**
 * The settings after a `session.update` (or `transcription_session.update`, or a
 * `response.create`'s own `response` overrides): a copy of `config` with what `update` sets.
 * Throws a {@link RealtimeRefusal} for anything refused; `config` is left as it was.
 * @example const next = updateConfig(config, { audio: { output: { voice: "flite-rms" } } });
 */
export function updateConfig(config: RealtimeConfig, update: Obj, where: string): RealtimeConfig {
  const next: RealtimeConfig = { ...config };
  const audio = object(update.audio, `${where}.audio`);
  const out = object(audio.output, `${where}.audio.output`);
  const inp = object(audio.input, `${where}.audio.input`);

  refuseTurnDetection(update.turn_detection, `${where}.turn_detection`);
  refuseTurnDetection(inp.turn_detection, `${where}.audio.input.turn_detection`);

  const modalities = either(update.output_modalities, update.modalities);
  if (modalities !== undefined && modalities !== null) {
    if (!Array.isArray(modalities) || !modalities.includes("audio")) {
      throw new RealtimeRefusal(
        "unsupported_output_modalities",
        `output_modalities ${JSON.stringify(modalities)} leaves out "audio": this socket always produces audio`,
        `${where}.output_modalities`,
      );
    }
  }

  const format = either(out.format, update.output_audio_format);
  if (format !== undefined) next.output = readFormat(format, `${where}.audio.output.format`, true);
  const input = either(inp.format, update.input_audio_format);
  if (input !== undefined) next.input = readFormat(input, `${where}.audio.input.format`, false);

  const voice = either(out.voice, update.voice);
  if (voice !== undefined) {
    if (voice !== null && typeof voice !== "string") {
      throw new RealtimeRefusal(
        "invalid_voice",
        "'voice' must be a Fish voice id",
        `${where}.audio.output.voice`,
      );
    }
    next.voice = voice ?? "";
  }

  const speed = either(out.speed, update.speed);
  if (speed !== undefined && speed !== null) {
    if (typeof speed !== "number" || !(speed >= 0.25 && speed <= 4)) {
      throw new RealtimeRefusal(
        "invalid_speed",
        `'speed' must be a number from 0.25 to 4.0, got ${JSON.stringify(speed)}`,
        `${where}.audio.output.speed`,
      );
    }
    next.speed = speed;
  }

  if (typeof update.instructions === "string") next.instructions = update.instructions;

  const transcription = either(inp.transcription, update.input_audio_transcription);
  if (transcription === null) next.transcription = null;
  else if (transcription !== undefined) {
    const t = object(transcription, `${where}.audio.input.transcription`);
    let model: CatalogModel;
    try {
      model = resolveModel(t.model, "asr");
    } catch (error) {
      throw new RealtimeRefusal(
        "invalid_model",
        (error as Error).message,
        `${where}.audio.input.transcription.model`,
      );
    }
    next.transcription = {
      model: model.id,
      ...(typeof t.language === "string" && t.language !== "" ? { language: t.language } : {}),
    };
  }
  return next;
}

/**
 * The session object the session events carry (`realtime.session`, or
 * `realtime.transcription_session` for a transcription session).
 * @example send({ type: "session.updated", session: sessionObject(id, config) });
 */
export function sessionObject(id: string, config: RealtimeConfig): Obj {
  const input = {
    format: { ...config.input },
    transcription: config.transcription,
    turn_detection: null,
    noise_reduction: null,
  };
  if (config.kind === "transcription") {
    return {
      object: "realtime.transcription_session",
      id,
      type: "transcription",
      audio: { input },
      include: [],
    };
  }
  return {
    object: "realtime.session",
    id,
    type: "realtime",
    model: config.model.id,
    output_modalities: ["audio"],
    instructions: config.instructions,
    audio: {
      input,
      output: { format: { ...config.output }, voice: config.voice, speed: config.speed },
    },
    tools: [],
    tool_choice: "auto",
    max_output_tokens: "inf",
  };
}
