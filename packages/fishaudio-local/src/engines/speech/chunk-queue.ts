import type { PcmChunk } from "../types.js";

/**
 * An async queue of PCM chunks filled by an engine job and drained by the synthesis iterator; it
 * buffers while an earlier piece is still being consumed.
 * @example
 * const q = new ChunkQueue(); q.push(chunk); q.end();
 * for await (const c of q) use(c);
 */
export class ChunkQueue implements AsyncIterable<PcmChunk> {
  private readonly items: PcmChunk[] = [];
  private finished = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  push(chunk: PcmChunk): void {
    this.items.push(chunk);
    this.notify();
  }

  end(): void {
    this.finished = true;
    this.notify();
  }

  fail(error: Error): void {
    this.failure = error;
    this.finished = true;
    this.notify();
  }

  /** Whether every chunk has been taken and no more will come (the last one is in hand). */
  finishedAfterCurrent(): boolean {
    return this.finished && !this.failure && this.items.length === 0;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PcmChunk> {
    for (;;) {
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.finished) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
