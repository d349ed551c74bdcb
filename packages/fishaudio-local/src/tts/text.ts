import { HttpError } from "../http/errors.js";

/** A stretch of text spoken by one speaker of a multi-speaker request. */
export interface SpeakerTurn {
  speaker: number;
  text: string;
}

const SPEAKER_TAG = /<\|speaker:(\d+)\|>/g;
/** Speaker numbers are small; more digits than this is a mistake, not a speaker. */
const MAX_SPEAKER_DIGITS = 6;

function tooManyDigits(digits: number): HttpError {
  return new HttpError(
    422,
    `'<|speaker:N|>' takes a speaker number of at most ${MAX_SPEAKER_DIGITS} digits, got one of ${digits}`,
  );
}

/**
 * Splits `<|speaker:N|>` dialogue text into turns; text without tags is one turn of speaker 0.
 * @example splitSpeakers("<|speaker:0|>Hi<|speaker:1|>Hello") // two turns
 */
export function splitSpeakers(text: string): SpeakerTurn[] {
  const turns: SpeakerTurn[] = [];
  let speaker = 0;
  let last = 0;
  for (const match of text.matchAll(SPEAKER_TAG)) {
    const before = text.slice(last, match.index);
    if (before.trim() !== "") turns.push({ speaker, text: before });
    const digits = match[1]!;
    if (digits.length > MAX_SPEAKER_DIGITS) throw tooManyDigits(digits.length);
    speaker = Number(digits);
    last = match.index + match[0].length;
  }
  const rest = text.slice(last);
  if (rest.trim() !== "") turns.push({ speaker, text: rest });
  return turns;
}

const SCRIPTS: Array<[RegExp, string]> = [
  [/[\u3040-\u30ff]/, "ja"],
  [/[\uac00-\ud7af]/, "ko"],
  [/[\u4e00-\u9fff]/, "zh"],
  [/[\u0400-\u04ff]/, "ru"],
  [/[\u0600-\u06ff]/, "ar"],
  [/[\u0590-\u05ff]/, "he"],
  [/[\u0900-\u097f]/, "hi"],
  [/[\u0370-\u03ff]/, "el"],
  [/[\u0e00-\u0e7f]/, "th"],
];

/**
 * Guesses a language code from the script of `text` ("en" for Latin script and anything unknown).
 * @example detectLanguage("你好") // "zh"
 */
export function detectLanguage(text: string): string {
  for (const [pattern, language] of SCRIPTS) {
    if (pattern.test(text)) return language;
  }
  return "en";
}

// A sentence ends at . ! ? ; … followed by whitespace, or at CJK full stops and newlines. One
// punctuation mark, not a run (`[.!?]+`): a run without the space after it backtracked through
// itself from every position, quadratic in a megabyte of "!!!!".
const SENTENCE_END = /[.!?;…]["')\]]*\s+|[。！？；]+|\n+/g;
const SPEAKER_OPENING = "<|speaker:";
/** The longest well-formed speaker tag: `<|speaker:` + the most digits + `|>`. */
const SPEAKER_TAG_MAX = "<|speaker:|>".length + MAX_SPEAKER_DIGITS;

/**
 * Accumulates streamed text and hands out pieces ready to speak: whole sentences as soon as
 * they end, or about `chunkLength` characters (cut at a space) when no sentence ends in time.
 */
export class TextBuffer {
  private buffer = "";

  /** @example new TextBuffer(200) */
  constructor(private readonly chunkLength: number) {}

  /**
   * Adds text; returns the pieces now ready to synthesise (possibly none).
   * @example buffer.push("Hello there. How") // ["Hello there. "]
   */
  push(text: string): string[] {
    const buffer = this.buffer + text;
    // A speaker tag longer than any valid one is refused as soon as its digits pass the bound,
    // however the frames cut it: cut apart, its halves were read aloud as text. Only the new
    // text and the one tag that may have been waiting at the end of the buffer are scanned.
    const from = Math.max(0, this.buffer.length - SPEAKER_TAG_MAX);
    for (let at = buffer.indexOf(SPEAKER_OPENING, from); at !== -1; ) {
      const digitsFrom = at + SPEAKER_OPENING.length;
      let end = digitsFrom;
      while (end < buffer.length && buffer.charCodeAt(end) >= 48 && buffer.charCodeAt(end) <= 57)
        end++;
      if (end - digitsFrom > MAX_SPEAKER_DIGITS) throw tooManyDigits(end - digitsFrom);
      at = buffer.indexOf(SPEAKER_OPENING, end);
    }
    const ready: string[] = [];
    // One left-to-right pass: each search starts where the last piece ended, and a sentence end
    // found ahead is remembered while chunk_length cuts reach it, so text without breaks costs
    // linear time (re-scanning the whole buffer per cut made 3 MB take seconds).
    let start = 0;
    let next: RegExpExecArray | null | undefined;
    for (;;) {
      if (next === undefined || (next !== null && next.index < start)) {
        SENTENCE_END.lastIndex = start;
        next = SENTENCE_END.exec(buffer);
      }
      let cut = next ? next.index + next[0].length : -1;
      if (
        (cut < 0 || cut - start > this.chunkLength) &&
        buffer.length - start >= this.chunkLength
      ) {
        // Searched within the window only: lastIndexOf on the whole buffer walks back to 0.
        const space = buffer.slice(start, start + this.chunkLength).lastIndexOf(" ");
        cut = start + (space > 0 ? space + 1 : this.chunkLength);
        // Never inside a speaker tag: cut before one that is still open at the cut.
        const near = Math.max(start, cut - SPEAKER_TAG_MAX);
        const open = buffer.slice(near, cut).lastIndexOf("<|");
        if (open > 0 || (open === 0 && near > start)) {
          const at = near + open;
          const close = buffer.indexOf("|>", at);
          if (close === -1 || close + 2 > cut) cut = at;
        }
      }
      if (cut < 0) break;
      const piece = buffer.slice(start, cut);
      start = cut;
      if (next && next.index < start) next = undefined;
      if (piece.trim() !== "") ready.push(piece);
    }
    this.buffer = buffer.slice(start);
    return ready;
  }

  /** Characters held back, waiting for a sentence end or more text. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Empties the buffer: whatever is left, if it holds anything but whitespace.
   * @example buffer.flush() // ["How"]
   */
  flush(): string[] {
    const rest = this.buffer;
    this.buffer = "";
    return rest.trim() === "" ? [] : [rest];
  }
}
