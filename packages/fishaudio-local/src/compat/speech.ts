import type { IncomingMessage } from "node:http";
import type { ServerContext } from "../context.js";
import type { Principal } from "../store/accounts.js";
import { planTts, type TtsJob } from "../tts/pipeline.js";
import { refused } from "./errors.js";
import { checkRate, contentType, MP3_TIERS, type OutputFormat } from "./formats.js";
import type { CatalogModel } from "./models.js";
import { fishHeaders } from "./native-options.js";
import { resolveVoice } from "./voices.js";

type Obj = Record<string, unknown>;

/** The local engines speak at 0.5–2× (native `prosody.speed`); faster or slower is clamped. */
const ENGINE_SPEED = { min: 0.5, max: 2 };

/** A synthesis request of either protocol, already mapped to native meaning. */
export interface CompatSpeech {
  text: unknown;
  /** The protocol's name of the text field, for error messages ("input", "text"). */
  textField: string;
  output: OutputFormat;
  voice: unknown;
  model: CatalogModel;
  /** Speech rate multiplier (OpenAI `speed`, ElevenLabs `voice_settings.speed`). */
  speed?: number;
  /** Native temperature (ElevenLabs `1 - stability`). */
  temperature?: number;
  /** Native fields from the body (OpenAI `provider.options`); `X-Fish-*` headers win over them. */
  native?: Obj;
  /** Set on endpoints without reference audio: the message refusing it. */
  refuseReferences?: string;
}

/** A compatible request in native terms: the TTSRequest to run, and the model it is billed as. */
export interface NativeSpeech {
  request: Obj;
  model: string;
  /** The Content-Type of the audio it answers. */
  contentType: string;
}

/**
 * Maps a protocol's synthesis request onto a native TTSRequest (mapped values, then
 * `provider.options`, then `X-Fish-*` headers, which win); validation and voices are the native
 * pipeline's (tts/pipeline.ts).
 * @example await runTts(ctx, principal, res, nativeSpeech(ctx, principal, req, spec), output);
 */
export function nativeSpeech(
  ctx: ServerContext,
  principal: Principal,
  req: IncomingMessage,
  spec: CompatSpeech,
): NativeSpeech {
  if (typeof spec.text !== "string" || spec.text.trim() === "") {
    throw refused(`'${spec.textField}' is required: the text to speak, a non-empty string`);
  }
  const mapped: Obj = {
    text: spec.text,
    format: spec.output.format,
    sample_rate: spec.output.sampleRate,
    // Synthesis on the compatible APIs defaults to streaming-optimised latency.
    latency: "low",
    reference_id: resolveVoice(ctx, principal, spec.voice),
  };
  if (spec.output.mp3Bitrate !== undefined) mapped.mp3_bitrate = spec.output.mp3Bitrate;
  if (spec.temperature !== undefined) mapped.temperature = spec.temperature;
  const prosody: Obj = {};
  if (spec.speed !== undefined) {
    prosody.speed = Math.min(ENGINE_SPEED.max, Math.max(ENGINE_SPEED.min, spec.speed));
  }

  const overrides: Obj = { ...spec.native, ...fishHeaders(req) };
  if (overrides.mp3_bitrate !== undefined && !MP3_TIERS.includes(overrides.mp3_bitrate as 64)) {
    throw refused(
      `Native mp3_bitrate must be one of ${MP3_TIERS.join(", ")} kbps, got ${JSON.stringify(overrides.mp3_bitrate)}`,
    );
  }
  if (typeof overrides.sample_rate === "number")
    checkRate(spec.output.format, overrides.sample_rate);
  if (
    spec.refuseReferences &&
    overrides.references !== undefined &&
    overrides.references !== null
  ) {
    throw refused(spec.refuseReferences);
  }
  const merged: Obj = { ...mapped, ...overrides };
  const override = overrides.prosody;
  merged.prosody =
    override !== null && typeof override === "object" && !Array.isArray(override)
      ? { ...prosody, ...(override as Obj) }
      : (override ?? prosody);
  if (merged.reference_id === undefined) delete merged.reference_id;
  return {
    request: merged,
    model: spec.model.native,
    contentType: contentType(spec.output.format),
  };
}

/**
 * {@link nativeSpeech}, validated and with its voices planned, for a session that renders
 * piece by piece (ElevenLabs stream-input).
 * @example const job = await prepareSpeech(ctx, principal, req, spec);
 */
export async function prepareSpeech(
  ctx: ServerContext,
  principal: Principal,
  req: IncomingMessage,
  spec: CompatSpeech,
): Promise<TtsJob> {
  return planTts(ctx, principal, nativeSpeech(ctx, principal, req, spec));
}
