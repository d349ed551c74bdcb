/**
 * When a listener needs each piece of one text. Synthesis is scheduled earliest deadline first
 * across all requests (the engine pools and the event loop's encoding turns): a stream with
 * seconds of audio already buffered at its client waits while a new request's first words, or a
 * stream about to run dry, go ahead. First-come-first-served, or "every first piece first",
 * starved streams already playing as soon as the server held more of them than it could start at
 * once.
 */

/** Speech rate used to guess a piece's length before it is spoken (English flite: ~14 chars/s). */
const SECONDS_PER_CHAR = 0.07;
/**
 * Production time budgeted for a piece, as a share of its length: engine plus encoder, about
 * 0.04 × real time, doubled for the contention that makes scheduling matter at all.
 */
const PRODUCTION_SHARE = 0.08;
/** Fixed cost of a piece in the engine (an instance, a file, a message), in ms. */
const PIECE_OVERHEAD_MS = 30;
/**
 * How long a new request's first piece may wait before it is as urgent as a playing stream about
 * to run dry. Zero would let a burst of new requests starve every stream already playing; a long
 * wait would leave new listeners in silence. About a second keeps both (bench: load, capacity).
 */
const FIRST_AUDIO_BUDGET_MS = 800;

/**
 * One text's playback timeline on `performance.now()`'s clock.
 * @example
 * const clock = new PlaybackClock(["Hello there.", "How are you?"], 1);
 * pool.run({ ..., priority: () => clock.pieceDue(1) });
 */
export class PlaybackClock {
  private readonly arrival = performance.now();
  private playStart: number | undefined;
  /** Seconds of each piece: guessed from its text, then replaced by what the engine produced. */
  private readonly seconds: Float64Array;
  /** Pieces 0..known-1 have their real length, summed in `knownSeconds`. */
  private known = 0;
  private knownSeconds = 0;
  private readonly measuredAt: Uint8Array;
  /** Audio handed to the consumer so far, in seconds. */
  private yielded = 0;

  constructor(pieces: readonly string[], speed: number) {
    this.seconds = Float64Array.from(pieces, (p) => (p.length * SECONDS_PER_CHAR) / speed);
    this.measuredAt = new Uint8Array(pieces.length);
  }

  /** Piece `index` turned out to last `seconds`. */
  measured(index: number, seconds: number): void {
    if (index >= this.seconds.length) return;
    this.seconds[index] = seconds;
    this.measuredAt[index] = 1;
    while (this.known < this.seconds.length && this.measuredAt[this.known]) {
      this.knownSeconds += this.seconds[this.known++]!;
    }
  }

  /** `seconds` more audio went to the consumer (the first call starts playback). */
  played(seconds: number): void {
    this.playStart ??= performance.now();
    this.yielded += seconds;
  }

  /**
   * When piece `index` should start in the engine: the first piece within FIRST_AUDIO_BUDGET_MS
   * of the request, a later one early enough to be ready before the audio ahead of it has played.
   */
  pieceDue(index: number): number {
    if (index === 0) return this.arrival + FIRST_AUDIO_BUDGET_MS;
    let ahead = this.knownSeconds;
    for (let i = this.known; i < index; i++) ahead += this.seconds[i]!;
    const lead = this.seconds[index]! * 1000 * PRODUCTION_SHARE + PIECE_OVERHEAD_MS;
    return (this.playStart ?? performance.now()) + ahead * 1000 - lead;
  }

  /** When the next slice of audio must reach the consumer: the moment the listener runs dry. */
  nextSliceDue(): number {
    return this.playStart === undefined ? this.arrival : this.playStart + this.yielded * 1000;
  }
}
