/**
 * Speech with word timings: the one internal interface every timestamped endpoint builds on
 * (native `/v1/tts/stream/with-timestamp`, and whatever else needs words on the audio's clock).
 * Word times come from the engines themselves (see src/engines/README.md).
 */
import { resampleInt16 } from "../engines/signal/resample.js";
import type { Engines, PcmChunk, WordTiming } from "../engines/types.js";
import { stripCues } from "./cues.js";
import type { SpeechSource } from "./encode.js";
import { speak } from "./render.js";
import { splitSpeakers, TextBuffer } from "./text.js";
import type { SpeakerPlan } from "./voice-plan.js";

/** A piece of PCM and the words that start in it. */
export interface TimedPcm {
  pcm: PcmChunk;
  /** The text chunk this audio belongs to: 0, 1, … in order. */
  seq: number;
  /** That chunk's text as spoken (speaker tags and cues removed). */
  content: string;
  /** Seconds of audio before the chunk's first sample. */
  offset: number;
  /**
   * Words that start in `pcm`, timed in seconds from the start of the chunk. With
   * `wordsAfterAudio`, words may instead come after their audio, on a piece with empty `pcm`.
   */
  words: WordTiming[];
}

/** A text chunk: one speaker, at most about `chunkLength` characters, cut at sentence ends. */
interface TextChunk {
  speaker: number;
  text: string;
}

function textChunks(text: string, speakers: number, chunkLength: number): TextChunk[] {
  const turns = speakers > 1 ? splitSpeakers(text) : [{ speaker: 0, text }];
  const chunks: TextChunk[] = [];
  for (const turn of turns) {
    const buffer = new TextBuffer(chunkLength);
    // Sentences, joined while the chunk stays within chunkLength characters.
    let current = "";
    for (const sentence of [...buffer.push(turn.text), ...buffer.flush()]) {
      if (current !== "" && current.length + sentence.length > chunkLength) {
        chunks.push({ speaker: turn.speaker, text: current });
        current = "";
      }
      current += sentence;
    }
    // A chunk of cues only (a lone "[pause]") still speaks: as silence.
    if (current.trim() !== "") chunks.push({ speaker: turn.speaker, text: current });
  }
  return chunks;
}

/**
 * Speaks `text` (dialogue turns in order, cues applied, one continuous stream) and yields each
 * PCM piece with the words that start in it, chunk by chunk.
 * @example
 * for await (const { pcm, seq, offset, words } of speakTimed(engines, speakers, "Hi there.", signal)) {
 *   for (const w of words) console.log(w.text, offset + w.start);
 * }
 */
export async function* speakTimed(
  engines: Engines,
  speakers: SpeakerPlan[],
  text: string,
  signal: AbortSignal,
  options: {
    chunkLength?: number;
    /** Let audio go out before its words are known; they follow on a piece without audio. */
    wordsAfterAudio?: boolean;
  } = {},
): AsyncGenerator<TimedPcm> {
  let offset = 0;
  let seq = 0;
  for (const chunk of textChunks(text, speakers.length, options.chunkLength ?? 300)) {
    if (signal.aborted) return;
    const plan = speakers[chunk.speaker % speakers.length]!;
    const content = stripCues(chunk.text.replace(/<\|speaker:\d+\|>/g, " "));
    let elapsed = 0;
    const speaking = speak(engines, [plan], chunk.text, signal, {
      timings: true,
      ...(options.wordsAfterAudio ? { wordsAfterAudio: true } : {}),
    });
    for await (const pcm of speaking) {
      const words = (pcm.words ?? []).map((w) => ({
        text: w.text,
        start: elapsed + w.start,
        end: elapsed + w.end,
      }));
      yield { pcm, seq, content, offset, words };
      elapsed += pcm.samples.length / pcm.sampleRate;
    }
    offset += elapsed;
    seq++;
  }
}

/**
 * The whole of `speakTimed` at once: all PCM joined, and every word on the audio's clock.
 * @example const { pcm, words } = await renderTimed(engines, speakers, "Hello world.", signal);
 */
export async function renderTimed(
  engines: Engines,
  speakers: SpeakerPlan[],
  text: string,
  signal: AbortSignal,
): Promise<{ pcm: PcmChunk; words: WordTiming[] }> {
  const parts: PcmChunk[] = [];
  const words: WordTiming[] = [];
  for await (const timed of speakTimed(engines, speakers, text, signal)) {
    for (const w of timed.words) {
      words.push({ text: w.text, start: timed.offset + w.start, end: timed.offset + w.end });
    }
    parts.push(timed.pcm);
  }
  const sampleRate = parts[0]?.sampleRate ?? 16000;
  // Pieces from different voices may differ in rate: bring them to the first one's.
  const resampled = parts.map((p) =>
    p.sampleRate === sampleRate ? p.samples : resampleInt16(p.samples, p.sampleRate, sampleRate),
  );
  const samples = new Int16Array(resampled.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of resampled) {
    samples.set(s, at);
    at += s.length;
  }
  return { pcm: { samples, sampleRate }, words };
}

/** The job's speech with the words each piece starts, text chunk by text chunk. */
export const timedSpeech: SpeechSource<TimedPcm> = (engines, job, signal) =>
  speakTimed(engines, job.speakers, job.params.text, signal, {
    chunkLength: job.params.chunkLength,
  });

/**
 * The job's speech, each piece's audio as soon as it is ready and the words after it, on pieces
 * without audio (for outputs that can send words later than their audio).
 */
export const audioFirstTimedSpeech: SpeechSource<TimedPcm> = (engines, job, signal) =>
  speakTimed(engines, job.speakers, job.params.text, signal, {
    chunkLength: job.params.chunkLength,
    wordsAfterAudio: true,
  });
