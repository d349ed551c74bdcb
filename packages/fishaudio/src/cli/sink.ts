/**
 * Where received audio goes: a file (opened before the request, removed again if the run
 * fails), stdout (with backpressure), or the speakers (played while it arrives).
 */
import { constants } from "node:fs";
import { access, type FileHandle, open, rm } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { stream as playStream } from "../node/index.js";
import { CliError, ExitCode } from "./errors.js";

/** A destination for audio chunks. */
export interface AudioSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Finishes normally (waits for playback to end, flushes files). */
  close(): Promise<void>;
  /** Gives up: stops playback, removes a partial file. */
  abort(): Promise<void>;
}

/**
 * Opens `path` for writing now, so a bad path fails before any request is made.
 * @example const sink = await fileSink("out.mp3");
 */
export async function fileSink(path: string): Promise<AudioSink> {
  let handle: FileHandle;
  try {
    handle = await open(path, "w");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT") throw new CliError(`cannot write ${path}: its folder does not exist`);
    if (code === "EISDIR") throw new CliError(`cannot write ${path}: it is a directory`);
    if (code === "EACCES" || code === "EPERM") {
      throw new CliError(`cannot write ${path}: permission denied`);
    }
    throw error;
  }
  let closed = false;
  return {
    async write(chunk) {
      await handle.write(chunk);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
    async abort() {
      if (!closed) {
        closed = true;
        await handle.close().catch(() => {});
      }
      await rm(path, { force: true });
    },
  };
}

/**
 * Writes to stdout, waiting when the pipe is full; a closed pipe (e.g. `| head`) ends quietly.
 * @example const sink = stdoutSink();
 */
export function stdoutSink(): AudioSink {
  const out = process.stdout;
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  out.on("error", onError);
  const check = () => {
    if (broken) {
      const code = (broken as { code?: unknown }).code;
      if (code === "EPIPE") throw new CliError("", ExitCode.ok);
      throw broken;
    }
  };
  return {
    async write(chunk) {
      check();
      if (!out.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            out.off("drain", done);
            out.off("error", done);
            resolve();
          };
          out.on("drain", done);
          out.on("error", done);
        });
      }
      check();
    },
    async close() {
      out.off("error", onError);
    },
    async abort() {
      out.off("error", onError);
    },
  };
}

/**
 * Plays audio on the speakers while it arrives (through the Node helpers' `stream`). Checks for
 * a player first, so a machine without one fails before any request is made.
 * @example const sink = await speakerSink(signal); await sink.write(chunk); await sink.close();
 */
export async function speakerSink(signal: AbortSignal): Promise<AudioSink> {
  await requirePlayer();
  const queue = new ChunkQueue();
  const playing = playStream(queue, { signal });
  let failed: unknown;
  // The failure is reported by write() or close(); avoid an unhandled rejection before then.
  playing.catch((error: unknown) => {
    failed = error ?? new Error("the audio player failed");
  });
  return {
    async write(chunk) {
      if (failed) throw failed;
      queue.push(chunk);
    },
    async close() {
      queue.end();
      await playing;
    },
    async abort() {
      queue.end();
      await playing.catch(() => {});
    },
  };
}

/**
 * Fails with a clear CliError when no player is on the PATH, so --play fails before a request.
 * @example await requirePlayer();
 */
export async function requirePlayer(): Promise<void> {
  if (!(await onPath("ffplay")) && !(await onPath("mpv"))) {
    throw new CliError(
      "no audio player found: playing needs ffplay (from FFmpeg) or mpv on the PATH; install one " +
        "(e.g. apt-get install ffmpeg) or write a file with -o FILE",
      ExitCode.failure,
    );
  }
}

async function onPath(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, name), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

/** Combines sinks: each chunk goes to every one. */
export function teeSink(sinks: AudioSink[]): AudioSink {
  return {
    async write(chunk) {
      for (const sink of sinks) await sink.write(chunk);
    },
    async close() {
      for (const sink of sinks) await sink.close();
    },
    async abort() {
      for (const sink of sinks) await sink.abort();
    },
  };
}

/** A push-to-pull bridge: chunks pushed by the download, pulled by the player. */
class ChunkQueue implements AsyncIterable<Uint8Array> {
  #items: Uint8Array[] = [];
  #ended = false;
  #wake: (() => void) | undefined;

  push(chunk: Uint8Array): void {
    this.#items.push(chunk);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const next = this.#items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}
