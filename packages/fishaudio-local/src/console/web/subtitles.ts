import { subtitleTime } from "./format.js";
import type { Segment } from "./types.js";

/** SubRip subtitles of timed segments. @example toSrt([{ text: "Hi", start: 0, end: 1 }]) */
export function toSrt(segments: Segment[]): string {
  return segments
    .map(
      (s, i) =>
        `${i + 1}\n${subtitleTime(s.start, ",")} --> ${subtitleTime(s.end, ",")}\n${s.text.trim()}\n`,
    )
    .join("\n");
}

/** WebVTT subtitles of timed segments. @example toVtt([{ text: "Hi", start: 0, end: 1 }]) */
export function toVtt(segments: Segment[]): string {
  const cues = segments.map(
    (s) => `${subtitleTime(s.start, ".")} --> ${subtitleTime(s.end, ".")}\n${s.text.trim()}\n`,
  );
  return `WEBVTT\n\n${cues.join("\n")}`;
}
