/**
 * The local server for the benches runs in its own child process, so client-side figures
 * (SDK overhead, client RSS) are not mixed with the server's own work.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchDir, repoDir, sourceExecArgv, tail } from "./child.js";

export interface BenchServer {
  url: string;
  apiKey: string;
  pid: number;
  close(): Promise<void>;
}

export interface BenchServerOptions {
  /** Raise the rate limit far above what a bench sends (load tests). */
  unlimited?: boolean;
}

/** Starts fishaudio-local with the benchmark voice in a child process and waits until it listens. */
export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fishaudio-bench-"));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...sourceExecArgv,
      path.join(benchDir, "lib/server-main.ts"),
      JSON.stringify({ dataDir, ...options }),
    ],
    { cwd: repoDir, stdio: ["pipe", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const ready = new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        try {
          resolve(JSON.parse(out.slice(0, nl)));
        } catch {
          reject(new Error(`server child printed: ${tail(out)}`));
        }
      }
    });
    child.once("exit", (code) =>
      reject(new Error(`server child exited with ${code}: ${tail(err || out)}`)),
    );
    setTimeout(() => reject(new Error(`server did not start in 60 s: ${tail(err)}`)), 60_000);
  });
  let info: { url: string; apiKey: string };
  try {
    info = await ready;
  } catch (e) {
    child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    ...info,
    pid: child.pid ?? -1,
    async close() {
      try {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, "exit");
          child.stdin?.end();
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        }
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
}

let shared: Promise<BenchServer> | undefined;

/** One server (rate limit raised) shared by the suites of a run; closed by `closeSharedServer`. */
export function sharedServer(): Promise<BenchServer> {
  // A server started elsewhere (e.g. `fishaudio serve` with the benchmark voice) can be measured
  // instead: FISHAUDIO_BENCH_URL and FISHAUDIO_BENCH_KEY.
  const url = process.env.FISHAUDIO_BENCH_URL;
  if (url) {
    shared ??= Promise.resolve({
      url,
      apiKey: process.env.FISHAUDIO_BENCH_KEY ?? "",
      pid: -1,
      close: async () => {},
    });
  }
  shared ??= startBenchServer({ unlimited: true });
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}

/** Closes the shared server if one was started. */
export async function closeSharedServer(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await (await s).close();
}
