import type { Engines, PcmChunk, VoiceSettings } from "../engines/types.js";
import { BENCHMARK_SAMPLE_RATE, tonePcm, wavHeader } from "./benchmark.js";
import { type Delivery, parseCues } from "./cues.js";
import type { SpeechSource, Spoken } from "./encode.js";
import type { TtsJob } from "./pipeline.js";
import { detectLanguage, splitSpeakers } from "./text.js";
import type { SpeakerPlan } from "./voice-plan.js";

/** What `speak` needs besides the text. */
export interface SpeakOptions {
  /** Ask the engines for word timings (PcmChunk.words, timed from each chunk's first sample). */
  timings?: boolean;
  /** With timings: audio need not wait for its words (SynthesisOptions.wordsAfterAudio). */
  wordsAfterAudio?: boolean;
}

/** flite has no whisper voice: a whisper cue makes its speech this much quieter instead. */
const FLITE_WHISPER_DB = -10;
/** Pauses are written at this rate when no speech came before them (the encoder resamples). */
const DEFAULT_RATE = 16000;

/**
 * Speaks `text` with the planned speakers (turn by turn for `<|speaker:N|>` dialogue), yielding
 * PCM as the engines produce it. Emotion and delivery cues are never spoken: the renderable ones
 * change the delivery or insert silence. Stops quietly when `signal` aborts.
 * @example for await (const pcm of speak(engines, speakers, "Hello.", signal)) encoder.write(pcm);
 */
export async function* speak(
  engines: Engines,
  speakers: SpeakerPlan[],
  text: string,
  signal: AbortSignal,
  options: SpeakOptions = {},
): AsyncGenerator<PcmChunk> {
  const turns = speakers.length > 1 ? splitSpeakers(text) : [{ speaker: 0, text }];
  let sampleRate = DEFAULT_RATE;
  for (const turn of turns) {
    if (signal.aborted) return;
    const plan = speakers[turn.speaker % speakers.length]!;
    const spoken = speakers.length > 1 ? turn.text : turn.text.replace(/<\|speaker:\d+\|>/g, " ");
    for (const part of parseCues(spoken)) {
      if (signal.aborted) return;
      if (part.kind === "pause") {
        yield { samples: new Int16Array(Math.round(part.seconds * sampleRate)), sampleRate };
        continue;
      }
      let settings = plan.settings;
      if (plan.autoLanguage) {
        settings = {
          ...settings,
          engineVoiceId: engines.voiceForLanguage(detectLanguage(part.text)).id,
        };
      }
      const { voice, gainDb } = deliver(engines, settings, part.delivery);
      const synthesis = {
        voice,
        signal,
        ...(options.timings ? { timings: true } : {}),
        ...(options.timings && options.wordsAfterAudio ? { wordsAfterAudio: true } : {}),
      };
      for await (const chunk of engines.synthesize(part.text, synthesis)) {
        if (signal.aborted) return;
        sampleRate = chunk.sampleRate;
        yield gainDb === 0 ? chunk : withGain(chunk, gainDb);
      }
    }
  }
}

/** The engine settings and extra gain that render `delivery` with `settings`' voice. */
function deliver(
  engines: Engines,
  settings: VoiceSettings,
  delivery: Delivery,
): { voice: VoiceSettings; gainDb: number } {
  const engine = engines.voices().find((v) => v.id === settings.engineVoiceId)?.engine;
  const voice: VoiceSettings = { ...settings };
  if (delivery.rate !== 1) voice.speed = (settings.speed ?? 1) * delivery.rate;
  let gainDb = delivery.volumeDb;
  if (delivery.whisper) {
    if (engine === "espeak") voice.whisper = true;
    else gainDb += FLITE_WHISPER_DB;
  }
  return { voice, gainDb };
}

function withGain(chunk: PcmChunk, gainDb: number): PcmChunk {
  const factor = 10 ** (gainDb / 20);
  const samples = new Int16Array(chunk.samples.length);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.max(-32768, Math.min(32767, Math.round(chunk.samples[i]! * factor)));
  }
  return { ...chunk, samples };
}

async function* benchmarkTone(job: TtsJob): AsyncGenerator<Spoken> {
  const none: PcmChunk[] = [];
  if (job.params.format === "wav") yield { pcm: none, raw: wavHeader(BENCHMARK_SAMPLE_RATE) };
  for (const block of tonePcm(job.benchmarkBytes!)) yield { pcm: none, raw: block };
}

async function* pieces(chunks: AsyncGenerator<PcmChunk>): AsyncGenerator<Spoken> {
  for await (const pcm of chunks) yield { pcm };
}

/**
 * The job's speech as PCM, as the engines produce it (the benchmark voice: its tone, as is).
 * @example const speech = await render(ctx, job, plainSpeech, abort);
 */
export const plainSpeech: SpeechSource<Spoken> = (engines, job, signal) =>
  job.benchmarkBytes !== undefined
    ? benchmarkTone(job)
    : pieces(speak(engines, job.speakers, job.params.text, signal));
