/**
 * A small pool of helpers (worker threads or child processes) that run engine jobs off the main
 * event loop. A helper that dies is replaced on the next job, and the job it was running is retried
 * once, so one crash costs a little latency instead of a request (or the server).
 */

/** One running helper, whatever it is underneath (Worker or ChildProcess). */
export interface Helper {
  send(message: unknown): void;
  /** Lets the process exit while the helper is idle. */
  setBusy(busy: boolean): void;
  /** Ends the helper; resolves when it has gone. */
  stop(): Promise<void>;
  /** Kills the helper abruptly, as a crash would (tests use it). */
  kill(): void;
  /** Hook for an engine-specific abort (e.g. a shared flag the helper polls). */
  abort?(): void;
}

export interface HelperEvents {
  message(message: unknown): void;
  /** The helper went away (crash, kill, exit); `reason` says how. */
  exit(reason: string): void;
}

/** Starts a helper; resolves once it is ready to take jobs. */
export type HelperFactory = (events: HelperEvents) => Promise<Helper>;

export interface Job {
  payload: unknown;
  /** Handles a reply; returns true when the job is finished. */
  onMessage(message: unknown): boolean;
  onError(error: Error): void;
  signal?: AbortSignal;
  /** Whether a crash mid-job may be retried (false once partial output has been delivered). */
  canRetry?(): boolean;
  /**
   * Lower runs first (default 0); equal priorities run in arrival order. A function is read each
   * time the pool picks its next job: synthesis passes when each piece is due (PlaybackClock), so
   * the pool runs earliest deadline first while the deadlines move with playback.
   */
  priority?: number | (() => number);
}

interface Entry {
  job: Job;
  attempts: number;
  abortListener?: () => void;
  /** A retry after a crash: it had already been scheduled, so it runs before anything else. */
  retry?: boolean;
}

function priorityOf(entry: Entry): number {
  const p = entry.job.priority;
  return typeof p === "function" ? p() : (p ?? 0);
}

interface Slot {
  helper?: Helper;
  starting?: Promise<Helper>;
  job?: Entry;
  jobsDone: number;
  generation: number;
}

export interface HelperPoolOptions {
  name: string;
  size: number;
  /** Replace a helper after this many jobs (limits leaks in the engine it runs). */
  recycleAfter: number;
  create: HelperFactory;
}

/**
 * Runs jobs on up to `size` helpers, lowest `priority` first, then first come first served.
 * @example
 * const pool = new HelperPool({ name: "flite", size: 1, recycleAfter: 50, create });
 * pool.run({ payload, onMessage: (m) => true, onError: console.error });
 */
export class HelperPool {
  private readonly slots: Slot[];
  private readonly queue: Entry[] = [];
  private closed = false;
  private readonly options: HelperPoolOptions;
  /** How many helpers have been started (tests and benchmarks read it). */
  started = 0;

