/**
 * Child processes: heavy or memory-sensitive work runs in a fresh Node process so that its RSS
 * and its event loop are its own. Children speak JSON on their last stdout line.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const repoDir = path.dirname(benchDir);

/** Node arguments that make a child resolve the workspace packages to their TS sources. */
export const sourceExecArgv = ["--conditions=fishaudio-source", "--import", "tsx"];

/**
 * Runs `script` (relative to bench/) in a child Node process with the TS-source conditions,
 * passes `input` as JSON in argv, and returns the JSON printed on its last stdout line.
 */
export async function runChild<T>(
  script: string,
  input: unknown,
  options: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...sourceExecArgv,
      path.join(benchDir, script),
      JSON.stringify(input),
    ],
    { cwd: repoDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
  clearTimeout(timer);
  const last = out.trim().split("\n").at(-1) ?? "";
  if (code !== 0) {
    const how =
      signal === "SIGKILL"
        ? `was killed after ${timeoutMs / 1000} s`
        : `exited with ${code ?? signal}`;
    throw new Error(`${script} ${how}: ${tail(err || out)}`);
  }
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} printed no JSON result: ${tail(out + err)}`);
  }
}

/** The last few hundred characters of a child's output, for error messages. */
export function tail(text: string, chars = 600): string {
  const t = text.trim();
  return t.length > chars ? `…${t.slice(-chars)}` : t;
}

/** Reads this child's JSON input from argv (the counterpart of `runChild`). */
export function childInput<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error("child script expects its JSON input as the first argument");
  return JSON.parse(raw) as T;
}

/** Prints a child's JSON result as its last stdout line. */
export function childOutput(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
