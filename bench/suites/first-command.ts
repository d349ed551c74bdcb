/**
 * The README's first command after install: `fishaudio tts --local "Hello from Fish Audio" -o
 * hello.mp3` from the built packages, each run with a fresh data directory (a first start), beside
 * an empty `node` process in the same run. Wall time, CPU time, and peak memory of the whole
 * process tree (the CLI plus any engine helpers it starts).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoDir } from "../lib/child.js";
import { mp3Duration } from "../lib/mp3.js";
import { type DetailTable, type TargetResult, verdict } from "../lib/report.js";
import { fmt, fmtSummary, summarize } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";

const WALL_TARGET_S = 0.6;
const PEAK_TARGET_MIB = 150;
const TEXT = "Hello from Fish Audio";
const TIME = "/usr/bin/time";

/** Newest modification time (ms) of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Fails unless both packages' dist/ are at least as new as their src/ (the command runs dist/). */
function assertBuilt(): void {
  for (const pkg of ["fishaudio", "fishaudio-local"]) {
    const dir = path.join(repoDir, "packages", pkg);
    const dist = path.join(dir, "dist");
    if (!fs.existsSync(dist) || newestMtime(dist) < newestMtime(path.join(dir, "src"))) {
      throw new Error(`packages/${pkg}/dist is older than its src/: run \`npm run build\` first`);
    }
  }
}

/** The processes under `pid` (Linux: /proc/PID/task/TID/children), `pid` included. */
function tree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i] as number;
    try {
      for (const tid of fs.readdirSync(`/proc/${p}/task`)) {
        const kids = fs.readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").trim();
        if (kids) out.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // The process has gone between listing and reading.
    }
  }
  return out;
}

