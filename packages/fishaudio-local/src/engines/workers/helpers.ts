import { type ChildProcess, fork } from "node:child_process";
import { getPriority, setPriority } from "node:os";
import { Worker } from "node:worker_threads";
import type { Helper, HelperEvents, HelperFactory } from "./helper-pool.js";
import { inheritedExecArgv } from "./script-url.js";

/** How long a helper gets to start before it counts as failed. */
const START_TIMEOUT_MS = 30_000;

function isReady(message: unknown): boolean {
  return typeof message === "object" && message !== null && "ready" in message;
}

function readyError(message: unknown): string | undefined {
  if (typeof message === "object" && message !== null && "fatal" in message) {
    return String((message as { fatal: unknown }).fatal);
  }
  return undefined;
}

/**
 * Helpers as child processes (for engines whose crashes are native: a segfault must not reach us).
 * `niceness` lowers the children's scheduling priority by that much (see FliteEngine for why).
 * @example
 * const create = forkHelpers(siblingScript(import.meta.url, "flite-child"), ["--expose-gc"]);
 */
export function forkHelpers(
  script: URL,
  extraExecArgv: string[] = [],
  args: () => string[] = () => [],
  niceness = 0,
): HelperFactory {
  return (events: HelperEvents) =>
    new Promise<Helper>((resolve, reject) => {
      const child: ChildProcess = fork(script, args(), {
        execArgv: [...inheritedExecArgv(), ...extraExecArgv],
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      if (niceness > 0 && child.pid !== undefined) {
        try {
          setPriority(child.pid, Math.min(19, getPriority(child.pid) + niceness));
        } catch {
          // A priority is an optimisation: a platform that refuses it runs the child as it is.
        }
      }
      let ready = false;
      let exited = false;
      const exitPromise = new Promise<void>((done) => child.once("exit", () => done()));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${script.pathname} did not start within ${START_TIMEOUT_MS} ms.`));
      }, START_TIMEOUT_MS);
      const setBusy = (busy: boolean) => {
        if (busy) {
          child.ref();
          child.channel?.ref();
        } else {
          child.unref();
          child.channel?.unref();
        }
      };
      const helper: Helper = {
        send: (message) => {
          child.send(message as never);
        },
        setBusy,
        kill: () => child.kill("SIGSEGV"),
        stop: async () => {
          if (exited) return;
          setBusy(true); // an unref'd child's exit would not keep us waiting for it
          if (child.connected) child.disconnect();
          const force = setTimeout(() => child.kill("SIGKILL"), 2000);
          await exitPromise;
          clearTimeout(force);
        },
      };
      child.on("message", (message: unknown) => {
        if (!ready) {
          const fatal = readyError(message);
          if (fatal !== undefined) {
            clearTimeout(timer);
            reject(new Error(fatal));
            return;
          }
          if (isReady(message)) {
            ready = true;
            clearTimeout(timer);
            setBusy(false);
            resolve(helper);
          }
          return;
        }
        events.message(message);
      });
      child.on("error", () => {
        // Reported through "exit"; an unhandled "error" event would throw in the server.
      });
      child.once("exit", (code, signal) => {
        exited = true;
        clearTimeout(timer);
        const reason = signal ? `killed by ${signal}` : `exit code ${code}`;
        if (!ready) reject(new Error(`${script.pathname} failed to start (${reason}).`));
        else events.exit(reason);
      });
    });
}

/**
 * Node 20 does not pass tsx's loader hooks to worker threads, so a .ts worker (tests run from src/)
 * starts from a bootstrap that registers tsx first; built .js workers start directly.
 */
export function startWorker(script: URL, workerData: unknown): Worker {
  if (!script.pathname.endsWith(".ts")) return new Worker(script, { workerData });
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Helpers as worker threads (for engines that are plain JS/WASM or FFI that cannot crash by itself).
 * @example
 * const create = workerHelpers(siblingScript(import.meta.url, "espeak-worker"), () => ({ data: {} }));
 */
export function workerHelpers(
  script: URL,
  workerData: () => { data: unknown; abort?: (lastSent: unknown) => void },
): HelperFactory {
  return (events: HelperEvents) =>
    new Promise<Helper>((resolve, reject) => {
      const { data, abort } = workerData();
      const worker = startWorker(script, data);
      let ready = false;
      let exited = false;
      const exitPromise = new Promise<void>((done) => worker.once("exit", () => done()));
      let lastError: string | undefined;
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`${script.pathname} did not start within ${START_TIMEOUT_MS} ms.`));
      }, START_TIMEOUT_MS);
      let lastSent: unknown;
      const helper: Helper = {
        send: (message) => {
          lastSent = message;
          worker.postMessage(message);
        },
        setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
        kill: () => void worker.terminate(),
        stop: async () => {
          if (exited) return;
          worker.ref(); // an unref'd worker's exit would not keep us waiting for it
          // Ask first, so the worker can free native handles; terminate if it does not answer.
          worker.postMessage({ close: true });
          const timeout = new Promise<"timeout">((done) => {
            const t = setTimeout(() => done("timeout"), 2000);
            t.unref();
          });
          if ((await Promise.race([exitPromise, timeout])) === "timeout") await worker.terminate();
          await exitPromise;
        },
        ...(abort ? { abort: () => abort(lastSent) } : {}),
      };
      worker.on("message", (message: unknown) => {
        if (!ready) {
          const fatal = readyError(message);
          if (fatal !== undefined) {
            clearTimeout(timer);
            reject(new Error(fatal));
            void worker.terminate();
            return;
          }
          if (isReady(message)) {
            ready = true;
            clearTimeout(timer);
            worker.unref();
            resolve(helper);
          }
          return;
        }
        events.message(message);
      });
      worker.on("error", (err) => {
        lastError = err.message;
      });
      worker.once("exit", (code) => {
        exited = true;
        clearTimeout(timer);
        const reason = lastError ? `error: ${lastError}` : `exit code ${code}`;
        if (!ready) reject(new Error(`${script.pathname} failed to start (${reason}).`));
        else events.exit(reason);
      });
    });
}
