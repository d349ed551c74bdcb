import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../context.js";
import type { AudioEncoder, PcmChunk } from "../engines/types.js";
import { readObject } from "../http/decode.js";
import { HttpError } from "../http/errors.js";
import { writeWithBackpressure } from "../http/write.js";
import { ttsCost } from "../pricing.js";
import type { Principal } from "../store/accounts.js";
import { BENCHMARK_SAMPLE_RATE, benchmarkByteCount, tonePcm, wavHeader } from "../tts/benchmark.js";
import { CONTENT_TYPES } from "../tts/formats.js";
import { requestedModel } from "../tts/model-header.js";
import { speak } from "../tts/render.js";
import { parseTtsRequest, type TtsParams } from "../tts/request.js";
import { planSpeakers, type SpeakerPlan } from "../tts/voice-plan.js";

/**
 * Takes the price of `text` from the user's balance and writes the ledger line; 402 if it
 * does not cover it.
 * @example chargeTts(ctx, principal, "tts", model, speakers, text);
 */
export function chargeTts(
  ctx: ServerContext,
  principal: Principal,
  kind: "tts" | "tts-live",
  model: string,
  speakers: SpeakerPlan[],
  text: string,
): { cost: number; usageId: number } {
  const cost = ttsCost(text);
  const voiceId =
    speakers.find((s) => s.storedVoiceId)?.storedVoiceId ??
    speakers[0]?.settings.engineVoiceId ??
    null;
  const usageId = ctx.accounts.chargeWithUsage({
    userId: principal.user.id,
    keyId: principal.keyId,
    kind,
    model,
    voiceId,
    units: Buffer.byteLength(text, "utf8"),
    costMicro: cost,
  });
  if (usageId === undefined) throw new HttpError(402, "Insufficient API credit");
  for (const speaker of speakers) {
    if (speaker.storedVoiceId) ctx.voices.incrementTaskCount(speaker.storedVoiceId);
  }
  return { cost, usageId };
}

function audioHeaders(params: TtsParams, model: string): Record<string, string> {
  return {
    "Content-Type": CONTENT_TYPES[params.format],
    "Content-Disposition": `attachment; filename=audio.${params.format}`,
    "Cache-Control": "no-store",
    "X-Fish-Model": model,
  };
}

/** POST /v1/tts: validates, charges, then streams audio out as it is synthesised. */
export async function handleTts(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
): Promise<void> {
  const body = await readObject(req, ["json", "msgpack"], ctx.maxBodyBytes);
  const params = parseTtsRequest(body, { requireText: true });
  const model = requestedModel(req, ctx.defaultModel);
  const speakers = await planSpeakers(ctx, principal, params);
  await streamSpeech(ctx, res, principal, {
    params,
    speakers,
    model,
    headers: audioHeaders(params, model),
  });
}

/** What {@link streamSpeech} speaks, for whom, and the response headers it answers with. */
export interface SpeechJob {
  params: TtsParams;
  speakers: SpeakerPlan[];
  /** Recorded in the usage ledger. */
  model: string;
  headers: Record<string, string>;
}

/**
 * Charges for `job.params.text`, then streams the encoded audio into `res` as it is synthesised
 * (200 only once the first audio is encoded; refunded when that fails). Shared by the native
 * endpoint and the compatibility protocols.
 * @example await streamSpeech(ctx, res, principal, { params, speakers, model, headers });
 */
export async function streamSpeech(
  ctx: ServerContext,
  res: ServerResponse,
  principal: Principal,
  job: SpeechJob,
): Promise<void> {
  const { params, speakers, model } = job;
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });

  if (speakers.every((s) => s.benchmark)) {
    const total = benchmarkByteCount(params.text, params.format);
    chargeTts(ctx, principal, "tts", model, speakers, params.text);
    res.writeHead(200, job.headers);
    if (params.format === "wav") await writeWithBackpressure(res, wavHeader(BENCHMARK_SAMPLE_RATE));
    for (const block of tonePcm(total)) {
      if (abort.signal.aborted) return;
      await writeWithBackpressure(res, block);
    }
    res.end();
    return;
  }
  if (speakers.some((s) => s.benchmark)) {
    throw new HttpError(422, "The benchmark voice cannot be mixed with other voices");
  }

  const charge = chargeTts(ctx, principal, "tts", model, speakers, params.text);
  let encoder: AudioEncoder;
  let pcm: AsyncGenerator<PcmChunk>;
  let firstBytes: Uint8Array;
  try {
    pcm = speak(ctx.engines, speakers, params.text, abort.signal);
    // Synthesis starts first; the encoder is built (or taken from the idle ones) meanwhile.
    const firstPending = pcm.next();
    try {
      encoder = await createEncoderFor(ctx, params);
    } catch (error) {
      abort.abort();
      firstPending.catch(() => undefined);
      throw error;
    }
    // Wait for the first audio, and encode it, before committing to 200: an engine or encoder
    // failure then still gets a status instead of a connection closed with no response.
    const first = await firstPending;
    firstBytes = first.done ? new Uint8Array(0) : encoder.write(first.value);
  } catch (error) {
    ctx.accounts.refund(principal.user.id, charge.cost, charge.usageId);
    throw error;
  }
  res.writeHead(200, job.headers);
  try {
    if (firstBytes.byteLength) await writeWithBackpressure(res, firstBytes);
    for await (const chunk of pcm) {
      if (abort.signal.aborted) break;
      await writeWithBackpressure(res, encoder.write(chunk));
    }
    if (abort.signal.aborted) return;
    await writeWithBackpressure(res, encoder.end());
    res.end();
  } catch (error) {
    ctx.log(`tts: synthesis failed mid-stream: ${(error as Error).message}`);
    res.destroy();
  }
}

/**
 * The streaming encoder for a request's format, rate, bitrates and loudness settings.
 * @example const encoder = await createEncoderFor(ctx, params);
 */
export function createEncoderFor(ctx: ServerContext, params: TtsParams): Promise<AudioEncoder> {
  return ctx.engines.createEncoder({
    format: params.format,
    sampleRate: params.sampleRate,
    mp3Bitrate: params.mp3Bitrate,
    opusBitrate: params.opusBitrate,
    volumeDb: params.volumeDb,
    normalize: params.normalizeLoudness,
  });
}
