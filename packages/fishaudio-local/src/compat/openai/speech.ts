import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import { readObject } from "../../http/decode.js";
import type { Principal } from "../../store/accounts.js";
import { audioOutput } from "../../tts/outputs/audio.js";
import { runTts } from "../../tts/pipeline.js";
import { CompatError, refused } from "../errors.js";
import { openAiFormat } from "../formats.js";
import { resolveModel } from "../models.js";
import { providerOptions } from "../native-options.js";
import { nativeSpeech } from "../speech.js";
import { requested } from "../values.js";

/** OpenAI's limit on TTS request bodies. */
const MAX_BODY = 32 * 1024 * 1024;

type Obj = Record<string, unknown>;

/**
 * Reads a JSON object body (the OpenAI protocol sends nothing else).
 * @example const body = await readJsonObject(ctx, req, 32 * 1024 * 1024);
 */
export async function readJsonObject(
  ctx: ServerContext,
  req: IncomingMessage,
  limit: number,
): Promise<Obj> {
  const value = await readObject(req, ["json"], Math.min(limit, ctx.maxBodyBytes));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw refused("The request body must be a JSON object");
  }
  return value as Obj;
}

/** POST /audio/speech: OpenAI's speech request, streamed as it is synthesised. */
export async function handleSpeech(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
): Promise<void> {
  const body = await readJsonObject(ctx, req, MAX_BODY);
  if (
    typeof body.instructions === "string"
      ? body.instructions.trim() !== ""
      : requested(body.instructions)
  ) {
    throw refused(
      "'instructions' is not supported: use X-Fish-* headers or provider.options for delivery control",
    );
  }
  if (
    body.stream_format !== undefined &&
    body.stream_format !== null &&
    body.stream_format !== "audio"
  ) {
    throw refused(
      `stream_format ${JSON.stringify(body.stream_format)} is not supported: the response is always the raw audio stream ("audio")`,
    );
  }
  let speed: number | undefined;
  if (body.speed !== undefined && body.speed !== null) {
    if (typeof body.speed !== "number" || !(body.speed >= 0.25 && body.speed <= 4)) {
      throw new CompatError(
        400,
        "invalid_request",
        `'speed' must be a number from 0.25 to 4.0, got ${JSON.stringify(body.speed)}`,
      );
    }
    speed = body.speed;
  }
  const model = resolveModel(body.model, "tts");
  const native = nativeSpeech(ctx, principal, req, {
    text: body.input,
    textField: "input",
    output: openAiFormat(body.response_format, body.sample_rate),
    voice: body.voice,
    model,
    speed,
    native: providerOptions(body),
  });
  const output = audioOutput("openai speech", () => ({
    "Content-Type": native.contentType,
    "Cache-Control": "no-store",
    "X-Generation-Id": randomBytes(12).toString("hex"),
    "X-Fish-Model": native.model,
  }));
  await runTts(ctx, principal, res, native, output);
}
