import type { EngineVoice } from "../types.js";

/** Where an engine voice comes from, beyond its public description. */
export interface VoiceSpec extends EngineVoice {
  /** flite -voice name, or espeak voice name. */
  engineName: string;
  /**
   * How a pitch target is reached: "native" engine setting, or "resample" (flite rms ignores its
   * F0 settings, so its audio is synthesised stretched and relabelled at a shifted sample rate).
   */
  pitchControl: "native" | "resample";
}

/**
 * Flite's English voices. pitchHz is the median F0 measured with estimatePitch on the five
 * round-trip sentences of the engines guide (rms 101, slt 175, awb 131, kal16 89).
 */
const FLITE: VoiceSpec[] = [
  {
    id: "flite-rms",
    title: "Flite RMS (English, male)",
    description: "US English male voice (CMU Flite, clustergen). The clearest offline voice.",
    engine: "flite",
    languages: ["en"],
    gender: "male",
    pitchHz: 101,
    engineName: "rms",
    pitchControl: "resample",
  },
  {
    id: "flite-slt",
    title: "Flite SLT (English, female)",
    description: "US English female voice (CMU Flite, clustergen).",
    engine: "flite",
    languages: ["en"],
    gender: "female",
    pitchHz: 175,
    engineName: "slt",
    pitchControl: "native",
  },
  {
    id: "flite-awb",
    title: "Flite AWB (English, Scottish male)",
    description: "Scottish English male voice (CMU Flite, clustergen).",
    engine: "flite",
    languages: ["en"],
    gender: "male",
    pitchHz: 131,
    engineName: "awb",
    pitchControl: "native",
  },
  {
    id: "flite-kal16",
    title: "Flite KAL16 (English, male, fast)",
    description: "US English male diphone voice (CMU Flite); the fastest to synthesise.",
    engine: "flite",
    languages: ["en"],
    gender: "male",
    pitchHz: 89,
    engineName: "kal16",
    pitchControl: "native",
  },
];

/** [ISO 639-1 code, espeak voice name, English language name]. */
const ESPEAK_LANGUAGES: [string, string, string][] = [
  ["en", "en-us", "English"],
  ["de", "de", "German"],
  ["fr", "fr", "French"],
  ["es", "es", "Spanish"],
  ["it", "it", "Italian"],
  ["pt", "pt-BR", "Portuguese (Brazil)"],
  ["nl", "nl", "Dutch"],
  ["ru", "ru", "Russian"],
  ["uk", "uk", "Ukrainian"],
  ["pl", "pl", "Polish"],
  ["cs", "cs", "Czech"],
  ["sk", "sk", "Slovak"],
  ["sv", "sv", "Swedish"],
  ["da", "da", "Danish"],
  ["nb", "nb", "Norwegian Bokmål"],
  ["fi", "fi", "Finnish"],
  ["hu", "hu", "Hungarian"],
  ["ro", "ro", "Romanian"],
  ["bg", "bg", "Bulgarian"],
  ["hr", "hr", "Croatian"],
  ["el", "el", "Greek"],
  ["tr", "tr", "Turkish"],
  ["ca", "ca", "Catalan"],
  ["ar", "ar", "Arabic"],
  ["he", "he", "Hebrew"],
  ["fa", "fa", "Persian"],
  ["hi", "hi", "Hindi"],
  ["id", "id", "Indonesian"],
  ["vi", "vi", "Vietnamese"],
  ["zh", "cmn", "Chinese (Mandarin)"],
  ["ja", "ja", "Japanese"],
  ["ko", "ko", "Korean"],
];

/** espeak's default voices sit near 100 Hz: measured 95-113 Hz (median 103) across these 32. */
const ESPEAK_DEFAULT_PITCH_HZ = 102;

const ESPEAK: VoiceSpec[] = ESPEAK_LANGUAGES.map(([code, name, language]) => ({
  id: `espeak-${code}`,
  title: `eSpeak NG ${language}`,
  description: `${language} voice (eSpeak NG formant synthesis; robotic but intelligible).`,
  engine: "espeak",
  languages: [code],
  gender: "male",
  pitchHz: ESPEAK_DEFAULT_PITCH_HZ,
  engineName: name,
  pitchControl: "native",
}));

/** Every engine voice; the first is the default. */
export const VOICES: readonly VoiceSpec[] = [...FLITE, ...ESPEAK];

/** Strips a voice spec to the public EngineVoice shape. */
export function publicVoice(spec: VoiceSpec): EngineVoice {
  const { engineName: _engineName, pitchControl: _pitchControl, ...voice } = spec;
  return { ...voice, languages: [...voice.languages] };
}

/**
 * The best voice for a language tag ("de", "de-DE", "zh_CN"), or the default voice.
 * @example
 * voiceForLanguage("pt-BR").id; // "espeak-pt"
 */
export function voiceForLanguage(language: string): VoiceSpec {
  const code = language.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  const alias: Record<string, string> = { no: "nb", nn: "nb", iw: "he", cmn: "zh", yue: "zh" };
  const wanted = alias[code] ?? code;
  return VOICES.find((v) => v.languages.includes(wanted)) ?? VOICES[0]!;
}

/**
 * The voice nearest in pitch among those speaking `language` (for mapping cloned voices).
 * @example
 * pickVoice("en", 190).id; // "flite-slt"
 */
export function pickVoice(language: string, pitchHz?: number): VoiceSpec {
  const first = voiceForLanguage(language);
  if (pitchHz === undefined) return first;
  const candidates = VOICES.filter((v) => v.languages.some((l) => first.languages.includes(l)));
  const sameEngine = candidates.filter((v) => v.engine === first.engine);
  let best = first;
  for (const v of sameEngine) {
    if (Math.abs(Math.log(v.pitchHz / pitchHz)) < Math.abs(Math.log(best.pitchHz / pitchHz))) {
      best = v;
    }
  }
  return best;
}

/** espeak pitch setting (0..99) -> median F0, for the default and the "+f3" variant (measured). */
const ESPEAK_MALE_CURVE: [number, number][] = [
  [0, 71],
  [25, 82],
  [50, 102],
  [75, 131],
  [99, 170],
];
const ESPEAK_FEMALE_CURVE: [number, number][] = [
  [0, 148],
  [25, 175],
  [50, 211],
  [75, 266],
  [99, 335],
];

function invert(curve: [number, number][], hz: number): number {
  const first = curve[0]!;
  const last = curve[curve.length - 1]!;
  if (hz <= first[1]) return first[0];
  if (hz >= last[1]) return last[0];
  for (let i = 1; i < curve.length; i++) {
    const [p1, f1] = curve[i]!;
    const [p0, f0] = curve[i - 1]!;
    if (hz <= f1) return Math.round(p0 + ((p1 - p0) * (hz - f0)) / (f1 - f0));
  }
  return 50;
}

/**
 * espeak voice name (with variant) and pitch setting that land near a target F0.
 * @example
 * espeakPitch("de", 210); // { voice: "de+f3", pitch: 50 }
 */
export function espeakPitch(name: string, targetHz?: number): { voice: string; pitch: number } {
  if (targetHz === undefined || !Number.isFinite(targetHz)) return { voice: name, pitch: 50 };
  if (targetHz >= 150) return { voice: `${name}+f3`, pitch: invert(ESPEAK_FEMALE_CURVE, targetHz) };
  return { voice: name, pitch: invert(ESPEAK_MALE_CURVE, targetHz) };
}
