/**
 * Turns traits plus a seed into `n` distinct engine settings. Candidates of one request sit at
 * least SLOT_SEMITONES apart in target pitch (the engines reach a target F0 within a few percent,
 * measured for every voice), so they are audibly and measurably different; the seed moves the
 * whole set, reorders it and picks voices and rates, so another seed gives other candidates.
 */
import type { EngineVoice } from "../engines/types.js";
import type { DesignGender, VoiceTraits } from "./instruction.js";

export interface CandidatePlan {
  engineVoiceId: string;
  /** Target median F0 in Hz. */
  pitchHz: number;
  /** Rate multiplier as the engines take it (0.5..2). */
  speed: number;
  /** Whispered (espeak's whisper variant), only on espeak voices. */
  whisper: boolean;
  gender: DesignGender;
}

export interface PlanOptions {
  n: number;
  seed: number;
  /** The request's speed multiplier (0 < speed <= 3). */
  speed: number;
  /** How strongly the traits apply (guidance_scale / 2): 0 ignores the words. */
  strength: number;
  /** The language the candidates speak (ISO 639-1, an engine speaks it). */
  language: string;
  voices: EngineVoice[];
}

/** Spacing of the candidates' pitch targets: 3 semitones is a 19% step in F0. */
export const SLOT_SEMITONES = 3;
const MIN_HZ = 76;
const MAX_HZ = 300;
/** flite's rms voice reaches other pitches by resampling, 0.6..1.8 times its own. */
const RESAMPLED_MAX_HZ = 175;

const BASE_HZ: Record<DesignGender, Record<VoiceTraits["age"], number>> = {
  male: { child: 250, young: 130, adult: 112, old: 100 },
  female: { child: 270, young: 215, adult: 195, old: 170 },
};
const AGE_PACE: Record<VoiceTraits["age"], number> = {
  child: 1.05,
  young: 1.04,
  adult: 1,
  old: 0.9,
};

/**
 * A small, fast PRNG (mulberry32): the same seed gives the same sequence on every platform.
 * @example const next = prng(42); next(); // 0.6011...
 */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit seed from the instruction, the request's seed and whatever else shapes the result.
 * @example seedFor(["warm narrator", 42, "en"])
 */
export function seedFor(parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.map(String).join("\u0000")) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The voices a candidate may use, best-sounding first. */
function voicePool(
  traits: VoiceTraits,
  gender: DesignGender,
  language: string,
  voices: EngineVoice[],
): EngineVoice[] {
  const speaking = voices.filter((v) => v.languages.includes(language));
  if (traits.accent === "scottish") {
    const scottish = voices.filter((v) => /scottish/i.test(v.title));
    if (scottish.length > 0) return scottish;
  }
  if (traits.accent && traits.accent !== language) {
    const accented = voices.filter((v) => v.languages.includes(traits.accent!));
    if (accented.length > 0) return accented;
  }
  // Whispering and robotic speech exist only in the formant engine.
  if (traits.whisper || traits.robotic) {
    const espeak = speaking.filter((v) => v.engine === "espeak");
    if (espeak.length > 0) return espeak;
  }
  const natural = speaking.filter((v) => v.engine === "flite");
  const pool = natural.length > 0 ? natural : speaking;
  const matching = pool.filter((v) => v.gender === gender);
  return matching.length > 0 ? matching : pool;
}

/**
 * `n` candidate settings for `traits`; deterministic in `seed`, pitch targets SLOT_SEMITONES apart.
 * @example planCandidates(readInstruction("deep narrator"), { n: 2, seed: 1, speed: 1, strength: 1, language: "en", voices })
 */
export function planCandidates(traits: VoiceTraits, options: PlanOptions): CandidatePlan[] {
  const random = prng(options.seed);
  const firstGender: DesignGender = random() < 0.5 ? "male" : "female";
  // Unsaid gender: a deep voice reads as male, a high one as female, else they alternate.
  const implied: DesignGender | undefined =
    traits.semitones <= -3 ? "male" : traits.semitones >= 3 ? "female" : undefined;
  const genders: DesignGender[] = Array.from(
    { length: options.n },
    (_, i) =>
      traits.gender ??
      implied ??
      (i % 2 === 0 ? firstGender : firstGender === "male" ? "female" : "male"),
  );
  // Slots 0..n-1, SLOT_SEMITONES apart, centred on the asked-for pitch, moved by the seed.
  const jitter = (random() - 0.5) * SLOT_SEMITONES;
  const order = shuffle(
    Array.from({ length: options.n }, (_, i) => i),
    random,
  );
  const centre = (options.n - 1) / 2;
  const strength = clamp(options.strength, 0, 1.5);
  const pace = traits.pace * AGE_PACE[traits.age];
  const askedPace = 1 + (pace - 1) * strength;

  const plans = genders.map((gender, i) => {
    const base = BASE_HZ[gender][traits.age];
    const semitones = traits.semitones * strength + (order[i]! - centre) * SLOT_SEMITONES + jitter;
    // Whispers have no pitch to tell them apart, so their rates are spread instead.
    const spread = traits.whisper ? 1 + (order[i]! - centre) * 0.12 : 0.92 + random() * 0.16;
    const rate = askedPace * options.speed * spread;
    return { gender, hz: base * 2 ** (semitones / 12), speed: rate };
  });
  // Mixed genders can land two slots close together: push each up to a slot above the last.
  const step = 2 ** (SLOT_SEMITONES / 12);
  const ascending = [...plans].sort((a, b) => a.hz - b.hz);
  for (let i = 1; i < ascending.length; i++) {
    const below = ascending[i - 1]!.hz * step;
    if (ascending[i]!.hz < below) ascending[i]!.hz = below;
  }
  // Move a set that leaves the engines' range back inside it as a whole, keeping the spacing.
  const lowest = Math.min(...plans.map((p) => p.hz));
  const highest = Math.max(...plans.map((p) => p.hz));
  // (The top keeps a few Hz of headroom for the whole-Hz rounding below.)
  const top = MAX_HZ - 4;
  const factor = lowest < MIN_HZ ? MIN_HZ / lowest : highest > top ? top / highest : 1;
  for (const plan of plans) plan.hz = Math.round(plan.hz * factor);
  for (let i = 1; i < ascending.length; i++) {
    const below = Math.ceil(ascending[i - 1]!.hz * step);
    if (ascending[i]!.hz < below) ascending[i]!.hz = below;
  }

  const voiceTurn = Math.floor(random() * 4);
  return plans.map((plan, i) => {
    const pitchHz = plan.hz;
    let pool = voicePool(traits, plan.gender, options.language, options.voices);
    const reachable = pool.filter((v) => !(v.id === "flite-rms" && pitchHz > RESAMPLED_MAX_HZ));
    if (reachable.length > 0) pool = reachable;
    const voice = pool[(voiceTurn + i) % pool.length]!;
    return {
      engineVoiceId: voice.id,
      pitchHz,
      speed: Math.round(clamp(plan.speed, 0.5, 2) * 1000) / 1000,
      whisper: voice.engine === "espeak" && traits.whisper,
      gender: plan.gender,
    };
  });
}
