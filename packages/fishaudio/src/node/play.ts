import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { APIUserAbortError, FishAudioError } from "../core/error.js";

/** The players tried, in order, and how each reads audio from stdin. */
const PLAYERS = {
  ffplay: ["-nodisp", "-autoexit", "-loglevel", "quiet", "-i", "-"],
  mpv: ["--no-video", "-"],
} as const;

export type PlayerName = keyof typeof PLAYERS;

export interface PlayOptions {
  /** Use this player only, instead of ffplay then mpv. */
  player?: PlayerName;
  /** Stops playback (the player is killed) and rejects with APIUserAbortError. */
  signal?: AbortSignal;
  /** Environment whose PATH is searched and passed to the player (default: process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Plays audio through ffplay (or mpv) after receiving all of it, so a slow network cannot
 * make playback stutter; resolves when playback has finished.
 *
 * @example
 * await play(await client.tts.convert({ text: "Hello" }));
 */
export async function play(
  audio: AsyncIterable<Uint8Array> | Uint8Array,
  options: PlayOptions = {},
): Promise<void> {
  const player = await findPlayer(options);
  const bytes = audio instanceof Uint8Array ? audio : await collect(audio, options.signal);
  await runPlayer(player, [bytes], options.signal);
}

/**
 * Plays audio while it is still arriving: each chunk goes to the player's stdin as soon as it
 * is received. Resolves when playback has finished.
 *
 * @example
 * await stream(client.tts.streamWebsocket(llmTokens()));
 */
export async function stream(
  audio: AsyncIterable<Uint8Array> | Uint8Array,
  options: PlayOptions = {},
): Promise<void> {
  const player = await findPlayer(options);
  await runPlayer(player, audio instanceof Uint8Array ? [audio] : audio, options.signal);
}

interface FoundPlayer {
  name: PlayerName;
  path: string;
  env: Record<string, string | undefined>;
}

async function findPlayer(options: PlayOptions): Promise<FoundPlayer> {
  if (options.signal?.aborted) throw new APIUserAbortError("Playback was aborted.");
  const env = options.env ?? process.env;
  const names: PlayerName[] = options.player ? [options.player] : ["ffplay", "mpv"];
  for (const name of names) {
    if (!Object.hasOwn(PLAYERS, name)) {
      throw new FishAudioError(`Unknown player "${name}"; use "ffplay" or "mpv".`);
    }
    const path = await which(name, env);
    if (path) return { name, path, env };
  }
  throw new FishAudioError(
    `No audio player found on the PATH: playing audio needs ${names.map((n) => `\`${n}\``).join(" or ")}. ` +
      "Install FFmpeg (which provides ffplay) or mpv: `apt-get install ffmpeg` (Debian/Ubuntu), " +
      "`brew install ffmpeg` (macOS), `winget install ffmpeg` (Windows); or `apt-get install mpv` / " +
      "`brew install mpv`. Or write the audio to a file with save().",
  );
}

/** The full path of an executable named `name` on env.PATH, if there is one. */
async function which(
  name: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const dirs = (env.PATH ?? env.Path ?? "").split(delimiter).filter(Boolean);
  const extensions =
    process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here; try the next directory.
      }
    }
  }
  return undefined;
}

/**
 * Feeds `chunks` to the player's stdin with backpressure and waits for it to exit. If the
 * player quits early (the user closed it), the rest of the audio is not pulled.
 */
async function runPlayer(
  player: FoundPlayer,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) throw new APIUserAbortError("Playback was aborted.");
  const child = spawn(player.path, [...PLAYERS[player.name]], {
    stdio: ["pipe", "ignore", "pipe"],
    env: player.env as NodeJS.ProcessEnv,
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    if (stderr.length < 4000) stderr += text;
  });
  const exited = waitForExit(child);
  // A player that exits early turns writes into EPIPE; the exit status tells the real story.
  child.stdin?.on("error", () => {});

  const onAbort = () => child.kill();
  signal?.addEventListener("abort", onAbort, { once: true });
  let feedError: unknown;
  try {
    await feed(child, chunks, exited);
  } catch (error) {
    feedError = error;
    child.kill();
  } finally {
    child.stdin?.end();
  }
  const { code, signal: killedBy, error: spawnError } = await exited;
  signal?.removeEventListener("abort", onAbort);
  if (signal?.aborted) throw new APIUserAbortError("Playback was aborted.");
  if (feedError !== undefined) throw feedError;
  if (spawnError) {
    throw withCause(
      new FishAudioError(`Could not start ${player.name}: ${spawnError.message}`),
      spawnError,
    );
  }
  if (code !== 0) {
    const detail = stderr.trim() ? `: ${stderr.trim().split("\n").slice(-3).join(" | ")}` : "";
    throw new FishAudioError(
      `${player.name} exited with ${code === null ? `signal ${killedBy}` : `code ${code}`}${detail}`,
    );
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error: Error | undefined;
}

function waitForExit(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, signal) => resolve({ code, signal, error: undefined }));
  });
}

async function feed(
  child: ChildProcess,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  exited: Promise<Exit>,
): Promise<void> {
  const stdin = child.stdin;
  if (!stdin) return;
  const stop = exited.then((): typeof STOP => STOP);
  const iterator = iterate(chunks);
  let finished = false;
  try {
    for (;;) {
      // Racing the player's exit: a source waiting on the network must not delay an abort.
      const step = await Promise.race([iterator.next(), stop]);
      if (step === STOP) return;
      if (step.done) {
        finished = true;
        return;
      }
      const chunk = step.value;
      if (chunk.byteLength === 0) continue;
      if (!stdin.write(chunk)) {
        const drained = new Promise<void>((resolve) => {
          const done = () => {
            stdin.off("drain", done);
            stdin.off("close", done);
            resolve();
          };
          stdin.on("drain", done);
          stdin.on("close", done);
        });
        if ((await Promise.race([drained, stop])) === STOP) return;
      }
    }
  } finally {
    if (!finished) stopSource(iterator);
  }
}

async function collect(
  audio: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const aborted = new Promise<typeof STOP>((resolve) => {
    if (signal?.aborted) resolve(STOP);
    signal?.addEventListener("abort", () => resolve(STOP), { once: true });
  });
  const iterator = iterate(audio);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const step = await Promise.race([iterator.next(), aborted]);
    if (step === STOP) {
      stopSource(iterator);
      throw new APIUserAbortError("Playback was aborted.");
    }
    if (step.done) break;
    chunks.push(step.value);
    size += step.value.byteLength;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const STOP = Symbol("stop");

function iterate(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  return Symbol.asyncIterator in chunks
    ? chunks[Symbol.asyncIterator]()
    : (chunks as Iterable<Uint8Array>)[Symbol.iterator]();
}

/** Tells the source to stop (closing its socket or request); does not wait for it. */
function stopSource(iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>): void {
  try {
    const result = iterator.return?.();
    if (result && "then" in result) result.then(undefined, () => {});
  } catch {
    // The source failed while stopping; playback is over either way.
  }
}

function withCause<E extends Error>(error: E, cause: unknown): E {
  (error as { cause?: unknown }).cause = cause;
  return error;
}
