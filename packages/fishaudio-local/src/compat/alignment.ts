import type { Engines, PcmChunk } from "../engines/types.js";
import type { SpeechSource } from "../tts/encode.js";
import { speak } from "../tts/render.js";
import { TextBuffer } from "../tts/text.js";
import type { SpeakerPlan } from "../tts/voice-plan.js";

/** When each character of a text is heard, in seconds on the stream's clock. */
export interface CharAlignment {
  characters: string[];
  starts: number[];
  ends: number[];
}

/** A sentence of the text, its audio, and when its characters are heard. */
export interface AlignedPiece {
  pcm: PcmChunk[];
  /** Seconds of audio in `pcm`. */
  duration: number;
  alignment: CharAlignment;
}

/** Spaces and punctuation take less time than letters when a span's time is shared out. */
function weight(char: string): number {
  return /[\p{L}\p{N}]/u.test(char) ? 1 : 0.3;
}

/**
 * Shares `[start, end)` among the characters of `text` by weight (letters and digits count
 * more than spaces and punctuation), rounded to the millisecond.
 * @example alignSpan("Hi.", 0, 1).characters // ["H", "i", "."]
 */
export function alignSpan(text: string, start: number, end: number): CharAlignment {
  const characters = Array.from(text);
  const weights = characters.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const starts: number[] = [];
  const ends: number[] = [];
  let at = start;
  for (const w of weights) {
    const span = total > 0 ? ((end - start) * w) / total : 0;
    starts.push(ms(at));
    at += span;
    ends.push(ms(at));
  }
  return { characters, starts, ends };
}

/**
 * Speaks `text` sentence by sentence and yields each sentence's audio once it is complete,
 * with the times of its characters (`offset` seconds in: where an earlier turn ended). Every
 * character of `text` appears in exactly one piece, in order; characters no audio speaks
 * (whitespace between sentences) take no time.
 * @example for await (const piece of speakAligned(engines, speakers, "Hi. Bye.", signal)) send(piece);
 */
export async function* speakAligned(
  engines: Engines,
  speakers: SpeakerPlan[],
  text: string,
  signal: AbortSignal,
  offset = 0,
): AsyncGenerator<AlignedPiece> {
  const buffer = new TextBuffer(300);
  const sentences = [...buffer.push(text), ...buffer.flush()];
  let cursor = 0;
  let clock = offset;
  for (const sentence of sentences) {
    const at = text.indexOf(sentence, cursor);
    const lead = text.slice(cursor, at);
    cursor = at + sentence.length;
    const pcm: PcmChunk[] = [];
    let duration = 0;
    for await (const chunk of speak(engines, speakers, sentence.trim(), signal)) {
      pcm.push(chunk);
      duration += chunk.samples.length / chunk.sampleRate;
    }
    if (signal.aborted) return;
    const spoken = alignSpan(sentence, clock, clock + duration);
    const leading = alignSpan(lead, clock, clock);
    yield {
      pcm,
      duration,
      alignment: {
        characters: [...leading.characters, ...spoken.characters],
        starts: [...leading.starts, ...spoken.starts],
        ends: [...leading.ends, ...spoken.ends],
      },
    };
    clock += duration;
  }
  const rest = text.slice(cursor);
  if (rest !== "") yield { pcm: [], duration: 0, alignment: alignSpan(rest, clock, clock) };
}

function ms(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** The timestamped variants speak sentence by sentence, with each character's time. */
export const alignedSpeech: SpeechSource<AlignedPiece> = (engines, job, signal) =>
  speakAligned(engines, job.speakers, job.params.text, signal);
