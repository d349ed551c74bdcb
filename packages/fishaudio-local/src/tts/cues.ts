/**
 * Emotion and delivery cues in TTS text (`[happy]`, `[whispering]`, `[pause]`, legacy `(angry)`):
 * never spoken. The ones an open engine can render become delivery settings or silence; every
 * other cue is dropped without a sound. The README lists which is which.
 */

/** How a stretch of text is delivered. */
export interface Delivery {
  /** espeak's whisper voice; quieter speech on flite, which has none. */
  whisper: boolean;
  /** Gain in dB on top of the request's volume. */
  volumeDb: number;
  /** Speaking-rate multiplier on top of the request's speed. */
  rate: number;
}

/** Text to speak with its delivery, or a pause. */
export type CuePart =
  | { kind: "text"; text: string; delivery: Delivery }
  | { kind: "pause"; seconds: number };

export const PLAIN: Delivery = { whisper: false, volumeDb: 0, rate: 1 };

/** Cues the engines render, by their (lower-case) name. */
const RENDERED: Record<string, Partial<Delivery> | { pause: number } | "emphasis"> = {
  whisper: { whisper: true },
  whispering: { whisper: true },
  whispers: { whisper: true },
  "soft tone": { volumeDb: -6, rate: 0.95 },
  soft: { volumeDb: -6 },
  shouting: { volumeDb: 6, rate: 1.05 },
  screaming: { volumeDb: 8, rate: 1.1 },
  loud: { volumeDb: 6 },
  quiet: { volumeDb: -8 },
  "in a hurry tone": { rate: 1.3 },
  fast: { rate: 1.25 },
  slow: { rate: 0.8 },
  emphasis: "emphasis",
  pause: { pause: 0.5 },
  break: { pause: 0.5 },
  "short pause": { pause: 0.3 },
  "long pause": { pause: 1.2 },
  "long-break": { pause: 1.2 },
};

/** The documented cue names (S1 parentheses need one of these; S2 brackets take any text). */
const LEGACY_NAMES = new Set([
  // emotions
  "happy",
  "sad",
  "angry",
  "excited",
  "calm",
  "nervous",
  "confident",
  "surprised",
  "satisfied",
  "delighted",
  "scared",
  "worried",
  "upset",
  "frustrated",
  "depressed",
  "empathetic",
  "embarrassed",
  "disgusted",
  "moved",
  "proud",
  "relaxed",
  "grateful",
  "curious",
  "sarcastic",
  "disdainful",
  "unhappy",
  "anxious",
  "hysterical",
  "indifferent",
  "uncertain",
  "doubtful",
  "confused",
  "disappointed",
  "regretful",
  "guilty",
  "ashamed",
  "jealous",
  "envious",
  "hopeful",
  "optimistic",
  "pessimistic",
  "nostalgic",
  "lonely",
  "bored",
  "contemptuous",
  "sympathetic",
  "compassionate",
  "determined",
  "resigned",
  // tones, effects, special
  "in a hurry tone",
  "shouting",
  "screaming",
  "whispering",
  "soft tone",
  "emphasis",
  "laughing",
  "chuckling",
  "sobbing",
  "crying loudly",
  "sighing",
  "groaning",
  "panting",
  "gasping",
  "yawning",
  "snoring",
  "clear throat",
  "audience laughing",
  "background laughter",
  "crowd laughing",
  "break",
  "long-break",
  "pause",
  "whisper",
]);

/** A bracket cue (any short text, as S2 takes natural-language cues) or a known legacy one. */
const CUE = /\[([^\][\n]{1,80})\]|\(([a-z][a-z -]{1,30})\)/giu;

/** Sentence end: delivery cues last until the sentence they open is over. */
const SENTENCE_END = /[.!?。！？…]+["'”’)\]]*(?=\s|$)/u;

/**
 * Splits `text` into what to say and how, and pauses; cue words are never part of the text.
 * Delivery cues apply until the end of their sentence; `[emphasis]` to the next word only.
 * @example parseCues("[whispering] Quiet now. [pause] Done.") // whispered text, a pause, plain text
 */
export function parseCues(text: string): CuePart[] {
  const parts: CuePart[] = [];
  let delivery = PLAIN;
  let emphasis = false;
  let last = 0;
  const pushText = (raw: string) => {
    let rest = raw;
    while (rest !== "") {
      if (emphasis) {
        const word = /^\s*\S+/u.exec(rest);
        if (!word) {
          pushPlain(rest, delivery);
          return;
        }
        pushPlain(word[0], {
          ...delivery,
          volumeDb: delivery.volumeDb + 4,
          rate: delivery.rate * 0.85,
        });
        emphasis = false;
        rest = rest.slice(word[0].length);
        continue;
      }
      const end = SENTENCE_END.exec(rest);
      if (!end || delivery === PLAIN) {
        pushPlain(rest, delivery);
        if (end && delivery !== PLAIN) delivery = PLAIN;
        return;
      }
      const cut = end.index + end[0].length;
      pushPlain(rest.slice(0, cut), delivery);
      delivery = PLAIN;
      rest = rest.slice(cut);
    }
  };
  const pushPlain = (piece: string, how: Delivery) => {
    if (piece.trim() === "") {
      if (piece !== "" && parts.at(-1)?.kind === "text") {
        (parts.at(-1) as { text: string }).text += piece;
      }
      return;
    }
    const previous = parts.at(-1);
    if (previous?.kind === "text" && sameDelivery(previous.delivery, how)) previous.text += piece;
    else parts.push({ kind: "text", text: piece, delivery: how });
  };
  for (const match of text.matchAll(CUE)) {
    const name = (match[1] ?? match[2] ?? "").trim().toLowerCase();
    // A parenthesised aside that is not a documented cue is ordinary text.
    if (match[2] !== undefined && !LEGACY_NAMES.has(name)) continue;
    pushText(text.slice(last, match.index));
    last = match.index + match[0].length;
    // A cue separates the words around it: "word[pause]word" must not join them.
    pushPlain(" ", delivery);
    const effect = RENDERED[name];
    if (effect === undefined) continue;
    if (effect === "emphasis") emphasis = true;
    else if ("pause" in effect) parts.push({ kind: "pause", seconds: effect.pause });
    else {
      delivery = {
        whisper: effect.whisper ?? delivery.whisper,
        volumeDb: delivery.volumeDb + (effect.volumeDb ?? 0),
        rate: delivery.rate * (effect.rate ?? 1),
      };
    }
  }
  pushText(text.slice(last));
  return parts.filter((p) => p.kind === "pause" || p.text.trim() !== "");
}

/**
 * `text` with every cue removed (what is spoken, for charging and display).
 * @example stripCues("[happy] Hi (sighing) there") // "Hi there"
 */
export function stripCues(text: string): string {
  return parseCues(text)
    .flatMap((p) => (p.kind === "text" ? [p.text] : []))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

function sameDelivery(a: Delivery, b: Delivery): boolean {
  return a.whisper === b.whisper && a.volumeDb === b.volumeDb && a.rate === b.rate;
}
