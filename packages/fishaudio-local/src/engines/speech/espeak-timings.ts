import type { WordTiming } from "../types.js";
import { wordSpans } from "./words.js";

/** One event of espeak-ng's synthesis callback (the fields used here). */
export interface EspeakEvent {
  type: string;
  /** 1-based code-point position in the input text. */
  text_position: number;
  /** Milliseconds from the start of the utterance. */
  audio_position: number;
  /** The phoneme for "phoneme" events; "" is a pause. */
  id?: unknown;
}

/**
 * Word timings from espeak-ng's own word and phoneme events: a word starts at its first phoneme
 * and ends at the pause, next word or end of speech that follows it. Several espeak words inside
 * one written word ("21" is "twenty one") merge into that word.
 * @example espeakWordTimings("Hello world.", events, 2.1) // [{ text: "Hello", start: 0.011, end: 0.296 }, …]
 */
export function espeakWordTimings(
  text: string,
  events: readonly EspeakEvent[],
  durationSeconds: number,
): WordTiming[] {
  const spans = wordSpans(text);
  const timed = new Map<number, { start: number; end: number }>();
  let current: number | undefined;
  let started = false;
  const close = (at: number) => {
    if (current === undefined) return;
    const entry = timed.get(current);
    if (entry) entry.end = Math.max(entry.end, at);
    current = undefined;
  };
  for (const event of events) {
    const at = event.audio_position / 1000;
    if (event.type === "word") {
      close(at);
      const position = event.text_position - 1;
      // The written word that holds this position, else the next one after it.
      const index = spans.findIndex((s) => position < s.end);
      if (index < 0) continue;
      current = index;
      started = false;
      if (!timed.has(index)) timed.set(index, { start: at, end: at });
    } else if (event.type === "phoneme" && current !== undefined) {
      const entry = timed.get(current)!;
      if (event.id === "") {
        if (started) close(at);
      } else if (!started) {
        started = true;
        // The first phoneme of the word's first espeak word is where the sound starts.
        if (entry.end === entry.start) entry.start = at;
        entry.end = Math.max(entry.end, at);
      } else {
        entry.end = Math.max(entry.end, at);
      }
    } else if (event.type === "end" || event.type === "msg_terminated") {
      close(at);
    }
  }
  close(durationSeconds);
  const words: WordTiming[] = [];
  for (const [index, { start, end }] of [...timed.entries()].sort((a, b) => a[0] - b[0])) {
    words.push({ text: spans[index]!.text, start, end: Math.max(start, end) });
  }
  return words;
}
