/**
 * The words of a piece of text as the word timings name them: whitespace-separated tokens with
 * their surrounding punctuation trimmed ("Hello," -> "Hello", "Smith's" stays). Offsets count
 * code points, as espeak-ng's text positions do.
 */

/** A word and where it sits in its text, in code points. */
export interface WordSpan {
  text: string;
  /** Code-point offset of the first character of the trimmed word. */
  start: number;
  /** Code-point offset just past its last character. */
  end: number;
}

const EDGE = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const SPEAKABLE = /[\p{L}\p{N}]/u;

/**
 * The speakable words of `text` with their code-point offsets; punctuation-only tokens are left out.
 * @example wordSpans("Hi, you!") // [{ text: "Hi", start: 0, end: 2 }, { text: "you", start: 4, end: 7 }]
 */
export function wordSpans(text: string): WordSpan[] {
  const chars = Array.from(text);
  const spans: WordSpan[] = [];
  let i = 0;
  while (i < chars.length) {
    if (/\s/u.test(chars[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && !/\s/u.test(chars[j]!)) j++;
    const token = chars.slice(i, j).join("");
    if (SPEAKABLE.test(token)) {
      const lead = Array.from(token.match(/^[^\p{L}\p{N}]*/u)![0]).length;
      const trimmed = token.replace(EDGE, "");
      spans.push({ text: trimmed, start: i + lead, end: i + lead + Array.from(trimmed).length });
    }
    i = j;
  }
  return spans;
}
