/** How many requests one API key may make per window. */
export interface RateLimitOptions {
  /** Requests allowed per window (default 100 000: out of the way of tests and benchmarks). */
  requests: number;
  /** Window length in milliseconds (default 60 000). */
  windowMs: number;
  /**
   * Requests (and realtime sessions) one key may have in flight at once, as the cloud limits
   * them (5 on its smallest plan). Default: no limit.
   */
  concurrent?: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { requests: 100_000, windowMs: 60_000 };

/** A fixed-window request counter per key; `take` says whether one more request may run. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly inFlight = new Map<string, number>();

  /** @example new RateLimiter({ requests: 10, windowMs: 1000 }) */
  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts a request for `key`; when over the limit, returns the seconds until the window resets.
   * @example const wait = limiter.take(keyId); if (wait) reply429(wait);
   */
  take(key: string): number | undefined {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.options.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 10_000) this.prune(now);
    }
    if (window.count >= this.options.requests) {
      return Math.max(1, Math.ceil((window.start + this.options.windowMs - now) / 1000));
    }
    window.count++;
    return undefined;
  }

  /**
   * Counts one more request in flight for `key`: a release function, or undefined when the key
   * already has `concurrent` requests running.
   * @example const release = limiter.enter(keyId); if (!release) reply429(1); else res.on("close", release);
   */
  enter(key: string): (() => void) | undefined {
    const limit = this.options.concurrent ?? Number.POSITIVE_INFINITY;
    const running = this.inFlight.get(key) ?? 0;
    if (running >= limit) return undefined;
    this.inFlight.set(key, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.options.windowMs) this.windows.delete(key);
    }
  }
}
