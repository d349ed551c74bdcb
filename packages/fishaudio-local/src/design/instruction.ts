/**
 * Reads a voice-design instruction ("warm, deep male narrator with a German accent") into the
 * traits the open engines can act on. Plain keyword matching: the engines have a handful of
 * knobs (voice, pitch, rate, espeak variant), so a handful of word lists covers what they can do.
 */

export type DesignGender = "male" | "female";
export type DesignAge = "child" | "young" | "adult" | "old";

export interface VoiceTraits {
  /** Undefined when the words do not say: candidates then alternate. */
  gender: DesignGender | undefined;
  age: DesignAge;
  /** Pitch shift asked for, in semitones (deep < 0 < high). */
  semitones: number;
  /** Speaking-rate factor asked for (slow < 1 < fast). */
  pace: number;
  whisper: boolean;
  /** "robotic", "synthetic": the formant engine rather than the natural-sounding one. */
  robotic: boolean;
  /** ISO 639-1 code of an accent ("a French accent"), or "scottish". */
  accent: string | undefined;
  /** ISO 639-1 code of a language the words name outside an accent ("a German narrator"). */
  language: string | undefined;
  /** What was understood, in words, for logs and tests. */
  understood: string[];
}

/** Language names (English adjectives) the engines speak, to ISO 639-1. */
const LANGUAGE_NAMES: Record<string, string> = {
  english: "en",
  american: "en",
  german: "de",
  french: "fr",
  spanish: "es",
  italian: "it",
  portuguese: "pt",
  brazilian: "pt",
  dutch: "nl",
  russian: "ru",
  ukrainian: "uk",
  polish: "pl",
  czech: "cs",
  slovak: "sk",
  swedish: "sv",
  danish: "da",
  norwegian: "nb",
  finnish: "fi",
  hungarian: "hu",
  romanian: "ro",
  bulgarian: "bg",
  croatian: "hr",
  greek: "el",
  turkish: "tr",
  catalan: "ca",
  arabic: "ar",
  hebrew: "he",
  persian: "fa",
  hindi: "hi",
  indonesian: "id",
  vietnamese: "vi",
  chinese: "zh",
  mandarin: "zh",
  japanese: "ja",
  korean: "ko",
};

const MALE =
  /\b(male|man|men|guy|boy|masculine|gentleman|father|dad|grandfather|grandpa|king|he|him|his|baritone|bass)\b/;
const FEMALE =
  /\b(female|woman|women|lady|girl|feminine|mother|mom|mum|grandmother|grandma|queen|she|her|soprano|alto)\b/;
const CHILD = /\b(child|kid|kids|toddler|little (?:boy|girl)|young (?:boy|girl)|childlike)\b/;
const YOUNG = /\b(young|youthful|teen|teenage|teenager|student)\b/;
const OLD =
  /\b(old|older|elderly|aged|senior|grandfather|grandmother|grandpa|grandma|ancient|wise old)\b/;

/** [pattern, semitones, label]; every match adds its shift. */
const PITCH_WORDS: [RegExp, number, string][] = [
  [/\b(very|extremely|really) (deep|low)\b/, -2, "very"],
  [/\b(deep|low|low-pitched|bass|baritone|booming|gravelly|gruff)\b/, -4, "deep"],
  [/\b(husky|raspy|smoky|throaty)\b/, -2, "husky"],
  [/\b(warm|rich|mellow|velvety|smooth)\b/, -1, "warm"],
  [/\b(very|extremely|really) (high|squeaky)\b/, 2, "very"],
  [/\b(high|high-pitched|squeaky|shrill|soprano|piping)\b/, 4, "high"],
  [/\b(bright|light|bubbly|chirpy|cheerful)\b/, 2, "bright"],
];

/** [pattern, factor, label]; factors multiply. */
const PACE_WORDS: [RegExp, number, string][] = [
  [/\b(very|extremely|really) slow(ly)?\b/, 0.88, "very slow"],
  [/\b(slow|slowly|unhurried|leisurely|drawling|measured|deliberate)\b/, 0.82, "slow"],
  [/\b(calm|relaxed|soothing|gentle|soft|meditative|sleepy)\b/, 0.92, "calm"],
  [/\b(very|extremely|really) (fast|quick)\b/, 1.12, "very fast"],
  [/\b(fast|quick|quickly|rapid|brisk|hurried|fast-paced|auctioneer)\b/, 1.2, "fast"],
  [/\b(energetic|excited|upbeat|lively|enthusiastic|hyper|peppy)\b/, 1.1, "energetic"],
];

const WHISPER = /\b(whisper|whispers|whispered|whispering|whispery|hushed|breathy)\b/;
const ROBOTIC = /\b(robot|robotic|synthetic|mechanical|computer|android|machine)\b/;

/**
 * The traits an instruction asks for.
 * @example readInstruction("A deep, slow old man with a German accent").accent // "de"
 */
export function readInstruction(instruction: string): VoiceTraits {
  const text = instruction.toLowerCase().replace(/\s+/g, " ");
  const understood: string[] = [];
  const male = MALE.test(text);
  const female = FEMALE.test(text);
  // "a woman reading to her son" names both: the first named wins.
  let gender: DesignGender | undefined;
  if (male && female) {
    gender = text.search(MALE) < text.search(FEMALE) ? "male" : "female";
  } else if (male) gender = "male";
  else if (female) gender = "female";
  if (gender) understood.push(gender);

  let age: DesignAge = "adult";
  if (CHILD.test(text)) age = "child";
  else if (OLD.test(text)) age = "old";
  else if (YOUNG.test(text)) age = "young";
  if (age !== "adult") understood.push(age);

  let semitones = 0;
  for (const [pattern, shift, label] of PITCH_WORDS) {
    if (pattern.test(text)) {
      semitones += shift;
      understood.push(label);
    }
  }
  let pace = 1;
  for (const [pattern, factor, label] of PACE_WORDS) {
    if (pattern.test(text)) {
      pace *= factor;
      understood.push(label);
    }
  }
  const whisper = WHISPER.test(text);
  if (whisper) understood.push("whisper");
  const robotic = ROBOTIC.test(text);
  if (robotic) understood.push("robotic");

  let accent: string | undefined;
  const accentMatch = /\b([a-z]+) accent\b|\baccent (?:from|of) ([a-z]+)\b/.exec(text);
  const accentWord = accentMatch?.[1] ?? accentMatch?.[2];
  if (accentWord === "scottish" || accentWord === "scotland" || accentWord === "scots") {
    accent = "scottish";
  } else if (accentWord && LANGUAGE_NAMES[accentWord] && LANGUAGE_NAMES[accentWord] !== "en") {
    accent = LANGUAGE_NAMES[accentWord];
  }
  if (accent) understood.push(`${accent} accent`);

  let language: string | undefined;
  const withoutAccent = accentMatch ? text.replace(accentMatch[0], " ") : text;
  for (const word of withoutAccent.match(/[a-z]+/g) ?? []) {
    const code = LANGUAGE_NAMES[word];
    if (code && word !== "american") {
      language = code;
      understood.push(`speaks ${code}`);
      break;
    }
  }
  return { gender, age, semitones, pace, whisper, robotic, accent, language, understood };
}
