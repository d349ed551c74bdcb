import { CONTENT_TYPES } from "../tts/formats.js";
import { requestedModel } from "../tts/model-header.js";
import { audioOutput } from "../tts/outputs/audio.js";
import { timestampEvents } from "../tts/outputs/sse.js";
import { runTts, type TtsInput } from "../tts/pipeline.js";
import type { Call } from "./table.js";

async function ttsInput(c: Call): Promise<TtsInput> {
  return { request: await c.body(), model: requestedModel(c.req, c.ctx.defaultModel) };
}

/** The audio answer of /v1/tts: the format's type, as a download. */
const audio = audioOutput("tts", (job) => ({
  "Content-Type": CONTENT_TYPES[job.params.format],
  "Content-Disposition": `attachment; filename=audio.${job.params.format}`,
  "Cache-Control": "no-store",
  "X-Fish-Model": job.model,
}));

/** POST /v1/tts: audio streamed out as it is synthesised. */
export async function handleTts(c: Call): Promise<void> {
  await runTts(c.ctx, c.principal, c.res, await ttsInput(c), audio);
}

/**
 * POST /v1/tts/stream/with-timestamp: the /v1/tts request (same validation, charge and errors),
 * answered as Server-Sent Events carrying base64 audio and word alignment snapshots.
 */
export async function handleTtsWithTimestamp(c: Call): Promise<void> {
  await runTts(c.ctx, c.principal, c.res, await ttsInput(c), timestampEvents);
}
