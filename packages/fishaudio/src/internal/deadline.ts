import { type APIError, APITimeoutError, APIUserAbortError } from "../core/error.js";

/**
 * One attempt's time budget plus the caller's AbortSignal. `race()` makes any promise (fetch,
 * a body read) fail with APITimeoutError when the armed timer fires, or APIUserAbortError
 * when the caller aborts, even if a custom `fetch` ignores its signal. `signal` aborts the
 * underlying request in both cases. `dispose()` clears the timer and the abort listener.
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #ms: number;
  readonly #userSignal: AbortSignal | undefined;
  readonly #pending = new Set<(error: APIError) => void>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #error: APIError | undefined;
  #disposed = false;
  /** While watching a stream: what the wait is, and since when a read has been pending. */
  #watching: string | undefined;
  #waitingSince: number | undefined;

  constructor(ms: number, userSignal?: AbortSignal) {
    this.#ms = ms;
    this.#userSignal = userSignal;
    if (userSignal?.aborted) this.#fail(new APIUserAbortError());
    else userSignal?.addEventListener("abort", this.#onAbort);
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
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#fail(new APITimeoutError(`Request timed out after ${this.#ms} ms ${what}.`));
    }, this.#ms);
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
  onFail(listener: (error: APIError) => void): void {
    if (this.#error) listener(this.#error);
    else this.#pending.add(listener);
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(this.#check, ms);
  }

  readonly #check = (): void => {
    this.#timer = undefined;
    if (this.#error || this.#disposed || this.#watching === undefined) return;
    const since = this.#waitingSince;
    const waited = since === undefined ? 0 : performance.now() - since;
    if (waited >= this.#ms) {
      this.#fail(new APITimeoutError(`Request timed out after ${this.#ms} ms ${this.#watching}.`));
    } else {
      this.#schedule(this.#ms - waited);
    }
  };

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
      const onFail = (error: APIError) => reject(error);
      this.#pending.add(onFail);
      promise.then(
        (value) => {
          this.#pending.delete(onFail);
          resolve(value);
        },
        (error: unknown) => {
          this.#pending.delete(onFail);
          reject(this.#error ?? error);
        },
      );
    });
  }

  /** Clears the timer and detaches from the caller's signal. Safe to call twice. */
  dispose(): void {
    this.#disposed = true;
    this.disarm();
    this.#userSignal?.removeEventListener("abort", this.#onAbort);
  }

  readonly #onAbort = (): void => {
    this.#fail(new APIUserAbortError());
  };

  #fail(error: APIError): void {
    if (this.#error) return;
    this.#error = error;
    this.disarm();
    for (const reject of this.#pending) reject(error);
    this.#pending.clear();
    this.#controller.abort(error);
  }
}
