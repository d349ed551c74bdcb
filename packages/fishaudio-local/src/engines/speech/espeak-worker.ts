// Other packages type-check this file through the fishaudio-source condition; the reference
// brings the module's declaration along, which their tsconfig does not include.
/// <reference path="./espeak-ng-emscripten.d.ts" />
/**
 * Worker thread running espeak-ng (Emscripten). Synthesis is synchronous inside the module, so it
 * runs here, off the server's event loop; PCM is posted as espeak produces it, and a shared flag
 * lets the parent stop a job mid-sentence.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { WordTiming } from "../types.js";
import { type EspeakEvent, espeakWordTimings } from "./espeak-timings.js";

export interface EspeakRequest {
  seq: number;
  text: string;
  /** espeak voice name, with an optional "+variant" (e.g. "de", "en-us+f3"). */
  voice: string;
  /** espeak pitch 0..99. */
  pitch: number;
  /** Words per minute, 80..450. */
  rate: number;
  /** Reply with word timings: the piece's audio then arrives in one message, with its words. */
  timings?: boolean;
  /**
   * With timings: stream the audio as without them, then send the piece's words (timed from its
   * start) in a `{ seq, words }` message before `done`.
   */
  wordsAfterAudio?: boolean;
}

export type EspeakReply =
  | { seq: number; samples: Int16Array; sampleRate: number; words?: WordTiming[] }
  | { seq: number; words: WordTiming[] }
  | { seq: number; done: true }
  | { seq: number; error: string };

interface EspeakModule {
  eSpeakNGWorker: new () => {
    set_voice(name: string): number;
    set_pitch(pitch: number): number;
    set_rate(rate: number): number;
    get_samplerate(): number;
    synthesize(
      text: string,
      callback: (samples: Int16Array, events: EspeakEvent[]) => unknown,
    ): void;
  };
}

const port = parentPort!;
const abortFlag = new Int32Array((workerData as { abort: SharedArrayBuffer }).abort);
/** Posting tiny buffers costs more than it saves: gather about 100 ms before posting. */
const MIN_POST_SAMPLES = 2205;

try {
  const { default: factory } = await import("@echogarden/espeak-ng-emscripten");
  const module = (await factory()) as EspeakModule;
  const engine = new module.eSpeakNGWorker();
  const sampleRate = engine.get_samplerate();
  let currentVoice = "";

  port.on("message", (req: EspeakRequest | { close: true }) => {
    if ("close" in req) process.exit(0);
    try {
      if (req.voice !== currentVoice) {
        const status = engine.set_voice(req.voice);
        if (status !== 0)
          throw new Error(`espeak-ng has no voice "${req.voice}" (status ${status}).`);
        currentVoice = req.voice;
      }
      engine.set_pitch(req.pitch);
      engine.set_rate(req.rate);
      let pending: Int16Array[] = [];
      let pendingLength = 0;
      const events: EspeakEvent[] = [];
      let total = 0;
      const streaming = !req.timings || req.wordsAfterAudio === true;
      const post = (words?: WordTiming[]) => {
        if (pendingLength === 0) return;
        const samples = new Int16Array(pendingLength);
        let offset = 0;
        for (const part of pending) {
          samples.set(part, offset);
          offset += part.length;
        }
        pending = [];
        pendingLength = 0;
        const reply: EspeakReply = words
          ? { seq: req.seq, samples, sampleRate, words }
          : { seq: req.seq, samples, sampleRate };
        port.postMessage(reply, [samples.buffer]);
      };
      engine.synthesize(req.text, (samples, chunkEvents) => {
        if (Atomics.load(abortFlag, 0) === req.seq) return 1; // truthy return stops espeak
        if (req.timings) events.push(...chunkEvents);
        if (samples.length > 0) {
          pending.push(samples);
          pendingLength += samples.length;
          total += samples.length;
          // Word ends are known only once espeak has moved past them: with timings, one post,
          // unless the words may follow the audio.
          if (streaming && pendingLength >= MIN_POST_SAMPLES) post();
        }
        return 0;
      });
      if (Atomics.load(abortFlag, 0) !== req.seq) {
        const words = req.timings
          ? espeakWordTimings(req.text, events, total / sampleRate)
          : undefined;
        if (streaming) {
          post();
          if (words) port.postMessage({ seq: req.seq, words } satisfies EspeakReply);
        } else post(words);
      }
      port.postMessage({ seq: req.seq, done: true } satisfies EspeakReply);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      port.postMessage({ seq: req.seq, error: message } satisfies EspeakReply);
    }
  });
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({
    fatal: `espeak-ng failed to load: ${err instanceof Error ? err.message : err}`,
  });
}
