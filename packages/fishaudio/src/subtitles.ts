/**
 * Subtitles from timed words or segments: SubRip (.srt) and WebVTT (.vtt). Pure functions with
 * no Node built-in, usable in browsers. Times are seconds.
 */

/** A timed piece of text: a word from `convertWithTimestamps`, or an `asr` segment. */
export interface TimedText {
  text: string;
  start: number;
  end: number;
}

/** A subtitle cue; `text` may hold one line break per extra line. */
export interface SubtitleCue {
  text: string;
  start: number;
  end: number;
}

/** How words are grouped into cues. The defaults follow common broadcast subtitle guidelines. */
export interface CueOptions {
  /** Characters per line. Default 42. */
  maxLineLength?: number;
  /** Lines per cue. Default 2. */
  maxLines?: number;
  /** Seconds a cue may stay on screen. Default 7. */
  maxDuration?: number;
  /** Seconds a cue stays at least (extended into the gap before the next). Default 0.833 (5/6 s). */
  minDuration?: number;
  /** A silence this long (seconds) starts a new cue. Default 1. */
  maxGap?: number;
}

const SENTENCE_END = /[.!?…。！？]["'”’)\]]*$/u;

/**
 * Groups timed words into cues: lines of at most `maxLineLength` characters, at most `maxLines`
 * lines and `maxDuration` seconds per cue, a new cue after a sentence end that fills a line or
 * after a pause longer than `maxGap`.
 * @example wordsToCues([{ text: "Hello", start: 0, end: 0.4 }, { text: "world", start: 0.4, end: 0.9 }])
 * // [{ text: "Hello world", start: 0, end: 0.9 }]
 */
export function wordsToCues(words: readonly TimedText[], options: CueOptions = {}): SubtitleCue[] {
  const maxLineLength = options.maxLineLength ?? 42;
  const maxLines = options.maxLines ?? 2;
  const maxDuration = options.maxDuration ?? 7;
  const minDuration = options.minDuration ?? 0.833;
  const maxGap = options.maxGap ?? 1;
  const cues: SubtitleCue[] = [];
  let lines: string[] = [];
  let start = 0;
  let end = 0;
  let sentenceEnded = false;
  const close = () => {
    if (lines.length) cues.push({ text: lines.join("\n"), start, end });
    lines = [];
  };
  for (const word of clean(words)) {
    if (lines.length) {
      const line = lines.at(-1)!;
      const fitsLine = line.length + 1 + word.text.length <= maxLineLength;
      const newCue =
        word.start - end > maxGap ||
        word.end - start > maxDuration ||
        (!fitsLine && lines.length >= maxLines) ||
        // A finished sentence ends its cue once the cue is reasonably full.
        (sentenceEnded && lines.join(" ").length >= maxLineLength / 2);
      if (newCue) close();
      else if (!fitsLine) lines.push(word.text);
      else lines[lines.length - 1] = `${line} ${word.text}`;
    }
    if (!lines.length) {
      lines = [word.text];
      start = word.start;
    }
    end = Math.max(end, word.end);
    sentenceEnded = SENTENCE_END.test(word.text);
  }
  close();
  // Short cues stay up longer, into the silence before the next one but never over it.
  for (let i = 0; i < cues.length; i++) {
    const cue = cues[i]!;
    if (cue.end - cue.start >= minDuration) continue;
    const limit = cues[i + 1]?.start ?? Number.POSITIVE_INFINITY;
    cue.end = Math.min(cue.start + minDuration, Math.max(cue.end, limit));
  }
  return cues;
}

/**
 * Renders cues (or segments) as SubRip: numbered cues, `HH:MM:SS,mmm` times.
 * @example toSrt([{ text: "Hello", start: 0, end: 1.5 }]) // "1\n00:00:00,000 --> 00:00:01,500\nHello\n"
 */
export function toSrt(cues: readonly TimedText[]): string {
  return clean(cues)
    .map((cue, i) => `${i + 1}\n${stamp(cue.start, ",")} --> ${stamp(cue.end, ",")}\n${cue.text}\n`)
    .join("\n");
}

/**
 * Renders cues (or segments) as WebVTT: a `WEBVTT` header, `HH:MM:SS.mmm` times, `&`/`<`/`>` escaped.
 * @example toVtt([{ text: "Hello", start: 0, end: 1.5 }]) // "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello\n"
 */
export function toVtt(cues: readonly TimedText[]): string {
  const body = clean(cues)
    .map((cue) => `${stamp(cue.start, ".")} --> ${stamp(cue.end, ".")}\n${escapeVtt(cue.text)}\n`)
    .join("\n");
  return body ? `WEBVTT\n\n${body}` : "WEBVTT\n";
}

/**
 * Clean, ordered items: each line trimmed with inner whitespace collapsed and blank lines gone
 * (a blank line would end a cue), times non-negative and never ending before they start.
 */
function clean(items: readonly TimedText[]): TimedText[] {
  const out: TimedText[] = [];
  for (const item of items) {
    const text = String(item.text ?? "")
      .split(/\r\n|\r|\n/)
      .map((line) => line.replace(/\s+/g, " ").trim())
      .filter((line) => line !== "")
      .join("\n");
    if (!text) continue;
    const start = Math.max(0, finite(item.start));
    const end = Math.max(start, finite(item.end));
    out.push({ text, start, end });
  }
  return out;
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

/** `HH:MM:SS<sep>mmm`, rounded to the millisecond. */
function stamp(seconds: number, separator: "," | "."): string {
  const total = Math.round(seconds * 1000);
  const ms = total % 1000;
  const s = Math.floor(total / 1000) % 60;
  const m = Math.floor(total / 60_000) % 60;
  const h = Math.floor(total / 3_600_000);
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${separator}${pad(ms, 3)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function escapeVtt(text: string): string {
  // "-->" cannot appear in cue text; escaping ">" already breaks it up.
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
