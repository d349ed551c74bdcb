import { AudioBudget, decodeUpload } from "../audio/upload.js";
import type { ServerContext } from "../context.js";
import type { EngineVoice, VoiceSettings } from "../engines/types.js";
import { HttpError } from "../http/errors.js";
import type { Principal } from "../store/accounts.js";
import type { StoredVoice } from "../store/voices.js";
import { BENCHMARK_VOICE_ID } from "./benchmark.js";
import type { InlineReference, TtsParams } from "./request.js";
import { detectLanguage } from "./text.js";

/** How one speaker of a request is voiced. */
export interface SpeakerPlan {
  /** The generated-tone benchmark voice instead of an engine. */
  benchmark: boolean;
  settings: VoiceSettings;
  /** The stored (cloned) voice behind it, for its task count. */
  storedVoiceId: string | null;
  /** No voice was named: pick the engine voice by the language of each piece of text. */
  autoLanguage?: boolean;
}

/**
 * The stored voice `id` if `principal` may use it: public and unlisted voices are anyone's,
 * private ones only their owner's. Others' private voices look exactly like missing ones.
 * @example const voice = visibleVoice(ctx, principal, id);
 */
export function visibleVoice(
  ctx: ServerContext,
  principal: Principal,
  id: string,
): StoredVoice | undefined {
  const voice = ctx.voices.get(id);
  if (!voice) return undefined;
  if (voice.visibility === "private" && voice.ownerId !== principal.user.id) return undefined;
  return voice;
}

/**
 * The engine voice closest in pitch to `pitchHz` among those speaking `language`, restricted to
 * the engine of the language's default voice (`preferred`, from `voiceForLanguage`; without it,
 * the first voice speaking the language, which is what `voiceForLanguage` picks) so that an
 * English clone never lands on a robotic espeak voice because its pitch is a few Hz closer.
 * @example closestVoice(engines.voices(), "en", 210, engines.voiceForLanguage("en"))
 */
export function closestVoice(
  voices: EngineVoice[],
  language: string,
  pitchHz: number | undefined,
  preferred?: EngineVoice,
): EngineVoice {
  const speaking = voices.filter((v) => v.languages.includes(language));
  const anchor = preferred ?? speaking[0];
  const sameEngine = anchor ? speaking.filter((v) => v.engine === anchor.engine) : speaking;
  const pool = sameEngine.length > 0 ? sameEngine : speaking.length > 0 ? speaking : voices;
  if (pool.length === 0) throw new HttpError(503, "No speech engine voices are available");
  const start = anchor && pool.some((v) => v.id === anchor.id) ? anchor : pool[0]!;
  if (pitchHz === undefined) return start;
  let best = start;
  for (const voice of pool) {
    if (Math.abs(Math.log(voice.pitchHz / pitchHz)) < Math.abs(Math.log(best.pitchHz / pitchHz))) {
      best = voice;
    }
  }
  return best;
}

/** Most inline references one request may carry, over all speakers. */
export const MAX_REFERENCES = 20;

async function fromReferences(
  ctx: ServerContext,
  refs: InlineReference[],
  speed: number,
  budget: AudioBudget,
): Promise<SpeakerPlan> {
  const pitches: number[] = [];
  for (const [i, ref] of refs.entries()) {
    const pcm = await decodeUpload(ctx, ref.audio, `references[${i}].audio`, budget);
    const pitch = ctx.engines.estimatePitch(pcm);
    if (pitch !== undefined) pitches.push(pitch);
  }
  pitches.sort((a, b) => a - b);
  const pitchHz = pitches.length > 0 ? pitches[Math.floor(pitches.length / 2)] : undefined;
  const language = detectLanguage(refs.map((r) => r.text).join(" "));
  const voice = closestVoice(
    ctx.engines.voices(),
    language,
    pitchHz,
    ctx.engines.voiceForLanguage(language),
  );
  return {
    benchmark: false,
    settings: { engineVoiceId: voice.id, pitchHz, speed },
    storedVoiceId: null,
  };
}

function fromId(ctx: ServerContext, principal: Principal, id: string, speed: number): SpeakerPlan {
  if (id === BENCHMARK_VOICE_ID && ctx.benchmarkVoice) {
    return { benchmark: true, settings: { engineVoiceId: id, speed }, storedVoiceId: null };
  }
  const engineVoice = ctx.engines.voices().find((v) => v.id === id);
  if (engineVoice) {
    return { benchmark: false, settings: { engineVoiceId: id, speed }, storedVoiceId: null };
  }
  const stored = visibleVoice(ctx, principal, id);
  if (!stored) {
    throw new HttpError(
      404,
      `Voice '${id}' not found: reference_id must be a voice id from GET /model (engine voices or your own)`,
    );
  }
  return {
    benchmark: false,
    settings: { engineVoiceId: stored.engineVoiceId, pitchHz: stored.pitchHz ?? undefined, speed },
    storedVoiceId: stored.id,
  };
}

/**
 * Decides the voice of every speaker: named voices (`reference_id`), zero-shot references
 * (matched by pitch), or the engine voice for the language of the text.
 * @example const speakers = await planSpeakers(ctx, principal, params);
 */
export async function planSpeakers(
  ctx: ServerContext,
  principal: Principal,
  params: TtsParams,
): Promise<SpeakerPlan[]> {
  if (params.referenceIds.length > 0 && params.references.length === 0) {
    return params.referenceIds.map((id) => fromId(ctx, principal, id, params.speed));
  }
  if (params.references.length > 0) {
    const count = params.references.reduce((n, refs) => n + refs.length, 0);
    if (count > MAX_REFERENCES) {
      throw new HttpError(
        422,
        `At most ${MAX_REFERENCES} inline 'references' per request, got ${count}; save the voice with POST /model and send its reference_id instead`,
      );
    }
    // Decoded one after another against one budget: all references of a request together
    // stay within maxAudioSeconds.
    const budget = new AudioBudget(ctx.maxAudioSeconds);
    const plans: SpeakerPlan[] = [];
    for (const refs of params.references) {
      plans.push(await fromReferences(ctx, refs, params.speed, budget));
    }
    return plans;
  }
  const voice = ctx.engines.voiceForLanguage(detectLanguage(params.text));
  return [
    {
      benchmark: false,
      settings: { engineVoiceId: voice.id, speed: params.speed },
      storedVoiceId: null,
      autoLanguage: true,
    },
  ];
}
