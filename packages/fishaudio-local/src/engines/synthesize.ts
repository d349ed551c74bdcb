import type { ChunkQueue } from "./chunk-queue.js";
import { splitText } from "./text.js";
import type { PcmChunk, SynthesisOptions } from "./types.js";
import type { VoiceSpec } from "./voices.js";

/** Something that can speak one piece of text. */
export interface PieceSpeaker {
  speak(
    text: string,
    voice: VoiceSpec,
    settings: { speed?: number; pitchHz?: number },
    signal?: AbortSignal,
  ): ChunkQueue;
}

/** Pieces queued ahead of the one being yielded, so the engine never waits for the consumer. */
const LOOKAHEAD = 2;

/**
 * Speaks `text` piece by piece, yielding PCM in order as soon as each piece is ready; stops quietly
 * when the signal aborts or the consumer stops iterating.
 * @example
 * for await (const pcm of speakText(engine, voice, "Hi. Bye.", { voice: { engineVoiceId } })) use(pcm);
 */
export async function* speakText(
  speaker: PieceSpeaker,
  voice: VoiceSpec,
  text: string,
  options: SynthesisOptions,
): AsyncGenerator<PcmChunk> {
  const pieces = splitText(text);
  const local = new AbortController();
  const outer = options.signal;
  const onAbort = () => local.abort();
  if (outer?.aborted) return;
  outer?.addEventListener("abort", onAbort, { once: true });
  const settings = {
    ...(options.voice.speed !== undefined ? { speed: options.voice.speed } : {}),
    ...(options.voice.pitchHz !== undefined ? { pitchHz: options.voice.pitchHz } : {}),
  };
  const inFlight: ChunkQueue[] = [];
  let next = 0;
  const fill = () => {
    while (inFlight.length <= LOOKAHEAD && next < pieces.length) {
      inFlight.push(speaker.speak(pieces[next++]!, voice, settings, local.signal));
    }
  };
  try {
    fill();
    while (inFlight.length > 0) {
      const queue = inFlight.shift()!;
      fill();
      for await (const chunk of queue) {
        if (local.signal.aborted) return;
        yield chunk;
      }
    }
  } catch (err) {
    if (local.signal.aborted) return;
    throw err;
  } finally {
    outer?.removeEventListener("abort", onAbort);
    // Cancels queued and running pieces when the consumer stopped early.
    local.abort();
  }
}
