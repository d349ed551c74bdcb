import { wordSpans } from "../engines/speech/words.js";
import type { Engines, PcmChunk, WordTiming } from "../engines/types.js";
import type { SpeechSource } from "../tts/encode.js";
import { TextBuffer } from "../tts/text.js";
import { speakTimed } from "../tts/timed.js";
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

/** Spaces and punctuation take less time than letters when a span's time is shared out (only where no word timings are known). */
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
 * When each character of `text` is heard, from the engine's word timings (seconds, on the same
 * clock as `start`/`end`, the span of audio that speaks `text`): each word's characters share
 * its span; characters between words (spaces, punctuation, cues) share the gap between them;
 * characters before the first word and after the last share the lead-in and the tail. Words are
 * matched to the text in order, by their written form; with no word timings at all the span is
 * shared by weight ({@link alignSpan}).
 * @example alignWords("Hi there.", [{ text: "Hi", start: 0.1, end: 0.3 }, { text: "there", start: 0.6, end: 0.9 }], 0, 1)
 */
export function alignWords(
  text: string,
  words: readonly WordTiming[],
  start: number,
  end: number,
): CharAlignment {
  const characters = Array.from(text);
  const spans = wordSpans(text);
  const placed: { from: number; to: number; start: number; end: number }[] = [];
  let next = 0;
  let clock = start;
  for (const word of words) {
    const wanted = word.text.toLowerCase();
    let k = next;
    while (k < spans.length && spans[k]!.text.toLowerCase() !== wanted) k++;
    // A word the text does not write that way (an engine's own reading): its time is left to
    // the characters around it.
    if (k === spans.length) continue;
    const wordStart = Math.min(end, Math.max(clock, word.start));
    const wordEnd = Math.min(end, Math.max(wordStart, word.end));
    placed.push({ from: spans[k]!.start, to: spans[k]!.end, start: wordStart, end: wordEnd });
    clock = wordEnd;
    next = k + 1;
  }
  if (placed.length === 0) return alignSpan(text, start, end);
  const starts: number[] = [];
  const ends: number[] = [];
  const share = (from: number, to: number, t0: number, t1: number) => {
    const n = to - from;
    for (let i = 0; i < n; i++) {
      starts.push(ms(t0 + ((t1 - t0) * i) / n));
      ends.push(ms(t0 + ((t1 - t0) * (i + 1)) / n));
    }
  };
  let at = 0;
  let heard = start;
  for (const word of placed) {
    share(at, word.from, heard, word.start);
    share(word.from, word.to, word.start, word.end);
    at = word.to;
    heard = word.end;
  }
  share(at, characters.length, heard, Math.max(heard, end));
  return { characters, starts, ends };
}

/**
 * Speaks `text` sentence by sentence and yields each sentence's audio once it is complete,
 * with the times of its characters (`offset` seconds in: where an earlier turn ended), placed
 * by the engines' own word timings ({@link alignWords}). Every character of `text` appears in
 * exactly one piece, in order; characters no audio speaks (whitespace between sentences) take
 * no time.
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
    const words: WordTiming[] = [];
    let duration = 0;
    for await (const timed of speakTimed(engines, speakers, sentence, signal)) {
      for (const w of timed.words) {
        words.push({
          text: w.text,
          start: clock + timed.offset + w.start,
          end: clock + timed.offset + w.end,
        });
      }
      pcm.push(timed.pcm);
      duration += timed.pcm.samples.length / timed.pcm.sampleRate;
    }
    if (signal.aborted) return;
    const spoken = alignWords(sentence, words, clock, clock + duration);
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
