import { HelperPool } from "../workers/helper-pool.js";
import { workerHelpers } from "../workers/helpers.js";
import { siblingScript } from "../workers/script-url.js";
import { ChunkQueue } from "./chunk-queue.js";
import { clamp } from "./clamp.js";
import type { EspeakReply, EspeakRequest } from "./espeak-worker.js";
import type { PieceSettings } from "./synthesize.js";
import { espeakPitch, type VoiceSpec } from "./voices.js";

/** espeak's default speaking rate in words per minute. */
const DEFAULT_WPM = 175;

/**
 * espeak-ng (WASM) in a worker thread: PCM streams back while a piece is being spoken.
 * @example
 * const espeak = new EspeakEngine();
 * for await (const pcm of espeak.speak("Hallo.", voice, {})) play(pcm);
 */
export class EspeakEngine {
  readonly pool: HelperPool;
  private nextSeq = 1;

  constructor(options: { workers?: number } = {}) {
    this.pool = new HelperPool({
      name: "espeak-ng",
      size: options.workers ?? 1,
      recycleAfter: 1000,
      create: workerHelpers(siblingScript(import.meta.url, "espeak-worker"), () => {
        const abort = new SharedArrayBuffer(4);
        const flag = new Int32Array(abort);
        return {
          data: { abort },
          abort: (lastSent) => Atomics.store(flag, 0, (lastSent as EspeakRequest).seq),
        };
      }),
    });
  }

  /** Whether a piece queued now would wait for others. */
  busy(): boolean {
    return this.pool.busy();
  }

  /** Queues one piece of text; its PCM arrives on the returned queue as espeak produces it. */
  speak(
    text: string,
    voice: VoiceSpec,
    settings: PieceSettings,
    signal?: AbortSignal,
    due?: () => number,
  ): ChunkQueue {
    const queue = new ChunkQueue();
    const { voice: name, pitch } = espeakPitch(voice.engineName, settings.pitchHz);
    const speed = clamp(settings.speed ?? 1, 0.5, 2);
    const request: EspeakRequest = {
      seq: this.nextSeq++,
      text,
      // The whisper variant replaces any pitch variant: a whisper has no pitch to match.
      voice: settings.whisper ? `${voice.engineName}+whisper` : name,
      pitch,
      rate: Math.round(clamp(DEFAULT_WPM * speed, 80, 450)),
      ...(settings.timings ? { timings: true } : {}),
      ...(settings.timings && settings.wordsAfterAudio ? { wordsAfterAudio: true } : {}),
    };
    let delivered = false;
    /** Samples pushed so far: words that follow their audio are timed from its end. */
    let heard = 0;
    let sampleRate = 22050;
    this.pool.run({
      payload: request,
      ...(signal ? { signal } : {}),
      ...(due ? { priority: due } : {}),
      canRetry: () => !delivered,
      onMessage: (message) => {
        const reply = message as EspeakReply;
        if (reply.seq !== request.seq) return false;
        if ("error" in reply) {
          queue.fail(new Error(`espeak-ng failed: ${reply.error}`));
          return true;
        }
        if ("done" in reply) {
          queue.end();
          return true;
        }
        if (!("samples" in reply)) {
          const from = heard / sampleRate;
          queue.push({
            samples: new Int16Array(0),
            sampleRate,
            words: reply.words.map((w) => ({
              text: w.text,
              start: w.start - from,
              end: w.end - from,
            })),
          });
          return false;
        }
        delivered = true;
        heard += reply.samples.length;
        sampleRate = reply.sampleRate;
        queue.push({
          samples: reply.samples,
          sampleRate: reply.sampleRate,
          ...(reply.words ? { words: reply.words } : {}),
        });
        return false;
      },
      onError: (error) => queue.fail(error),
    });
    return queue;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
