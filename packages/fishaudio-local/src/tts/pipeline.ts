/**
 * The one data path of a TTS request over HTTP, native (`/v1/tts`, its timestamped stream) or
 * compatible (OpenAI and ElevenLabs speech): validate → plan voices → charge → render → write.
 * The endpoints differ only in their output: what the render makes (plain PCM, PCM with word
 * timings, sentences with character alignment) and how it is written (audio bytes, SSE, JSON).
 */
import type { ServerResponse } from "node:http";
import type { ServerContext } from "../context.js";
import type { Principal } from "../store/accounts.js";
import { benchmarkByteCount, usesBenchmark } from "./benchmark.js";
import { chargeTts, refundTts } from "./charge.js";
import { type Rendering, render, type SpeechSource, type Spoken } from "./encode.js";
import { parseTtsRequest, type TtsParams } from "./request.js";
import { planSpeakers, type SpeakerPlan } from "./voice-plan.js";

/** A TTS request after validation and voice planning. */
export interface TtsJob {
  params: TtsParams;
  speakers: SpeakerPlan[];
  /** Recorded in the usage ledger and answered as `X-Fish-Model`. */
  model: string;
  /** When the benchmark voice speaks: the tone's byte count (its text). */
  benchmarkBytes?: number;
}

/** How one endpoint answers: what it needs rendered, and how it writes it. */
export interface TtsOutput<T extends Spoken> {
  /** Names the endpoint in the log when synthesis fails after the answer has started. */
  name: string;
  source: SpeechSource<T>;
  /** Refuses, before the charge, a job this output cannot carry (422). */
  accept?(job: TtsJob): void;
  /**
   * Writes the answer. The render's first piece exists already; whatever this throws before the
   * status line is out is answered as an error, with the charge refunded.
   */
  write(res: ServerResponse, job: TtsJob, speech: Rendering<T>, signal: AbortSignal): Promise<void>;
}

/** What an endpoint hands the pipeline: the decoded TTSRequest and the model it names. */
export interface TtsInput {
  request: unknown;
  model: string;
}

/**
 * Validates a decoded TTSRequest and plans its voices: the start of every TTS request, HTTP or
 * realtime (a realtime `start` may leave the text out: `requireText: false`).
 * @example const job = await planTts(ctx, principal, { request: body, model });
 */
export async function planTts(
  ctx: ServerContext,
  principal: Principal,
  input: TtsInput,
  options: { requireText: boolean } = { requireText: true },
): Promise<TtsJob> {
  const params = parseTtsRequest(input.request, options);
  return { params, speakers: await planSpeakers(ctx, principal, params), model: input.model };
}

/**
 * Runs one TTS request from its decoded body to the last byte of the answer.
 * @example await runTts(ctx, principal, res, { request: body, model }, audioOutput(headers));
 */
export async function runTts<T extends Spoken>(
  ctx: ServerContext,
  principal: Principal,
  res: ServerResponse,
  input: TtsInput,
  output: TtsOutput<T>,
): Promise<void> {
  const job = await planTts(ctx, principal, input);
  const { params, speakers } = job;
  output.accept?.(job);
  if (usesBenchmark(speakers)) job.benchmarkBytes = benchmarkByteCount(params.text, params.format);

  const charge = chargeTts(ctx, principal, "tts", job.model, speakers, params.text);
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  let speech: Rendering<T>;
  try {
    speech = await render(ctx, job, output.source, abort);
  } catch (error) {
    refundTts(ctx, principal, charge);
    throw error;
  }

  try {
    await output.write(res, job, speech, abort.signal);
  } catch (error) {
    if (!res.headersSent) {
      refundTts(ctx, principal, charge);
      throw error;
    }
    ctx.log(`${output.name}: synthesis failed mid-stream: ${(error as Error).message}`);
    res.destroy();
  } finally {
    speech.release();
  }
}