  constructor(options: HelperPoolOptions) {
    this.options = options;
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => ({
      jobsDone: 0,
      generation: 0,
    }));
  }

  /** Queues a job. */
  run(job: Job): void {
    if (this.closed) {
      job.onError(new Error(`The ${this.options.name} engine has been closed.`));
      return;
    }
    this.queue.push({ job, attempts: 0 });
    this.pump();
  }

  /** Whether a job queued now would wait: every helper has one, or others are queued already. */
  busy(): boolean {
    return this.queue.length > 0 || this.slots.every((slot) => slot.job !== undefined);
  }

  /** Starts helpers ahead of the first job (hides start-up latency). */
  warm(): Promise<void> {
    return this.ensure(this.slots[0]!).then(() => undefined);
  }

  /** The running helpers (tests use this to kill one). */
  helpers(): Helper[] {
    return this.slots.flatMap((s) => (s.helper ? [s.helper] : []));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { job } of this.queue.splice(0)) {
      job.onError(new Error(`The ${this.options.name} engine has been closed.`));
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.generation++;
        const running = slot.job;
        slot.job = undefined;
        if (running) {
          this.detach(running);
          running.job.onError(new Error(`The ${this.options.name} engine has been closed.`));
        }
        const helper = slot.helper ?? (await slot.starting?.catch(() => undefined));
        slot.helper = undefined;
        await helper?.stop();
      }),
    );
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || this.closed) continue;
      const next = this.takeLive();
      if (!next) return;
      this.start(slot, next);
    }
  }

  /**
   * The next queued job whose caller still wants it; jobs aborted while queued are answered and
   * dropped on the way. (Skipping to the next slot instead left a free helper idle behind every
   * aborted job, and once those were the most urgent, nothing else ran.)
   */
  private takeLive(): Entry | undefined {
    while (this.queue.length > 0) {
      const next = this.takeNext();
      if (!next.job.signal?.aborted) return next;
      next.job.onError(new DOMException("Aborted", "AbortError"));
    }
    return undefined;
  }

  /** Removes and returns the queued entry that should run next (retries go first). */
  private takeNext(): Entry {
    let best = 0;
    let bestPriority = priorityOf(this.queue[0]!);
    for (let i = 1; i < this.queue.length; i++) {
      const entry = this.queue[i]!;
      const current = this.queue[best]!;
      if (entry.retry !== current.retry) {
        if (entry.retry) {
          best = i;
          bestPriority = priorityOf(entry);
        }
        continue;
      }
      const priority = priorityOf(entry);
      // Equal priorities: the queue is in arrival order, so the earlier index wins.
      if (priority < bestPriority) {
        best = i;
        bestPriority = priority;
      }
    }
    return this.queue.splice(best, 1)[0]!;
  }

  private start(slot: Slot, entry: Entry): void {
    slot.job = entry;
    entry.attempts++;
    this.ensure(slot).then(
      (helper) => {
        if (slot.job !== entry) return;
        helper.setBusy(true);
        const signal = entry.job.signal;
        if (signal && helper.abort) {
          entry.abortListener = () => helper.abort?.();
          signal.addEventListener("abort", entry.abortListener, { once: true });
        }
        try {
          helper.send(entry.job.payload);
        } catch {
          // The helper died in between; its exit event requeues the job.
        }
      },
      (err: unknown) => {
        if (slot.job !== entry) return;
        slot.job = undefined;
        entry.job.onError(err instanceof Error ? err : new Error(String(err)));
        this.pump();
      },
    );
  }

  private ensure(slot: Slot): Promise<Helper> {
    if (slot.helper) return Promise.resolve(slot.helper);
    if (slot.starting) return slot.starting;
    const generation = ++slot.generation;
    this.started++;
    slot.starting = this.options
      .create({
        message: (message) => {
          if (slot.generation === generation) this.onMessage(slot, message);
        },
        exit: (reason) => {
          if (slot.generation === generation) this.onExit(slot, reason);
        },
      })
      .then(
        (helper) => {
          slot.starting = undefined;
          if (slot.generation !== generation) {
            void helper.stop();
            throw new Error(`The ${this.options.name} engine has been closed.`);
          }
          slot.helper = helper;
          slot.jobsDone = 0;
          return helper;
        },
        (err: unknown) => {
          slot.starting = undefined;
          slot.generation++;
          throw err;
        },
      );
    return slot.starting;
  }

  private detach(entry: Entry): void {
    if (entry.abortListener) entry.job.signal?.removeEventListener("abort", entry.abortListener);
  }

  private onMessage(slot: Slot, message: unknown): void {
    const entry = slot.job;
    if (!entry) return;
    let finished: boolean;
    try {
      finished = entry.job.onMessage(message);
    } catch (err) {
      finished = true;
      entry.job.onError(err instanceof Error ? err : new Error(String(err)));
    }
    if (!finished) return;
    this.detach(entry);
    slot.job = undefined;
    slot.jobsDone++;
    const helper = slot.helper;
    helper?.setBusy(false);
    if (helper && slot.jobsDone >= this.options.recycleAfter) {
      slot.helper = undefined;
      slot.generation++;
      void helper.stop();
      // Start the replacement now so the next job does not wait for it.
      if (!this.closed) this.ensure(slot).catch(() => undefined);
    }
    this.pump();
  }

  private onExit(slot: Slot, reason: string): void {
    slot.helper = undefined;
    slot.starting = undefined;
    slot.generation++;
    const entry = slot.job;
    slot.job = undefined;
    if (entry) {
      this.detach(entry);
      const retry = entry.job.canRetry?.() ?? true;
      if (retry && entry.attempts < 2 && !entry.job.signal?.aborted && !this.closed) {
        // Retry once on a fresh helper: crashes in these engines are state-dependent, not input-dependent.
        entry.retry = true;
        this.queue.unshift(entry);
      } else {
        entry.job.onError(new Error(`The ${this.options.name} engine stopped (${reason}).`));
      }
    }
    this.pump();
  }
}
