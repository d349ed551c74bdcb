/**
 * The offline speech engines behind the local server: flite and espeak-ng for speech, pocketsphinx
 * for recognition, LAME (WASM) and opusscript for encoding, and audio-decode for uploads.
 */

import { DecodeEngine } from "./codecs/decode-engine.js";
import { EncoderThreads } from "./codecs/encoder-threads.js";
import { checkEncoderOptions, createEncoder } from "./codecs/encoders.js";
import { inlineEncoder } from "./codecs/inline-encoder.js";
import { AsrEngine } from "./recognition/asr-engine.js";
import { estimatePitch } from "./signal/pitch.js";
import { EspeakEngine } from "./speech/espeak-engine.js";
import { FliteEngine } from "./speech/flite-engine.js";
import { type PieceSpeaker, speakText } from "./speech/synthesize.js";
import { publicVoice, VOICES, voiceForLanguage } from "./speech/voices.js";
import type { Engines, EngineVoice, PcmChunk, SynthesisOptions } from "./types.js";

export { decodeAudio } from "./codecs/decode.js";
export { createEncoder, mp3Bitrate, mp3SampleRate, opusBitrate } from "./codecs/encoders.js";
export { inlineEncoder } from "./codecs/inline-encoder.js";
export { estimatePitch } from "./signal/pitch.js";
export { pickVoice } from "./speech/voices.js";
export * from "./types.js";

export interface EngineOptions {
  /** flite child processes (default 2: one per core on the reference machine). */
  fliteProcesses?: number;
  /** Replace a flite process after this many sentences (default 2000). */
  fliteRecycleAfter?: number;
  /** espeak-ng worker threads (default 1; it runs at 0.006 × real time). */
  espeakWorkers?: number;
  /** pocketsphinx model directory (default /usr/share/pocketsphinx/model/en-us). */
  asrModelDir?: string;
  /** Start the engines now so the first request does not pay for it (default true). */
  warm?: boolean;
  /**
   * Where flite runs: "process" (child processes, default) or "thread" (worker threads of this
   * process: a one-shot command, see flite-worker.ts).
   */
  fliteIn?: "process" | "thread";
  /**
   * Threads that encode streamed mp3 and opus off the event loop (default 2 when `warm`, else 0:
   * a one-shot command encodes its one stream inline rather than start a thread for it).
   */
  encoderThreads?: number;
}

/** The engines plus internals that tests and benchmarks look at. */
export interface LocalEngines extends Engines {
  /** Helper pools, for tests (crash recovery) and benchmarks. */
  readonly internals: {
    flite: FliteEngine;
    espeak: EspeakEngine;
    asr: AsrEngine;
    decoder: DecodeEngine;
    encoderThreads: EncoderThreads | undefined;
  };
}

/**
 * Starts the speech engines (helpers warm in the background); call close() when done.
 * @example
 * const engines = await createEngines();
 * for await (const pcm of engines.synthesize("Hello.", { voice: { engineVoiceId: "flite-rms" } })) {}
 * await engines.close();
 */
export async function createEngines(options: EngineOptions = {}): Promise<LocalEngines> {
  const flite = new FliteEngine({
    processes: options.fliteProcesses ?? 2,
    recycleAfter: options.fliteRecycleAfter ?? 2000,
    tierUp: options.warm ?? true,
    thread: options.fliteIn === "thread",
  });
  const espeak = new EspeakEngine({ workers: options.espeakWorkers ?? 1 });
  const asr = new AsrEngine(options.asrModelDir ? { modelDir: options.asrModelDir } : {});
  const decoder = new DecodeEngine();
  const threadCount = options.encoderThreads ?? ((options.warm ?? true) ? 2 : 0);
  const encoderThreads = threadCount > 0 ? new EncoderThreads(threadCount) : undefined;
  const voices = VOICES.map(publicVoice);
  let closed = false;

  if (options.warm ?? true) {
    // Failures here surface again, with context, on first use.
    await Promise.all([flite.pool.warm(), espeak.pool.warm(), encoderThreads?.warm()]).catch(
      () => undefined,
    );
    if (asr.installed()) asr.warm().catch(() => undefined);
  }

  const speakerFor = (engine: EngineVoice["engine"]): PieceSpeaker =>
    engine === "flite" ? flite : espeak;

  return {
    internals: { flite, espeak, asr, decoder, encoderThreads },
    voices: () => voices.map((v) => ({ ...v, languages: [...v.languages] })),
    voiceForLanguage: (language: string) => publicVoice(voiceForLanguage(language)),
    synthesize(text: string, synthesis: SynthesisOptions): AsyncIterable<PcmChunk> {
      const spec = VOICES.find((v) => v.id === synthesis.voice.engineVoiceId);
      if (!spec) {
        throw new RangeError(
          `Unknown engine voice "${synthesis.voice.engineVoiceId}"; use one of ${VOICES.map((v) => v.id).join(", ")}.`,
        );
      }
      if (closed) throw new Error("The speech engines have been closed.");
      return speakText(speakerFor(spec.engine), spec, text, synthesis);
    },
    createEncoder,
    async createStreamEncoder(encoding) {
      if (encoderThreads && (encoding.format === "mp3" || encoding.format === "opus")) {
        checkEncoderOptions(encoding);
        return encoderThreads.open(encoding);
      }
      return inlineEncoder(await createEncoder(encoding));
    },
    decode: (audio, options) => decoder.decode(audio, options),
    transcribe: (pcm, transcribeOptions) => asr.transcribe(pcm, transcribeOptions),
    estimatePitch,
    async close() {
      closed = true;
      await Promise.all([
        flite.close(),
        espeak.close(),
        asr.close(),
        decoder.close(),
        encoderThreads?.close(),
      ]);
    },
  };
}
