/**
 * What the CLI prints besides results: the single updating progress line and end-of-run notes
 * (stderr, only on a terminal, never with --quiet or --json), JSON and tables on stdout.
 */

/** How chatty a command may be. */
export interface Verbosity {
  quiet: boolean;
  json: boolean;
}

/** A writable terminal-ish stream (process.stderr, or a fake in tests). */
export interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * True when progress and notes may be shown on `stream`.
 * @example if (chatty({ quiet: false, json: false })) process.stderr.write("note\n");
 */
export function chatty(verbosity: Verbosity, stream: Terminal = process.stderr): boolean {
  return Boolean(stream.isTTY) && !verbosity.quiet && !verbosity.json;
}

/**
 * Writes a note line to stderr when the run is interactive.
 * @example note(verbosity, "Wrote hello.mp3");
 */
export function note(verbosity: Verbosity, text: string, stream: Terminal = process.stderr): void {
  if (chatty(verbosity, stream)) stream.write(`${text}\n`);
}

/**
 * A single self-rewriting stderr line for long work: bytes received, seconds of audio (when the
 * format allows counting), time to first audio and elapsed time. Disabled = every call is a no-op.
 * @example const p = new Progress("Synthesising", chatty(v)); p.received(chunk.length, meter.seconds); p.stop();
 */
export class Progress {
  readonly #label: string;
  readonly #enabled: boolean;
  readonly #stream: Terminal;
  #started = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  #bytes = 0;
  #seconds: number | undefined;
  #firstAudio: number | undefined;
  #lastDraw = 0;
  #drawn = false;
  #extra = "";
  #waiting: string;

  /** `waiting` is shown until the first byte arrives (default "waiting for audio"). */
  constructor(
    label: string,
    enabled: boolean,
    stream: Terminal = process.stderr,
    waiting = "waiting for audio",
  ) {
    this.#label = label;
    this.#waiting = waiting;
    this.#enabled = enabled;
    this.#stream = stream;
    if (enabled) {
      // Keeps the elapsed time moving while waiting for the first byte.
      this.#timer = setInterval(() => this.#draw(), 250);
      this.#timer.unref();
      this.#draw();
    }
  }

  /** Starts the clock again (e.g. once the local server is up) with a new waiting text. */
  restart(waiting: string): void {
    this.#started = performance.now();
    this.#waiting = waiting;
    this.#draw();
  }

  /** Bytes received so far (total). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Seconds from start to the first audio byte, once it came. */
  get firstAudio(): number | undefined {
    return this.#firstAudio;
  }

  /** Records a received chunk and the audio seconds counted so far (if known). */
  received(bytes: number, audioSeconds?: number): void {
    const first = this.#firstAudio === undefined && bytes > 0;
    if (first) this.#firstAudio = (performance.now() - this.#started) / 1000;
    this.#bytes += bytes;
    this.#seconds = audioSeconds;
    // At most ten redraws a second, but the first audio shows at once.
    if (first || performance.now() - this.#lastDraw >= 100) this.#draw();
  }

  /** Sets a short status shown after the numbers, e.g. "line 3". */
  status(text: string): void {
    this.#extra = text;
    this.#draw();
  }

  /** Erases the line and stops updating it. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#enabled && this.#drawn) this.#stream.write("\r\x1b[2K");
    this.#drawn = false;
  }

  /** A one-line summary of what was received, for the final note. */
  summary(): string {
    const parts = [formatBytes(this.#bytes)];
    if (this.#seconds !== undefined) parts.push(`${this.#seconds.toFixed(1)} s of audio`);
    if (this.#firstAudio !== undefined) {
      parts.push(`first audio after ${this.#firstAudio.toFixed(2)} s`);
    }
    return parts.join(", ");
  }

  #draw(): void {
    if (!this.#enabled) return;
    this.#lastDraw = performance.now();
    const elapsed = (this.#lastDraw - this.#started) / 1000;
    const parts = this.#bytes === 0 ? [this.#waiting] : [this.summary().replace(/, /g, " · ")];
    parts.push(`${elapsed.toFixed(1)} s`);
    if (this.#extra) parts.push(this.#extra);
    let line = `${this.#label}: ${parts.join(" · ")}`;
    const width = (this.#stream.columns ?? 80) - 1;
    if (line.length > width) line = `${line.slice(0, Math.max(0, width - 1))}…`;
    this.#stream.write(`\r\x1b[2K${line}`);
    this.#drawn = true;
  }
}

/**
 * Human-readable byte count.
 * @example formatBytes(24_576) // "24.6 kB"
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}

/**
 * Prints a value as JSON on stdout (the --json contract: stdout carries only this).
 * @example printJson({ credit: "10.00" });
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Aligns rows under headers; long cells are cut with an ellipsis.
 * @example table(["ID", "TITLE"], [["abc", "My voice"]])
 */
export function table(headers: string[], rows: string[][], maxCell = 40): string {
  const cut = (cell: string) => {
    const flat = cell.replace(/\s+/g, " ");
    return flat.length > maxCell ? `${flat.slice(0, maxCell - 1)}…` : flat;
  };
  const cells = [headers, ...rows.map((row) => row.map(cut))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}
