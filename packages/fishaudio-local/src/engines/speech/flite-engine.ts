import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ownedTempDir } from "../../temp-dirs.js";
import type { PcmChunk, WordTiming } from "../types.js";
import {
  type Helper,
  type HelperEvents,
  type HelperFactory,
  HelperPool,
} from "../workers/helper-pool.js";
import { forkHelpers, workerHelpers } from "../workers/helpers.js";
import { siblingScript } from "../workers/script-url.js";
import { ChunkQueue } from "./chunk-queue.js";
import { clamp } from "./clamp.js";
import type { FliteReply, FliteRequest } from "./flite-wasi.js";
import type { FliteWorkerData } from "./flite-worker.js";
import type { PieceSettings } from "./synthesize.js";
import type { VoiceSpec } from "./voices.js";

export interface FliteEngineOptions {
  /** Child processes (default 1; at most 2 make sense on 2 cores). */
  processes?: number;
  /**
   * Replace a child after this many sentences (default 2000), a safety net rather than a need: a
   * child's memory stays flat (one WASI instance reset for every sentence; 1500 sentences over
   * four voices measured 140-149 MiB), while a fresh child costs about 0.7 s of CPU to start and
   * compile flite and leaves its slot empty meanwhile. At 200, a burst of 50 requests (150
   * sentences) usually recycled one of the two children halfway through.
   */
  recycleAfter?: number;
  /**
   * Each child speaks a throw-away sentence before it reports ready, so the first real request
   * runs on optimised code (default true). A one-shot command has one request: false saves it the
   * extra run and the memory of a second WebAssembly instance.
   */
  tierUp?: boolean;
  /**
   * Run flite in worker threads of this process instead of child processes (default false). For
   * a one-shot command: no second Node process (~35 MiB less, no second start-up). A long-running
   * server keeps child processes, where a native crash cannot reach it (flite-worker.ts says why
   * a thread is safe enough for a command).
   */
  thread?: boolean;
}

/**
 * flite children run at a lower priority than the server. The event loop is one thread that
 * encodes every stream and does all the I/O; at equal priority, two busy flite children on two
 * cores left it two thirds of a core under load, and it, not flite, set how many streams the
 * server could keep up with. Lower, flite takes what the loop leaves (the total work is the same).
 */
const CHILD_NICENESS = 5;
/** Sentences a flite worker thread speaks before it is replaced (a child process: 200). */
const THREAD_RECYCLE_AFTER = 16;

/** Worker threads running flite-worker, each in a scratch directory of its own. */
function fliteThreads(scratchDir: () => string): HelperFactory {
  return workerHelpers(siblingScript(import.meta.url, "flite-worker"), () => ({
    data: { dir: scratchDir() } satisfies FliteWorkerData,
  }));
}

/** Forwards a helper's events to the pool that adopts it (none arrive before: it is idle). */
interface Relay extends HelperEvents {
  to?: HelperEvents;
}

/** A flite thread started before its engine existed, waiting to be adopted. */
interface EarlyThread {
  scratch: string;
  relay: Relay;
  helper: Promise<Helper>;
  adopted: boolean;
}

let earlyThread: EarlyThread | undefined;

function takeEarlyThread(): EarlyThread | undefined {
  const early = earlyThread;
  earlyThread = undefined;
  return early;
}

/**
 * Starts a flite worker thread now, for the next thread-mode {@link FliteEngine} of this process
 * to adopt: a one-shot command calls it first, so that the worker's start and flite's compilation
 * overlap with loading the server's modules instead of waiting for the request. Idempotent.
 * @example startFliteThreadEarly(); const { startServer } = await import("fishaudio-local");
 */
export function startFliteThreadEarly(): void {
  if (earlyThread) return;
  const scratch = ownedTempDir("fishaudio-flite-");
  const relay: Relay = {
    message: (message) => relay.to?.message(message),
    exit: (reason) => relay.to?.exit(reason),
  };
  const helper = fliteThreads(() => mkdtempSync(join(scratch, "thread-")))(relay);
  helper.catch(() => undefined);
  earlyThread = { scratch, relay, helper, adopted: false };
  // A command that ends before any engine adopted it (a usage error) still leaves no scratch.
  process.once("exit", () => {
    if (earlyThread?.scratch === scratch) rmSync(scratch, { recursive: true, force: true });
  });
}

/**
 * Flite (WASI) in recycled child processes: one job per sentence, whole sentence back.
 * @example
 * const flite = new FliteEngine();
 * for await (const pcm of flite.speak("Hello.", voice, { speed: 1 })) play(pcm);
 */
export class FliteEngine {
  readonly pool: HelperPool;
  private nextId = 1;

