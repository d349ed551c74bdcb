/** A stretch of text spoken by one speaker of a multi-speaker request. */
export interface SpeakerTurn {
  speaker: number;
  text: string;
}

const SPEAKER_TAG = /<\|speaker:(\d+)\|>/g;

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
    speaker = Number(match[1]);
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

// A sentence ends at . ! ? ; … followed by whitespace, or at CJK full stops and newlines.
const SENTENCE_END = /[.!?;…]+["')\]]*\s+|[。！？；]+|\n+/g;

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
    this.buffer += text;
    const ready: string[] = [];
    for (;;) {
      SENTENCE_END.lastIndex = 0;
      const end = SENTENCE_END.exec(this.buffer);
      let cut = end ? end.index + end[0].length : -1;
      if ((cut < 0 || cut > this.chunkLength) && this.buffer.length >= this.chunkLength) {
        const space = this.buffer.lastIndexOf(" ", this.chunkLength);
        cut = space > 0 ? space + 1 : this.chunkLength;
      }
      if (cut < 0) break;
      const piece = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut);
      if (piece.trim() !== "") ready.push(piece);
    }
    return ready;
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
