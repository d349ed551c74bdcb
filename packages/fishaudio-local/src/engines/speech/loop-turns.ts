/**
 * Turns on this process's event loop for the work each slice of synthesised audio sets off in
 * its consumer (encoding, conditioning, the socket write), granted one per loop iteration,
 * earliest deadline first. Encoding runs synchronously in the consumer, so without turns the
 * loop serves slices in whatever order engines finished, and a burst of later slices from
 * streams already well ahead holds back the first bytes of new ones.
 */

interface Waiter {
  due: number;
  seq: number;
  resolve: () => void;
}

/**
 * A min-heap of waiting slices on (due, arrival); one is released per setImmediate, so I/O (new
 * requests, engine replies, socket writes) runs between any two slices.
 * @example await turns.take(clock.nextSliceDue()); yield slice;
 */
export class LoopTurns {
  private readonly heap: Waiter[] = [];
  private seq = 0;
  private scheduled = false;

  /** Resolves when this slice's turn comes. */
  take(due: number): Promise<void> {
    return new Promise((resolve) => {
      this.push({ due, seq: this.seq++, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.grant);
      }
    });
  }

  /** Slices waiting for a turn (tests and benchmarks). */
  get waiting(): number {
    return this.heap.length;
  }

  private readonly grant = (): void => {
    this.scheduled = false;
    const next = this.pop();
    if (this.heap.length > 0) {
      this.scheduled = true;
      setImmediate(this.grant);
    }
    next?.resolve();
  };

  private push(w: Waiter): void {
    const h = this.heap;
    h.push(w);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Waiter | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && earlier(h[l]!, h[m]!)) m = l;
        if (r < h.length && earlier(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function earlier(a: Waiter, b: Waiter): boolean {
  return a.due !== b.due ? a.due < b.due : a.seq < b.seq;
}

/** The one event loop's turns, shared by every synthesis in this process. */
export const loopTurns = new LoopTurns();
