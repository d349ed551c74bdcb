/**
 * The local server as a child process, so that a crash, a hang or a SIGKILL in a test hits the
 * server and not the test runner, and its stdout/stderr can be searched afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./server-child.ts", import.meta.url));

/** A running server child. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** The owner user's id. */
  userId: string;
  /** Extra users created at start (options.extraUsers), each with its own key. */
  users: { userId: string; apiKey: string }[];
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resident memory in KiB (VmRSS from /proc). */
  rssKiB(): number;
  /** The most resident memory the server process has had so far, in KiB (VmHWM from /proc). */
  peakRssKiB(): number;
  /** Resets the peak (`peakRssKiB`) to the current resident memory, so an attack is measured alone. */
  resetPeak(): void;
  /** Resident memory of the server and every process it started (engine helpers), in KiB. */
  treeRssKiB(): number;
  /** Sends SIGKILL and waits for the exit. */
  kill(): Promise<void>;
  /** Asks for a clean shutdown (SIGTERM) and waits; SIGKILL after `ms`. */
  stop(ms?: number): Promise<void>;
}

/** Options passed through to `startServer` in the child. */
export interface ServerOptions {
  dataDir: string;
  apiKey: string;
  extraUsers?: number;
  [option: string]: unknown;
}

interface Ready {
  url: string;
  userId: string;
  users: { userId: string; apiKey: string }[];
}

/**
 * Starts `startServer(options)` in a child process and resolves once it listens.
 * @example const server = await spawnServer({ dataDir, apiKey: "k" });
 */
export async function spawnServer(
  options: ServerOptions,
  readyMs = 60_000,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, "--conditions=fishaudio-source", "--import", "tsx", CHILD],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, FISHAUDIO_TEST_SERVER: JSON.stringify(options) },
      // stdin stays open as a lifeline: the child exits when it ends (see server-child.ts).
      stdio: ["pipe", "pipe", "pipe", "ipc"],
    },
  );
  let output = "";
  let exited = false;
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exit = new Promise<void>((resolve) => {
    child.on("exit", () => {
      exited = true;
      resolve();
    });
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server not ready within ${readyMs} ms; output:\n${output}`));
    }, readyMs);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve(message as Ready);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  child.disconnect();
  const pid = child.pid!;
  return {
    url: ready.url,
    pid,
    userId: ready.userId,
    users: ready.users,
    child,
    output: () => output,
    alive: () => !exited && child.exitCode === null && child.signalCode === null,
    rssKiB: () => procStatus(pid, "VmRSS"),
    peakRssKiB: () => procStatus(pid, "VmHWM"),
    // "5" in clear_refs resets VmHWM (Linux >= 4.0).
    resetPeak: () => writeFileSync(`/proc/${pid}/clear_refs`, "5"),
    treeRssKiB: () => descendants(pid).reduce((sum, p) => sum + (vmRss(p) ?? 0), 0),
    async kill() {
      if (!exited) child.kill("SIGKILL");
      await exit;
    },
    async stop(ms = 10_000) {
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** One "<field>: N kB" line of /proc/<pid>/status, in KiB. */
function procStatus(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** VmRSS of one process in KiB; undefined if it is gone. */
function vmRss(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** `pid` and all its descendants, from /proc/<pid>/task/<tid>/children. */
function descendants(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const current = out[i]!;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const children = readFileSync(`/proc/${current}/task/${tid}/children`, "utf8").trim();
        if (children) out.push(...children.split(/\s+/).map(Number));
      } catch {
        // The task ended while we looked.
      }
    }
  }
  return out;
}
