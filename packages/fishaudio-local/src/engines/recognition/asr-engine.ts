import { existsSync } from "node:fs";
import { resampleInt16 } from "../signal/resample.js";
import {
  EngineUnavailableError,
  type PcmChunk,
  type Transcript,
  type TranscriptSegment,
} from "../types.js";
import { HelperPool } from "../workers/helper-pool.js";
import { workerHelpers } from "../workers/helpers.js";
import { siblingScript } from "../workers/script-url.js";
import type { AsrReply, AsrRequest, AsrWord, AsrWorkerData } from "./asr-worker.js";

/** Where Debian's pocketsphinx-en-us puts the model. */
export const DEFAULT_MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";
const INSTALL_HINT = "Install it with `apt-get install pocketsphinx pocketsphinx-en-us`.";
/** A pause at least this long between words starts a new segment. */
const PHRASE_GAP_SECONDS = 0.3;
/** Segments are cut after this long even without a pause. */
const MAX_SEGMENT_SECONDS = 12;

/**
 * Open-vocabulary English recognition with pocketsphinx in a worker thread (one warm decoder,
 * requests queue).
 * @example
 * const asr = new AsrEngine();
 * const { text } = await asr.transcribe(pcm16k, { timestamps: true });
 */
export class AsrEngine {
  readonly pool: HelperPool;
  private readonly modelDir: string;
  private nextId = 1;

  constructor(options: { modelDir?: string; maxUtteranceSeconds?: number } = {}) {
    this.modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
    const maxUtteranceSeconds = options.maxUtteranceSeconds ?? 30;
    this.pool = new HelperPool({
      name: "pocketsphinx",
      size: 1,
      recycleAfter: Number.POSITIVE_INFINITY,
      create: workerHelpers(siblingScript(import.meta.url, "asr-worker"), () => ({
        data: { modelDir: this.modelDir, maxUtteranceSeconds } satisfies AsrWorkerData,
      })),
    });
  }

  /** Whether the model files are installed (the library is checked when the decoder loads). */
  installed(): boolean {
    return existsSync(`${this.modelDir}/en-us`);
  }

  /** Loads the decoder ahead of the first request. */
  warm(): Promise<void> {
    return this.pool.warm();
  }

  transcribe(pcm: PcmChunk, options: { timestamps: boolean }): Promise<Transcript> {
    if (!this.installed()) {
      return Promise.reject(
        new EngineUnavailableError(
          `Speech recognition is unavailable: the pocketsphinx en-us model is not at ${this.modelDir}. ${INSTALL_HINT}`,
        ),
      );
    }
    const samples =
      pcm.sampleRate === 16000 ? pcm.samples : resampleInt16(pcm.samples, pcm.sampleRate, 16000);
    const request: AsrRequest = { id: this.nextId++, samples, timestamps: options.timestamps };
    return new Promise<Transcript>((resolve, reject) => {
      this.pool.run({
        payload: request,
        onMessage: (message) => {
          const reply = message as AsrReply;
          if (reply.id !== request.id) return false;
          if ("error" in reply) reject(new Error(`Speech recognition failed: ${reply.error}`));
          else resolve(toTranscript(reply.words, reply.duration, options.timestamps));
          return true;
        },
        onError: (error) => {
          if (/failed to start|pocketsphinx|koffi/.test(error.message)) {
            reject(
              new EngineUnavailableError(
                `Speech recognition is unavailable: ${error.message}. ${INSTALL_HINT}`,
              ),
            );
          } else reject(error);
        },
      });
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Groups recognised words into phrase segments at pauses (and keeps each word's own times).
 * @example
 * toTranscript([{ word: "hi", start: 0.1, end: 0.4 }], 1, true).segments; // [{ text: "hi", ... }]
 */
export function toTranscript(words: AsrWord[], duration: number, timestamps: boolean): Transcript {
  const text = words.map((w) => w.word).join(" ");
  const segments: TranscriptSegment[] = [];
  const timed: TranscriptSegment[] = [];
  if (timestamps) {
    let current: { words: string[]; start: number; end: number } | undefined;
    for (const w of words) {
      const start = round(Math.min(w.start, duration));
      const end = round(Math.min(w.end, duration));
      timed.push({ text: w.word, start, end });
      if (
        current &&
        (start - current.end >= PHRASE_GAP_SECONDS || end - current.start > MAX_SEGMENT_SECONDS)
      ) {
        segments.push({ text: current.words.join(" "), start: current.start, end: current.end });
        current = undefined;
      }
      if (current) {
        current.words.push(w.word);
        current.end = end;
      } else current = { words: [w.word], start, end };
    }
    if (current)
      segments.push({ text: current.words.join(" "), start: current.start, end: current.end });
  }
  return { text, duration, segments, words: timed };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
