import type { Transcript, TranscriptSegment } from "../engines/types.js";

/**
 * The timed words of a transcript: the recogniser's own word times when it gives them, else
 * each segment's time shared among its words in proportion to their length.
 * @example timedWords(transcript)[0] // { text: "and", start: 0.31, end: 0.52 }
 */
export function timedWords(transcript: Transcript): TranscriptSegment[] {
  if (transcript.words && transcript.words.length > 0) return transcript.words;
  const out: TranscriptSegment[] = [];
  for (const segment of transcript.segments) {
    const words = segment.text.split(/\s+/).filter((w) => w !== "");
    const letters = words.reduce((n, w) => n + w.length, 0);
    let at = segment.start;
    for (const word of words) {
      const span = ((segment.end - segment.start) * word.length) / Math.max(1, letters);
      out.push({ text: word, start: round(at), end: round(at + span) });
      at += span;
    }
  }
  return out;
}

/** A subtitle cue: words spoken together. */
export interface Cue {
  text: string;
  start: number;
  end: number;
}

/** A cue ends at a pause this long, or when it grows past these limits. */
const CUE_GAP_SECONDS = 0.5;
const CUE_MAX_SECONDS = 5;
const CUE_MAX_CHARS = 80;

/**
 * Groups timed words into phrase-length subtitle cues.
 * @example cues([{ text: "hi", start: 0, end: 0.3 }]) // [{ text: "hi", start: 0, end: 0.3 }]
 */
export function cues(words: TranscriptSegment[]): Cue[] {
  const out: Cue[] = [];
  let current: Cue | undefined;
  for (const word of words) {
    if (
      current &&
      (word.start - current.end >= CUE_GAP_SECONDS ||
        word.end - current.start > CUE_MAX_SECONDS ||
        current.text.length + 1 + word.text.length > CUE_MAX_CHARS)
    ) {
      out.push(current);
      current = undefined;
    }
    if (current) {
      current.text += ` ${word.text}`;
      current.end = word.end;
    } else current = { text: word.text, start: word.start, end: word.end };
  }
  if (current) out.push(current);
  return out;
}

function clock(seconds: number, separator: "," | "."): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/**
 * SubRip subtitles for the cues.
 * @example srt([{ text: "hi", start: 0, end: 0.3 }]) // "1\n00:00:00,000 --> 00:00:00,300\nhi\n"
 */
export function srt(list: Cue[]): string {
  return list
    .map((c, i) => `${i + 1}\n${clock(c.start, ",")} --> ${clock(c.end, ",")}\n${c.text}\n`)
    .join("\n");
}

/**
 * WebVTT subtitles for the cues.
 * @example vtt([]) // "WEBVTT\n"
 */
export function vtt(list: Cue[]): string {
  return [
    "WEBVTT\n",
    ...list.map((c) => `${clock(c.start, ".")} --> ${clock(c.end, ".")}\n${c.text}\n`),
  ].join("\n");
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
