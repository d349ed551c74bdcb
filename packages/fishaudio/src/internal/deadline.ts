import { type APIError, APITimeoutError, APIUserAbortError } from "../core/error.js";

type FailListener = (error: APIError) => void;

/**
 * One attempt's time budget plus the caller's AbortSignal. `race()` makes any promise (fetch,
 * a body read) fail with APITimeoutError when the armed timer fires, or APIUserAbortError
 * when the caller aborts, even if a custom `fetch` ignores its signal. `signal` aborts the
 * underlying request in both cases. `dispose()` clears the timer and the abort listener.
 *
 * Every request makes one, so it allocates only what it uses: no listener list until something
 * waits on it, no abort handler without a caller's signal, timers through static callbacks.
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #ms: number;
  readonly #userSignal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  /** Who to tell when the deadline fails: pending races and `onFail` listeners. */
  #listeners: FailListener[] | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #error: APIError | undefined;
  #disposed = false;
  /** While watching a stream: what the wait is, and since when a read has been pending. */
  #watching: string | undefined;
  #waitingSince: number | undefined;

  constructor(ms: number, userSignal?: AbortSignal) {
    this.#ms = ms;
    this.#userSignal = userSignal;
    if (!userSignal) return;
    if (userSignal.aborted) {
      this.#fail(new APIUserAbortError());
    } else {
      this.#onAbort = () => this.#fail(new APIUserAbortError());
      userSignal.addEventListener("abort", this.#onAbort);
    }
  }

  /** The signal to hand to fetch: aborts on timeout and on the caller's abort. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The timeout or abort that ended this deadline, if one did. */
  get error(): APIError | undefined {
    return this.#error;
  }

  /** Starts (or restarts) the timer; `what` names the wait in the timeout message. */
  arm(what: string): void {
    this.disarm();
    if (this.#error) return;
    this.#timer = setTimeout(Deadline.#expire, this.#ms, this, what);
  }

  static #expire(self: Deadline, what: string): void {
    self.#timer = undefined;
    self.#fail(new APITimeoutError(`Request timed out after ${self.#ms} ms ${what}.`));
  }

  /**
   * Bounds every wait between `begin()` and `end()` by the timeout, with ONE timer for the
   * whole stream rather than one per chunk (a large body has tens of thousands of chunks).
   * Time the caller spends between reads does not count: a slow consumer is not a stall.
   */
  watch(what: string): void {
    this.disarm();
    if (this.#error || this.#disposed) return;
    this.#watching = what;
    this.#schedule(this.#ms);
  }

  /** A read started (see `watch`). */
  begin(): void {
    this.#waitingSince = performance.now();
  }

  /** The read ended (see `watch`). */
  end(): void {
    this.#waitingSince = undefined;
  }

  /** Calls `listener` once when the deadline fails (at once if it already has). */
  onFail(listener: FailListener): void {
    if (this.#error) listener(this.#error);
    else this.#listen(listener);
  }

  /** Adds a fail listener; returns the list it went into. */
  #listen(listener: FailListener): FailListener[] {
    this.#listeners ??= [];
    this.#listeners.push(listener);
    return this.#listeners;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(Deadline.#check, ms, this);
  }

  static #check(self: Deadline): void {
    self.#timer = undefined;
    if (self.#error || self.#disposed || self.#watching === undefined) return;
    const since = self.#waitingSince;
    const waited = since === undefined ? 0 : performance.now() - since;
    if (waited >= self.#ms) {
      self.#fail(new APITimeoutError(`Request timed out after ${self.#ms} ms ${self.#watching}.`));
    } else {
      self.#schedule(self.#ms - waited);
    }
  }

  /** Stops the timer without ending the deadline. */
  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Settles like `promise`, unless the deadline fails first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#error) {
      promise.catch(() => {});
      return Promise.reject(this.#error);
    }
    return new Promise<T>((resolve, reject) => {
      const listeners = this.#listen(reject);
      promise.then(
        (value) => {
          forget(listeners, reject);
          resolve(value);
        },
        (error: unknown) => {
          forget(listeners, reject);
          reject(this.#error ?? error);
        },
      );
    });
  }

  /** Clears the timer and detaches from the caller's signal. Safe to call twice. */
  dispose(): void {
    this.#disposed = true;
    this.disarm();
    if (this.#onAbort) this.#userSignal?.removeEventListener("abort", this.#onAbort);
  }

  #fail(error: APIError): void {
    if (this.#error) return;
    this.#error = error;
    this.disarm();
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener(error);
    this.#controller.abort(error);
  }
}

function forget(listeners: FailListener[], listener: FailListener): void {
  const at = listeners.indexOf(listener);
  if (at >= 0) listeners.splice(at, 1);
}
