/**
 * SubRip (.srt) and WebVTT (.vtt) subtitles from speech-to-text segments. Times are seconds.
 * Segments with no text are dropped; a blank line inside a cue would end it, so line breaks in
 * the text collapse to spaces.
 */

/** A timed piece of transcript, as `asr.transcribe` returns it. */
export interface Segment {
  text: string;
  start: number;
  end: number;
}

/**
 * Renders segments as SubRip: numbered cues, `HH:MM:SS,mmm` times.
 * @example toSrt([{ text: "Hello", start: 0, end: 1.5 }]) // "1\n00:00:00,000 --> 00:00:01,500\nHello\n"
 */
export function toSrt(segments: readonly Segment[]): string {
  return cues(segments)
    .map((cue, i) => `${i + 1}\n${stamp(cue.start, ",")} --> ${stamp(cue.end, ",")}\n${cue.text}\n`)
    .join("\n");
}

/**
 * Renders segments as WebVTT: a `WEBVTT` header, `HH:MM:SS.mmm` times, `&`/`<`/`>` escaped.
 * @example toVtt([{ text: "Hello", start: 0, end: 1.5 }]) // "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello\n"
 */
export function toVtt(segments: readonly Segment[]): string {
  const body = cues(segments)
    .map((cue) => `${stamp(cue.start, ".")} --> ${stamp(cue.end, ".")}\n${escapeVtt(cue.text)}\n`)
    .join("\n");
  return body ? `WEBVTT\n\n${body}` : "WEBVTT\n";
}

/** Clean, ordered cues: text on one line, times non-negative and never ending before they start. */
function cues(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const segment of segments) {
    const text = segment.text.replace(/\s+/g, " ").trim();
    if (!text) continue;
    const start = Math.max(0, finite(segment.start));
    const end = Math.max(start, finite(segment.end));
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
