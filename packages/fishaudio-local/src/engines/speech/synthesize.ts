import type { PcmChunk, SynthesisOptions, WordTiming } from "../types.js";
import type { ChunkQueue } from "./chunk-queue.js";
import { splitText } from "./text.js";
import type { VoiceSpec } from "./voices.js";

/** How one piece is to be spoken (an engine ignores what it cannot render, e.g. flite whisper). */
export interface PieceSettings {
  speed?: number;
  pitchHz?: number;
  timings?: boolean;
  wordsAfterAudio?: boolean;
  whisper?: boolean;
}

/** Something that can speak one piece of text. */
export interface PieceSpeaker {
  speak(
    text: string,
    voice: VoiceSpec,
    settings: PieceSettings,
    signal?: AbortSignal,
    /** The piece's index within its text: the engine's queue runs lower indexes first. */
    order?: number,
  ): ChunkQueue;
}

/**
 * Pieces queued ahead of the one being yielded, so the engine never waits for the consumer; the
 * bound keeps one long text from filling the engines' queue ahead of other requests.
 */
const LOOKAHEAD = 2;
/**
 * Longest chunk yielded, in seconds. Consumers encode synchronously (mp3 with resampling costs
 * about 0.015 × real time, more under load), so a whole sentence would hold the event loop; short
 * slices keep each step short, get the first encoded bytes out sooner, and let other requests in
 * between.
 */
const MAX_CHUNK_SECONDS = 0.25;
/** The first slice is smaller still: it is what the client waits for before hearing anything. */
const FIRST_CHUNK_SECONDS = 0.1;

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
    ...(options.timings ? { timings: true } : {}),
    ...(options.timings && options.wordsAfterAudio ? { wordsAfterAudio: true } : {}),
    ...(options.voice.whisper ? { whisper: true } : {}),
  };
  const inFlight: ChunkQueue[] = [];
  let next = 0;
  let yielded = 0;
  const fill = () => {
    while (inFlight.length <= LOOKAHEAD && next < pieces.length) {
      const order = next++;
      inFlight.push(speaker.speak(pieces[order]!, voice, settings, local.signal, order));
    }
  };
  try {
    fill();
    while (inFlight.length > 0) {
      const queue = inFlight.shift()!;
      fill();
      for await (const chunk of queue) {
        // Words released after their audio (wordsAfterAudio): passed on as they are.
        if (chunk.samples.length === 0) {
          if (local.signal.aborted) return;
          if (chunk.words?.length) yield chunk;
          continue;
        }
        let offset = 0;
        while (offset < chunk.samples.length) {
          if (local.signal.aborted) return;
          // Back to the event loop once, after the first slice: Node keeps a response's socket
          // corked until the current run of microtasks ends, so without this the first bytes
          // wait until the whole first piece is encoded. Yielding after every slice measured
          // about half the throughput under load (bench load suite), so later slices run on.
          if (yielded === 1) await new Promise<void>((resolve) => setImmediate(resolve));
          if (local.signal.aborted) return;
          const seconds = yielded === 0 ? FIRST_CHUNK_SECONDS : MAX_CHUNK_SECONDS;
          const step = Math.max(1, Math.round(chunk.sampleRate * seconds));
          const slice: PcmChunk = {
            samples: chunk.samples.subarray(offset, offset + step),
            sampleRate: chunk.sampleRate,
          };
          if (chunk.words) slice.words = wordsFrom(chunk, offset, step);
          yield slice;
          offset += step;
          yielded++;
        }
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

/** The words of `chunk` that start in its slice [offset, offset + length), timed from the slice. */
function wordsFrom(chunk: PcmChunk, offset: number, length: number): WordTiming[] {
  const from = offset / chunk.sampleRate;
  const to = (offset + length) / chunk.sampleRate;
  const last = offset + length >= chunk.samples.length;
  return chunk
    .words!.filter((w) => w.start >= from && (w.start < to || last))
    .map((w) => ({ text: w.text, start: w.start - from, end: w.end - from }));
}
