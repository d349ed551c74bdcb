/**
 * Streaming encoders on worker threads. The event loop is one thread: with every stream's mp3
 * encoding on it, it saturated one core at ~50 concurrent streams while the other core still had
 * room, so encoding moves to a few threads and the loop keeps the I/O. Each request's encoder
 * stays on one thread (LAME keeps state between writes); a new one goes to the thread with the
 * fewest open. Writes are answered in order, one at a time per request (the caller awaits each).
 */
import type { Worker } from "node:worker_threads";
import type { AsyncAudioEncoder, EncoderOptions, PcmChunk } from "../types.js";
import { startWorker } from "../workers/helpers.js";
import { siblingScript } from "../workers/script-url.js";
import type { EncoderAnswer, EncoderCall } from "./encoder-worker.js";

interface Pending {
  resolve(answer: EncoderAnswer): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  ready: Promise<void>;
  open: number;
  /** Per encoder id: the call awaiting its answer (one at a time per encoder). */
  pending: Map<number, Pending>;
  failed?: Error;
}

/**
 * A fixed set of encoder threads, started on first use (or by warm()).
 * @example
 * const threads = new EncoderThreads(2);
 * const enc = await threads.open({ format: "mp3" });
 * const bytes = await enc.write(pcm);
 */
export class EncoderThreads {
  private readonly threads: Array<Thread | undefined>;
  private nextId = 1;
  private closed = false;

  constructor(size: number) {
    this.threads = Array.from({ length: Math.max(1, size) }, () => undefined);
  }

  /** Encoders opened and not yet ended or discarded (tests check none leak). */
  get openEncoders(): number {
    return this.threads.reduce((n, t) => n + (t?.open ?? 0), 0);
  }

  /** Starts every thread now (a long-running server does, so no request waits for one). */
  async warm(): Promise<void> {
    await Promise.all(this.threads.map((_, i) => this.thread(i).ready));
  }

  /** Opens an encoder on the least busy thread. */
  async open(options: EncoderOptions): Promise<AsyncAudioEncoder> {
    if (this.closed) throw new Error("The encoders have been closed.");
    let index = 0;
    for (let i = 1; i < this.threads.length; i++) {
      if ((this.threads[i]?.open ?? 0) < (this.threads[index]?.open ?? 0)) index = i;
    }
    const thread = this.thread(index);
    await thread.ready;
    const id = this.nextId++;
    thread.open++;
    let done = false;
    /** A write awaiting its answer: a discard must not overtake it (see discard()). */
    let writing = false;
    let discarded = false;
    const call = (message: EncoderCall, transfer: ArrayBuffer[] = []) =>
      new Promise<EncoderAnswer>((resolve, reject) => {
        if (thread.failed) return reject(thread.failed);
        thread.pending.set(id, { resolve, reject });
        // Held by an answer that is awaited, not by the thread itself (see thread()).
        thread.worker.ref();
        thread.worker.postMessage(message, transfer);
      }).then((answer) => {
        if ("error" in answer) throw new Error(`encoder failed: ${answer.error}`);
        return answer;
      });
    const finish = () => {
      if (done) return;
      done = true;
      thread.open--;
    };
    let opened: EncoderAnswer;
    try {
      opened = await call({ op: "open", id, options });
    } catch (err) {
      finish();
      throw err;
    }
    const endDiscarded = () => {
      discarded = false;
      call({ op: "end", id }).catch(() => undefined);
    };
    const bytesOf = (answer: EncoderAnswer) =>
      "bytes" in answer ? answer.bytes : new Uint8Array(0);
    return {
      contentType: "contentType" in opened ? opened.contentType : "application/octet-stream",
      async write(chunk: PcmChunk) {
        if (done) throw new Error("The encoder has already ended.");
        // A copy: the chunk is usually a slice of a larger piece the caller still reads.
        const samples = chunk.samples.slice();
        writing = true;
        try {
          return bytesOf(
            await call(
              {
                op: "write",
                id,
                samples,
                sampleRate: chunk.sampleRate,
                due: chunk.due ?? performance.now(),
              },
              [samples.buffer as ArrayBuffer],
            ),
          );
        } catch (err) {
          finish();
          throw err;
        } finally {
          writing = false;
          if (discarded) endDiscarded();
        }
      },
      async end() {
        if (done) throw new Error("The encoder has already ended.");
        try {
          return bytesOf(await call({ op: "end", id }));
        } finally {
          finish();
        }
      },
      discard() {
        if (done) return;
        finish();
        // The thread still holds its state: end it there and drop the tail, after any write
        // still on its way (the caller may have stopped waiting for it; answers are matched by
        // encoder, one call at a time).
        discarded = true;
        if (!writing) endDiscarded();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.threads.map(async (thread) => {
        if (!thread) return;
        // An idle thread is unref'd: without this its exit would not keep us waiting for it.
        thread.worker.ref();
        thread.worker.postMessage({ close: true } satisfies EncoderCall);
        await thread.worker.terminate();
      }),
    );
  }

  private thread(index: number): Thread {
    const existing = this.threads[index];
    if (existing && !existing.failed) return existing;
    const worker = startWorker(siblingScript(import.meta.url, "encoder-worker"), undefined);
    const thread: Thread = {
      worker,
      open: 0,
      pending: new Map(),
      ready: new Promise<void>((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
      }),
    };
    // Held while it starts (someone awaits it); afterwards only by answers awaited.
    thread.ready.then(
      () => {
        if (thread.pending.size === 0 && !this.closed) worker.unref();
      },
      () => undefined,
    );
    worker.on("message", (answer: EncoderAnswer | { ready: true }) => {
      if ("ready" in answer) return;
      const waiting = thread.pending.get(answer.id);
      thread.pending.delete(answer.id);
      if (thread.pending.size === 0 && !this.closed) worker.unref();
      waiting?.resolve(answer);
    });
    const fail = (error: Error) => {
      thread.failed = error;
      for (const waiting of thread.pending.values()) waiting.reject(error);
      thread.pending.clear();
      if (this.threads[index] === thread) this.threads[index] = undefined;
    };
    worker.on("error", (err) => fail(new Error(`encoder thread failed: ${err.message}`)));
    worker.on("exit", (code) => {
      if (!this.closed) fail(new Error(`encoder thread stopped (exit code ${code})`));
    });
    this.threads[index] = thread;
    return thread;
  }
}
