/**
 * Worker thread holding one warm pocketsphinx decoder (Debian libpocketsphinx through koffi FFI).
 * The FFI calls are synchronous and take about 0.2 × the audio's duration, so they run here and
 * never on the server's event loop. Jobs arrive one at a time.
 */
import { existsSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import koffi from "koffi";

export interface AsrRequest {
  id: number;
  samples: Int16Array;
  timestamps: boolean;
}

export interface AsrWord {
  word: string;
  start: number;
  end: number;
}

export type AsrReply =
  | { id: number; words: AsrWord[]; duration: number }
  | { id: number; error: string };

export interface AsrWorkerData {
  modelDir: string;
  /** Longer audio is cut at quiet points into utterances of at most this many seconds. */
  maxUtteranceSeconds: number;
}

const port = parentPort!;
const RATE = 16000;
const FRAMES_PER_SECOND = 100;

type Fn = (...args: unknown[]) => unknown;

function fatal(message: string): never {
  port.postMessage({ fatal: message });
  throw new Error(message);
}

const { modelDir, maxUtteranceSeconds } = workerData as AsrWorkerData;
const hmm = `${modelDir}/en-us`;
const lm = `${modelDir}/en-us.lm.bin`;
const dict = `${modelDir}/cmudict-en-us.dict`;
for (const path of [hmm, lm, dict]) {
  if (!existsSync(path)) fatal(`the pocketsphinx en-us model is missing (${path} not found)`);
}

let sb: ReturnType<typeof koffi.load>;
let ps: ReturnType<typeof koffi.load>;
try {
  sb = koffi.load("libsphinxbase.so.3");
  ps = koffi.load("libpocketsphinx.so.3");
} catch (err) {
  fatal(`libpocketsphinx could not be loaded (${err instanceof Error ? err.message : err})`);
}

const cmdLnInit = sb.func("void *cmd_ln_init(void *inout, void *defn, int strict, ...)") as Fn;
const cmdLnFree = sb.func("int cmd_ln_free_r(void *config)") as Fn;
const psArgs = ps.func("void *ps_args()") as Fn;
const psInit = ps.func("void *ps_init(void *config)") as Fn;
const psFree = ps.func("int ps_free(void *ps)") as Fn;
const startStream = ps.func("int ps_start_stream(void *ps)") as Fn;
const startUtt = ps.func("int ps_start_utt(void *ps)") as Fn;
const processRaw = ps.func(
  "int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)",
) as Fn;
const endUtt = ps.func("int ps_end_utt(void *ps)") as Fn;
const segIter = ps.func("void *ps_seg_iter(void *ps)") as Fn;
const segNext = ps.func("void *ps_seg_next(void *seg)") as Fn;
const segWord = ps.func("const char *ps_seg_word(void *seg)") as Fn;
const segFrames = ps.func("void ps_seg_frames(void *seg, _Out_ int *sf, _Out_ int *ef)") as Fn;

const options = [
  ["-hmm", hmm],
  ["-lm", lm],
  ["-dict", dict],
  ["-logfn", "/dev/null"],
  // Silence removal would shift word times (it drops frames); keep the timeline intact.
  ["-remove_silence", "no"],
  // Measured on jfk.wav at five gains/resamplings and ten flite sentences (CPU per jfk pass):
  //   defaults (beams 1e-48, maxhmmpf 30000)      WER 0.23-0.64, 4.1 s
  //   beam/pbeam 1e-60                            WER 0.23 in every variant, 5.5 s
  //   beam/pbeam 1e-60 + maxhmmpf 7000 (chosen)   WER 0.18 in every variant, 3.4 s
  //   ... + maxhmmpf 5000 / 3000                  WER 0.23, 2.9 s / WER 0.69, 2.5 s (cliff)
  // The flite round-trip WER (0.107) was the same in every configuration.
  ["-beam", "1e-60"],
  ["-pbeam", "1e-60"],
  ["-maxhmmpf", "7000"],
];
const varargs: unknown[] = [];
for (const [key, value] of options) varargs.push("str", key, "str", value);
varargs.push("str", null);
const config = cmdLnInit(null, psArgs(), 1, ...varargs);
if (!config) fatal("pocketsphinx rejected its configuration");
const decoder = psInit(config);
if (!decoder) fatal("pocketsphinx could not load its model");

/** Utterance boundaries (sample indices): long audio is cut at its quietest 200 ms. */
function utterances(samples: Int16Array): [number, number][] {
  const max = Math.round(maxUtteranceSeconds * RATE);
  const out: [number, number][] = [];
  let start = 0;
  while (samples.length - start > max) {
    const frame = RATE / 100;
    const from = start + max / 2;
    const to = start + max - 20 * frame;
    let best = to;
    let bestEnergy = Number.POSITIVE_INFINITY;
    for (let pos = from; pos <= to; pos += frame) {
      let e = 0;
      for (let i = pos; i < pos + 20 * frame; i += 4) e += samples[i]! * samples[i]!;
      if (e < bestEnergy) {
        bestEnergy = e;
        best = pos + 10 * frame;
      }
    }
    out.push([start, best]);
    start = best;
  }
  out.push([start, samples.length]);
  return out;
}

/** Utterances quieter than this RMS (about -60 dBFS) are silence: nothing to recognise. */
const SILENCE_RMS = 32;

/**
 * A copy of the samples with ±1 LSB of dither from a fixed-seed generator: digital silence (TTS
 * output has runs of exact zeros) otherwise makes log-energy features degenerate and invites
 * hallucinated words, and a fixed seed keeps results repeatable request to request.
 */
function dithered(samples: Int16Array): Int16Array {
  const out = new Int16Array(samples.length);
  let seed = 0x2545f491;
  for (let i = 0; i < samples.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const v = samples[i]! + ((seed >>> 30) - 1.5 > 0 ? 1 : -1) * ((seed >>> 29) & 1);
    out[i] = Math.max(-32768, Math.min(32767, v));
  }
  return out;
}

function rmsOf(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/**
 * The utterance without its silent edges (10 ms frames under SILENCE_RMS), keeping a 200 ms
 * margin: long silent stretches skew the per-utterance cepstral mean and cost search time.
 */
function trimSilence(samples: Int16Array, from: number, to: number): [number, number] {
  const frame = RATE / 100;
  const margin = 20 * frame;
  let start = from;
  while (start + frame <= to && rmsOf(samples.subarray(start, start + frame)) < SILENCE_RMS)
    start += frame;
  let end = to;
  while (end - frame >= start && rmsOf(samples.subarray(end - frame, end)) < SILENCE_RMS)
    end -= frame;
  if (end <= start) return [from, from];
  return [Math.max(from, start - margin), Math.min(to, end + margin)];
}

/** Filler tokens pocketsphinx reports that are not words. */
function isFiller(word: string): boolean {
  return /^(<.*>|\[.*\]|\+\+.*\+\+)$/.test(word);
}

function recognise(samples: Int16Array): AsrWord[] {
  const words: AsrWord[] = [];
  for (const [from, to] of utterances(samples)) {
    if (to - from < RATE / 10) continue;
    const [start, end] = trimSilence(samples, from, to);
    if (end - start < RATE / 10) continue;
    // A fresh array also keeps koffi from reading through a view's offset.
    const chunk = dithered(samples.subarray(start, end));
    const offset = start / RATE;
    startStream(decoder);
    startUtt(decoder);
    // full_utt = 1: batch cepstral mean normalisation over the whole utterance. Measured on jfk.wav:
    // WER 0.23 this way against 0.68–0.86 with live normalisation from a cold decoder.
    processRaw(decoder, chunk, chunk.length, 0, 1);
    endUtt(decoder);
    for (let seg = segIter(decoder); seg; seg = segNext(seg)) {
      const raw = String(segWord(seg) ?? "");
      if (!raw || isFiller(raw)) continue;
      const sf = [0];
      const ef = [0];
      segFrames(seg, sf, ef);
      words.push({
        word: raw.replace(/\(\d+\)$/, ""),
        start: offset + sf[0]! / FRAMES_PER_SECOND,
        end: offset + (ef[0]! + 1) / FRAMES_PER_SECOND,
      });
    }
  }
  return words;
}

port.on("message", (msg: AsrRequest | { close: true }) => {
  if ("close" in msg) {
    psFree(decoder);
    cmdLnFree(config);
    process.exit(0);
  }
  try {
    const words = recognise(msg.samples);
    port.postMessage({ id: msg.id, words, duration: msg.samples.length / RATE } satisfies AsrReply);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    port.postMessage({ id: msg.id, error } satisfies AsrReply);
  }
});
port.postMessage({ ready: true });
