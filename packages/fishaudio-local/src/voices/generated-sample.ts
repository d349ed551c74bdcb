import type { ServerContext } from "../context.js";
import { previewText } from "../design/preview.js";
import type { VoiceSettings } from "../engines/types.js";

/**
 * The sample `generate_sample: true` adds to a new voice: the preview line of its language
 * (English when there is none), spoken with the voice's settings, as WAV.
 * @example const sample = await generatedSample(ctx, { engineVoiceId: "flite-slt", pitchHz: 190 }, "en");
 */
export async function generatedSample(
  ctx: ServerContext,
  voice: VoiceSettings,
  language: string,
): Promise<{ audio: Uint8Array; text: string; duration: number }> {
  const text = previewText(language) ?? previewText("en")!;
  const encoder = await ctx.engines.createEncoder({ format: "wav" });
  const parts: Uint8Array[] = [];
  let duration = 0;
  for await (const chunk of ctx.engines.synthesize(text, { voice })) {
    duration += chunk.samples.length / chunk.sampleRate;
    parts.push(encoder.write(chunk));
  }
  parts.push(encoder.end());
  return { audio: new Uint8Array(Buffer.concat(parts)), text, duration };
}