  constructor(options: FliteEngineOptions = {}) {
    // A thread started ahead of the engine (startFliteThreadEarly) becomes its first helper.
    const early = options.thread ? takeEarlyThread() : undefined;
    this.early = early;
    if (early) this.scratch = early.scratch;
    const scratchDir = () => {
      this.scratch ??= ownedTempDir("fishaudio-flite-");
      return mkdtempSync(join(this.scratch, options.thread ? "thread-" : "child-"));
    };
    const recycleAfter = options.recycleAfter ?? 2000;
    const threads = fliteThreads(scratchDir);
    this.pool = new HelperPool({
      name: "flite",
      size: options.processes ?? 1,
      recycleAfter: options.thread ? Math.min(recycleAfter, THREAD_RECYCLE_AFTER) : recycleAfter,
      create: options.thread
        ? (events) => {
            if (!early || early.adopted) return threads(events);
            early.adopted = true;
            early.relay.to = events;
            // Had it failed to start, a fresh one says why (or works).
            return early.helper.catch(() => threads(events));
          }
        : forkHelpers(
            siblingScript(import.meta.url, "flite-child"),
            // Without the tier-up sentence (one request, then exit), the baseline compiler alone:
            // the optimising one would cost about as much CPU as it saves and ~15-20 MiB more.
            options.tierUp === false
              ? ["--expose-gc", "--no-warnings", "--liftoff-only"]
              : ["--expose-gc", "--no-warnings"],
            () => {
              const dir = scratchDir();
              return options.tierUp === false ? [dir, "--no-tier-up"] : [dir];
            },
            CHILD_NICENESS,
          ),
    });
  }

  /** Parent of the children's scratch directories (flite-wasi writes its WAV to a file). */
  private scratch: string | undefined;
  private readonly early: EarlyThread | undefined;

  /** The scratch directory while children exist (tests check it is cleaned up). */
  get scratchDir(): string | undefined {
    return this.scratch;
  }

  /** Whether a piece queued now would wait for others. */
  busy(): boolean {
    return this.pool.busy();
  }

  /** Queues one piece of text; its PCM arrives on the returned queue. */
  speak(
    text: string,
    voice: VoiceSpec,
    settings: PieceSettings,
    signal?: AbortSignal,
    due?: () => number,
  ): ChunkQueue {
    const queue = new ChunkQueue();
    const speed = clamp(settings.speed ?? 1, 0.5, 2);
    const target = settings.pitchHz !== undefined ? clamp(settings.pitchHz, 50, 400) : undefined;
    // Resampled voices: speak r times slower, then play r times faster (pitch x r, same length).
    const shift =
      target !== undefined && voice.pitchControl === "resample"
        ? clamp(target / voice.pitchHz, 0.6, 1.8)
        : 1;
    const request: FliteRequest = {
      id: this.nextId++,
      // flite reads options from arguments: keep the text free of control characters.
      text: text.replace(/[\p{Cc}]/gu, " "),
      voice: voice.engineName,
      durationStretch: shift / speed,
      ...(target !== undefined && voice.pitchControl === "native" ? { f0Mean: target } : {}),
      ...(settings.timings ? { timings: true } : {}),
      ...(settings.timings && settings.wordsAfterAudio ? { wordsAfterAudio: true } : {}),
    };
    const sampleRate = (rate: number) => Math.round(rate * shift);
    // Played `shift` times faster than flite spoke it; `from`: seconds of audio already pushed.
    const played = (words: WordTiming[], from = 0) =>
      words.map((w) => ({
        text: w.text,
        start: w.start / shift - from,
        end: w.end / shift - from,
      }));
    /** The audio already pushed ahead of its words: a retry after a crash must not repeat it. */
    let early: PcmChunk | undefined;
    this.pool.run({
      payload: request,
      ...(signal ? { signal } : {}),
      ...(due ? { priority: due } : {}),
      onMessage: (message) => {
        const reply = message as FliteReply;
        if (reply.id !== request.id) return false;
        if ("error" in reply) {
          queue.fail(new Error(`flite failed: ${reply.error}`));
          return true;
        }
        if (!("samples" in reply)) {
          // The words of the audio pushed earlier, on an empty chunk right after it.
          const rate = early?.sampleRate ?? 16000;
          const heard = early ? early.samples.length / rate : 0;
          queue.push({
            samples: new Int16Array(0),
            sampleRate: rate,
            words: played(reply.words, heard),
          });
          queue.end();
          return true;
        }
        const pcm: PcmChunk = { samples: reply.samples, sampleRate: sampleRate(reply.sampleRate) };
        if (reply.words) pcm.words = played(reply.words);
        if (reply.wordsFollow) {
          if (!early) queue.push(pcm);
          early = pcm;
          return false;
        }
        queue.push(pcm);
        queue.end();
        return true;
      },
      onError: (error) => queue.fail(error),
    });
    return queue;
  }

  async close(): Promise<void> {
    await this.pool.close();
    // Started early but never needed (the request spoke with another engine).
    if (this.early && !this.early.adopted) {
      this.early.adopted = true;
      await (await this.early.helper.catch(() => undefined))?.stop();
    }
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
  }
}
