import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import { readObject } from "../../http/decode.js";
import type { Principal } from "../../store/accounts.js";
import { audioOutput } from "../../tts/outputs/audio.js";
import { runTts } from "../../tts/pipeline.js";
import { refused } from "../errors.js";
import { elevenLabsFormat } from "../formats.js";
import { resolveModel } from "../models.js";
import { type CompatSpeech, nativeSpeech } from "../speech.js";
import { alignedJson, alignedLines } from "./aligned-outputs.js";

type Obj = Record<string, unknown>;

/** ElevenLabs' limit on JSON bodies. */
const MAX_BODY = 140 * 1024 * 1024;

/** The four REST shapes of ElevenLabs text to speech. */
export type TtsVariant = "convert" | "stream" | "with-timestamps" | "stream-with-timestamps";

/**
 * The synthesis request an ElevenLabs body and query describe: `model_id` (`eleven_*` names are
 * served by the default Fish model), `voice_settings.speed` → speech rate and
 * `voice_settings.stability` → temperature `1 − stability`; the other vendor knobs are ignored.
 * @example const spec = elevenLabsSpeech(body, "default", url.searchParams.get("output_format"));
 */
export function elevenLabsSpeech(body: Obj, voiceId: string, outputFormat: unknown): CompatSpeech {
  const settings = body.voice_settings;
  if (
    settings !== undefined &&
    settings !== null &&
    (typeof settings !== "object" || Array.isArray(settings))
  ) {
    throw refused("'voice_settings' must be an object");
  }
  const voice = (settings ?? {}) as Obj;
  let temperature: number | undefined;
  if (voice.stability !== undefined && voice.stability !== null) {
    if (typeof voice.stability !== "number" || !(voice.stability >= 0 && voice.stability <= 1)) {
      throw refused(
        `'voice_settings.stability' must be a number from 0 to 1, got ${JSON.stringify(voice.stability)}`,
      );
    }
    temperature = Math.round((1 - voice.stability) * 1000) / 1000;
  }
  let speed: number | undefined;
  if (voice.speed !== undefined && voice.speed !== null) {
    if (typeof voice.speed !== "number" || !(voice.speed >= 0.25 && voice.speed <= 4)) {
      throw refused(
        `'voice_settings.speed' must be a number from 0.25 to 4, got ${JSON.stringify(voice.speed)}`,
      );
    }
    speed = voice.speed;
  }
  return {
    text: body.text,
    textField: "text",
    output: elevenLabsFormat(outputFormat),
    voice: voiceId,
    model: resolveModel(body.model_id, "tts", (name) => name.startsWith("eleven_")),
    speed,
    temperature,
  };
}

/**
 * Reads an ElevenLabs JSON body.
 * @example const body = await readElevenLabsBody(ctx, req);
 */
export async function readElevenLabsBody(ctx: ServerContext, req: IncomingMessage): Promise<Obj> {
  const value = await readObject(req, ["json"], Math.min(MAX_BODY, ctx.maxBodyBytes));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw refused("The request body must be a JSON object");
  }
  return value as Obj;
}

/** POST /v1/text-to-speech/{voice_id}[/stream][/with-timestamps]. */
export async function handleTextToSpeech(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
  voiceId: string,
  variant: TtsVariant,
  url: URL,
): Promise<void> {
  const body = await readElevenLabsBody(ctx, req);
  const spec = elevenLabsSpeech(body, voiceId, url.searchParams.get("output_format") ?? undefined);
  const timestamped = variant === "with-timestamps" || variant === "stream-with-timestamps";
  if (timestamped) {
    spec.refuseReferences =
      "Reference audio is not available on the timestamped endpoints: use a voice id, or the endpoint without timestamps";
  }
  const native = nativeSpeech(ctx, principal, req, spec);
  const headers = {
    "Cache-Control": "no-store",
    "X-Generation-Id": randomBytes(12).toString("hex"),
    "X-Fish-Model": native.model,
  };
  if (variant === "with-timestamps") {
    await runTts(ctx, principal, res, native, alignedJson(headers));
  } else if (variant === "stream-with-timestamps") {
    await runTts(ctx, principal, res, native, alignedLines(headers));
  } else {
    const output = audioOutput("elevenlabs", () => ({
      ...headers,
      "Content-Type": native.contentType,
    }));
    await runTts(ctx, principal, res, native, output);
  }
}