/** Resident memory of `pids` together, in KiB. */
function rssKiB(pids: number[]): number {
  let total = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      total += Number(m?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return total;
}

interface Run {
  wallS: number;
  cpuS: number;
  /** Largest single process (getrusage maxrss through /usr/bin/time), MiB. */
  maxProcMiB: number;
  /** Whole tree, sampled every 5 ms, MiB. */
  treeMiB: number;
}

/** Runs `argv` under /usr/bin/time, sampling the tree's memory meanwhile. */
async function measured(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(TIME, ["-f", "@@%U %S %M", ...argv], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  child.stdout.resume();
  let peak = 0;
  const sample = () => {
    if (child.pid) peak = Math.max(peak, rssKiB(tree(child.pid).slice(1)));
  };
  const timer = setInterval(sample, 5);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  const wallS = (performance.now() - t0) / 1000;
  const m = /@@([\d.]+) ([\d.]+) (\d+)/.exec(err);
  if (code !== 0 || !m)
    throw new Error(`${argv.join(" ")} exited with ${code}: ${err.slice(-600)}`);
  return {
    wallS,
    cpuS: Number(m[1]) + Number(m[2]),
    maxProcMiB: Number(m[3]) / 1024,
    treeMiB: peak / 1024,
  };
}

export const firstCommandSuite: Suite = {
  name: "first-command",
  title: "The README's first command after install: tts --local, wall, CPU and peak memory",
  async run({ quick, log }) {
    if (process.platform !== "linux" || !fs.existsSync(TIME)) {
      throw new Error("needs Linux /proc and /usr/bin/time (Debian package `time`)");
    }
    assertBuilt();
    const reps = quick ? 2 : 7;
    const bin = path.join(repoDir, "node_modules/.bin/fishaudio");
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "fishaudio-first-"));
    const cli: Run[] = [];
    const empty: Run[] = [];
    const sizes: number[] = [];
    try {
      let seq = 0;
      const once = async () => {
        const home = path.join(work, `home-${seq++}`);
        fs.mkdirSync(home);
        const env = { ...process.env, HOME: home, FISH_LOCAL_DATA_DIR: "", FISH_API_KEY: "" };
        const out = path.join(home, "hello.mp3");
        const run = await measured([bin, "tts", "--local", TEXT, "-o", out], env, home);
        const { seconds, junk } = mp3Duration(new Uint8Array(fs.readFileSync(out)));
        if (seconds < 0.5 || junk > 0)
          throw new Error(`hello.mp3 is not clean mp3 audio (${seconds} s, ${junk} stray bytes)`);
        sizes.push(seconds);
        return run;
      };
      const nothing = () => measured([process.execPath, "-e", "0"], process.env, work);
      await once(); // the OS file cache, as after install
      log(`  ${reps} interleaved pairs: the command, an empty node process`);
      for (let i = 0; i < reps; i++) {
        if (i % 2 === 0) {
          cli.push(await once());
          empty.push(await nothing());
        } else {
          empty.push(await nothing());
          cli.push(await once());
        }
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    const wall = summarize(cli.map((r) => r.wallS));
    const cpu = summarize(cli.map((r) => r.cpuS));
    const peak = summarize(cli.map((r) => r.treeMiB));
    const proc = summarize(cli.map((r) => r.maxProcMiB));
    const base = summarize(empty.map((r) => r.wallS));
    const wallOk = wall.median < WALL_TARGET_S;
    const peakOk = peak.median < PEAK_TARGET_MIB;
    const load = os.loadavg()[0] ?? Number.NaN;
    const targets: TargetResult[] = [
      {
        id: "first-command.wall",
        what: `\`fishaudio tts --local "${TEXT}" -o hello.mp3\` after install (fresh data directory): wall time`,
        target: `< ${WALL_TARGET_S} s`,
        measured: `${fmtSummary(wall, 2)} s; CPU ${fmt(cpu.median, 2)} s; an empty node process ${fmt(base.median, 3)} s`,
        met: verdict(wallOk),
        note: wallOk
          ? undefined
          : `Wall time on a shared machine includes waiting for a core: the empty node process beside it took ${fmt(base.median, 3)} s (load average ${fmt(load, 2)} at the end of the suite). The CPU time (${fmt(cpu.median, 2)} s for the whole tree) is the figure the load moves least; an idle machine would settle the wall time. On the command's path, in order: Node's own start (the empty process), loading the CLI and the server (each bundled into a few files; still the largest share of the main thread's CPU), SQLite's first synced commits, flite speaking the sentence in its worker thread, and LAME encoding it on the main thread. The flite worker and LAME's compilation already start before anything else loads (they overlap with the module loading), and the CLI reaches its server over node:http rather than undici.`,
      },
      {
        id: "first-command.memory",
        what: "Same command: peak resident memory of the whole process tree",
        target: `< ${PEAK_TARGET_MIB} MiB`,
        measured: `${fmtSummary(peak, 0)} MiB (largest single process ${fmt(proc.median, 0)} MiB)`,
        met: verdict(peakOk),
        note: peakOk
          ? undefined
          : "Every engine helper the command starts adds a Node process of its own (each at least ~40 MiB): only the one the request needs should start.",
      },
    ];
    const tables: DetailTable[] = [
      {
        title: `${reps} runs, each with a fresh HOME (a first start: database, key, engines)`,
        head: [
          "process",
          "wall s (p10, p90)",
          "CPU s (p10, p90)",
          "peak tree MiB",
          "largest process MiB",
        ],
        rows: [
          [
            "fishaudio tts --local … -o hello.mp3",
            fmtSummary(wall, 3),
            fmtSummary(cpu, 3),
            fmtSummary(peak, 0),
            fmtSummary(proc, 0),
          ],
          [
            "node -e 0 (reference)",
            fmtSummary(base, 3),
            fmtSummary(summarize(empty.map((r) => r.cpuS)), 3),
            "–",
            fmtSummary(summarize(empty.map((r) => r.maxProcMiB)), 0),
          ],
        ],
        note: `The command is node_modules/.bin/fishaudio (what \`npx fishaudio\` runs once npx has found it; npx's own start-up is npm's, not this project's), from the built dist/. Runs alternate with an empty node process. CPU is user + system of the command and every child it waited for (/usr/bin/time); peak tree memory sums VmRSS over the command's process tree, sampled every 5 ms. Each hello.mp3 was walked frame by frame: ${fmt(sizes[0] ?? Number.NaN, 2)} s of clean mp3.`,
      },
    ];
    return { targets, tables };
  },
};
