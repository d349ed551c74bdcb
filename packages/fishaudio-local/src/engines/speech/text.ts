/**
 * Splits text into speakable pieces: sentences first, long sentences at clause punctuation, then
 * at spaces, then anywhere. Synthesising piece by piece is what lets the first audio out early.
 */

/** Sentence-final punctuation (Latin, CJK, Devanagari, Arabic) followed by space or end. */
const SENTENCE_END = /([.!?;…。！？；।؟]+["'”’)\]]*)(\s+|$)|([。！？])/gu;
const CLAUSE_BREAK = /[,:，、：—–]\s*/gu;
const SPEAKABLE = /[\p{L}\p{N}]/u;
/** A period after these (or after a single letter) does not end a sentence. */
const ABBREVIATION =
  /(?:^|\s)(?:mr|mrs|ms|dr|prof|sr|jr|st|vs|etc|e\.g|i\.e|no|fig|inc|ltd|co|mt|gen|col|sgt|capt|hr|herr|frau|[\p{L}])\.$/iu;

/** A piece longer than this is split further. */
export const MAX_PIECE_CHARS = 200;
/**
 * The first piece is cut much shorter (its first clause, else its first few words) because
 * flite's time grows with the text and the client hears nothing until that piece is done; the
 * next pieces are synthesised while it plays.
 */
export const FIRST_PIECE_CHARS = 48;
/**
 * The first piece when the engine is already busy: every first piece then queues behind others,
 * so a shorter one (a word or two; the cut costs some prosody at that one break) is what keeps
 * the first audio of many requests at once under a second. flite's cost follows the audio it
 * makes (~20 ms of CPU per second): ~1 s of audio for a first piece this long against ~1.7 s at
 * 24 characters, and 50 first pieces at once are 50 of them in a row on two cores.
 */
export const BUSY_FIRST_PIECE_CHARS = 12;
/** The second piece is at most this many times the first: it must be ready before the first ends. */
const SECOND_PIECE_RATIO = 3;

/**
 * Speakable pieces of `text`, in order; punctuation-only fragments are dropped. The first piece
 * is at most `firstPieceChars` long, the second three times that, the rest MAX_PIECE_CHARS.
 * @example
 * splitText("Hello there. How are you?"); // ["Hello there.", "How are you?"]
 */
export function splitText(text: string, firstPieceChars = FIRST_PIECE_CHARS): string[] {
  const pieces: string[] = [];
  const limitOfNext = () =>
    pieces.length === 0
      ? firstPieceChars
      : pieces.length === 1
        ? Math.min(MAX_PIECE_CHARS, firstPieceChars * SECOND_PIECE_RATIO)
        : MAX_PIECE_CHARS;
  for (const paragraph of breakLongWords(text).split(/\n\s*\n|\r\n\s*\r\n/)) {
    for (const sentence of splitSentences(paragraph.replace(/\s+/g, " ").trim())) {
      splitLong(sentence, limitOfNext, (piece) => {
        if (SPEAKABLE.test(piece)) pieces.push(piece);
      });
    }
  }
  return pieces;
}

/** Longest unbroken run handed to an engine: longer than any dictionary word. */
export const MAX_WORD_CHARS = 40;

/**
 * Breaks unbroken runs (URLs, hashes, "xxxx…") into word-sized parts: one enormous token makes
 * flite spell it out as a single word and crash past a few hundred letters.
 */
function breakLongWords(text: string): string {
  return text.replace(LONG_WORD, (word) => word.match(WORD_PART)!.join(" "));
}

const LONG_WORD = new RegExp(`\\S{${MAX_WORD_CHARS + 1},}`, "gu");
const WORD_PART = new RegExp(`\\S{1,${MAX_WORD_CHARS}}`, "gu");

function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    const piece = text.slice(start, end).trim();
    if (!piece || isAbbreviation(piece)) continue;
    out.push(piece);
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/**
 * Whether `piece` ends in an abbreviation. Only its last word is tested: testing the whole piece
 * made text of many abbreviations ("Mr. Mr. Mr. …", one growing piece) quadratic.
 */
function isAbbreviation(piece: string): boolean {
  const space = piece.lastIndexOf(" ");
  return ABBREVIATION.test(space < 0 ? piece : piece.slice(space));
}

/** Cuts a sentence into pieces, each at most `limit()` long (asked again for every piece). */
function splitLong(sentence: string, limit: () => number, emit: (piece: string) => void): void {
  // A loop, not recursion: 2 MB without a sentence end is ten thousand pieces.
  let rest = sentence;
  while (rest.length > limit()) {
    const cut = bestCut(rest, limit());
    const head = rest.slice(0, cut).trim();
    if (head) emit(head);
    rest = rest.slice(cut).trim();
  }
  if (rest) emit(rest);
}

/** Where to cut a too-long sentence: the last clause break, else the last space, before `limit`. */
function bestCut(sentence: string, limit: number): number {
  const window = sentence.slice(0, limit);
  let clause = -1;
  for (const match of window.matchAll(CLAUSE_BREAK)) {
    const end = match.index + match[0].length;
    if (end >= limit / 3) clause = end;
  }
  if (clause > 0) return clause;
  const space = window.lastIndexOf(" ");
  if (space >= limit / 3) return space + 1;
  return limit;
}
