/**
 * Runs the BUILT `fishaudio` command (dist/cli/main.js) as a subprocess, the way a user runs it.
 * The build is refreshed first when any source file is newer than it (serialised by a lock
 * directory, since test files run in parallel); under `npm test` it is already fresh.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import decode from "audio-decode";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const localDir = join(packageDir, "..", "fishaudio-local");
/** The built command. */
export const CLI = join(packageDir, "dist", "cli", "main.js");

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

async function withLock(fn: () => void): Promise<void> {
  const lock = join(tmpdir(), "fishaudio-cli-build.lock");
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 5 minutes is left over from a killed run.
      if (i > 1200 || Date.now() - statSync(lock).mtimeMs > 300_000)
        rmSync(lock, { force: true, recursive: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { force: true, recursive: true });
  }
}

/** Builds the CLI (and fishaudio-local, if it has never been built) when out of date. */
export async function ensureBuilt(): Promise<void> {
  await withLock(() => {
    const builtAt = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
    if (builtAt < newest(join(packageDir, "src"))) {
      const started = Date.now();
      try {
        execFileSync("npx", ["tsup"], { cwd: packageDir, stdio: "pipe" });
      } catch (error) {
        // The CLI bundle is written before the library's type declarations; a type error
        // elsewhere in the SDK fails the latter without making the CLI stale.
        const fresh = existsSync(CLI) && statSync(CLI).mtimeMs >= started - 1000;
        if (!fresh) throw error;
      }
    }
    if (!existsSync(join(localDir, "dist", "bundle", "index.js"))) {
      execFileSync("npm", ["run", "build"], { cwd: localDir, stdio: "ignore" });
    }
  });
}

/** What a run printed and how it exited. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** stdout as UTF-8. */
  out: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Extra environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Bytes or text written to stdin, which is then closed. */
  input?: string | Uint8Array;
  cwd?: string;
  /** Leave stdin open (the test writes to child.stdin itself). */
  openStdin?: boolean;
}

/** Runs `fishaudio ...args` to completion. FISH_* variables come only from `options.env`. */
export function runCli(args: string[], options: RunOptions = {}): Promise<Run> {
  const child = startCli(args, options);
  return finished(child);
}

/** Starts `fishaudio ...args` without waiting (for signals and streaming stdin). */
export function startCli(args: string[], options: RunOptions = {}) {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("FISH")) delete env[name];
  env.NODE_OPTIONS = undefined;
  Object.assign(env, options.env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(process.execPath, [CLI, ...args], {
    env: env as NodeJS.ProcessEnv,
    cwd: options.cwd ?? packageDir,
    stdio: ["pipe", "pipe", "pipe"],
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  else if (!options.openStdin) child.stdin.end();
  return child;
}

/** Waits for a started CLI to exit and collects its output. */
export function finished(child: ReturnType<typeof spawn>): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const stdout = Buffer.concat(out);
      resolve({
        code,
        signal,
        stdout,
        out: stdout.toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

/** Decodes audio bytes and measures them: duration and loudness (RMS of the first channel). */
export async function measure(
  bytes: Uint8Array,
): Promise<{ seconds: number; sampleRate: number; rms: number }> {
  const audio = await decode(bytes);
  const samples = audio.channelData[0] ?? new Float32Array();
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return {
    seconds: samples.length / audio.sampleRate,
    sampleRate: audio.sampleRate,
    rms: Math.sqrt(sum / Math.max(1, samples.length)),
  };
}

/** True when stderr holds a JavaScript stack trace. */
export function hasStack(stderr: string): boolean {
  return /\n\s+at .+\(.+:\d+:\d+\)/.test(stderr) || /\n\s+at [^\s]+:\d+:\d+/.test(stderr);
}
