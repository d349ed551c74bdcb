import { writeWithBackpressure } from "../../http/write.js";
import type { Spoken } from "../encode.js";
import type { TtsJob, TtsOutput } from "../pipeline.js";
import { plainSpeech } from "../render.js";

/**
 * Answers with the audio bytes, streamed as they are encoded, under `headers(job)`.
 * @example runTts(ctx, principal, res, input, audioOutput("tts", (job) => ({ "X-Fish-Model": job.model })));
 */
export function audioOutput(
  name: string,
  headers: (job: TtsJob) => Record<string, string>,
): TtsOutput<Spoken> {
  return {
    name,
    source: plainSpeech,
    async write(res, job, speech, signal) {
      res.writeHead(200, headers(job));
      if (speech.first) await writeWithBackpressure(res, speech.first.bytes);
      for await (const { bytes } of speech.rest) {
        if (signal.aborted) break;
        await writeWithBackpressure(res, bytes);
      }
      if (signal.aborted) return;
      await writeWithBackpressure(res, await speech.end());
      res.end();
    },
  };
}
