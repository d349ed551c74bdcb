import type { PcmChunk, SynthesisOptions, WordTiming } from "../types.js";
import type { ChunkQueue } from "./chunk-queue.js";
import { loopTurns } from "./loop-turns.js";
import { PlaybackClock } from "./playback-clock.js";
import { BUSY_FIRST_PIECE_CHARS, FIRST_PIECE_CHARS, splitText } from "./text.js";
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
    /**
     * When the piece should start (performance.now() ms, read when the engine picks its next
     * job): engines run the earliest first (PlaybackClock says why).
     */
    due?: () => number,
  ): ChunkQueue;
  /** Whether a piece queued now would wait for others (the first piece is then cut shorter). */
  busy?(): boolean;
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
  const pieces = splitText(text, speaker.busy?.() ? BUSY_FIRST_PIECE_CHARS : FIRST_PIECE_CHARS);
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
  const clock = new PlaybackClock(pieces, options.voice.speed ?? 1);
  const inFlight: ChunkQueue[] = [];
  let next = 0;
  let current = 0;
  const fill = () => {
    while (inFlight.length <= LOOKAHEAD && next < pieces.length) {
      const order = next++;
      const due = () => clock.pieceDue(order);
      inFlight.push(speaker.speak(pieces[order]!, voice, settings, local.signal, due));
    }
  };
  try {
    fill();
    for (; inFlight.length > 0; current++) {
      const queue = inFlight.shift()!;
      fill();
      let pieceSeconds = 0;
      let first = true;
      for await (const chunk of queue) {
        // Words released after their audio (wordsAfterAudio): passed on as they are.
        if (chunk.samples.length === 0) {
          if (local.signal.aborted) return;
          if (chunk.words?.length) yield chunk;
          continue;
        }
        pieceSeconds += chunk.samples.length / chunk.sampleRate;
        // A piece arrives whole from flite, in parts from espeak: the guess stands until its end.
        if (queue.finishedAfterCurrent()) clock.measured(current, pieceSeconds);
        let offset = 0;
        while (offset < chunk.samples.length) {
          if (local.signal.aborted) return;
          // Each slice waits its turn on the event loop (loop-turns.ts): the consumer encodes
          // it synchronously, and the turns also give Node the chance to write the previous
          // slice to the socket (it stays corked until the current run of microtasks ends).
          const due = clock.nextSliceDue();
          await loopTurns.take(due);
          if (local.signal.aborted) return;
          const seconds = first && current === 0 ? FIRST_CHUNK_SECONDS : MAX_CHUNK_SECONDS;
          first = false;
          const step = Math.max(1, Math.round(chunk.sampleRate * seconds));
          const slice: PcmChunk = {
            samples: chunk.samples.subarray(offset, offset + step),
            sampleRate: chunk.sampleRate,
            due,
          };
          if (chunk.words) slice.words = wordsFrom(chunk, offset, step);
          clock.played(slice.samples.length / chunk.sampleRate);
          yield slice;
          offset += step;
        }
      }
      clock.measured(current, pieceSeconds);
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
