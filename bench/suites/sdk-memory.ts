/**
 * Memory: peak RSS growth of a client process while it streams 100 MB and 500 MB of audio to a
 * file through tts.convert and through streamWebsocket (plain fetch shown for reference).
 * Each measurement is a fresh child process, so nothing else lives in the measured heap.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runChild } from "../lib/child.js";
import { type DetailTable, type TargetResult, verdict } from "../lib/report.js";
import { sharedServer } from "../lib/server.js";
import { fmt } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";

const MB = 1_000_000;
const MiB = 1024 * 1024;
const LIMIT_MB = 50;
/**
 * "Flat": the 500 MB run may grow at most this much more than the 100 MB run. Retained chunks
 * would show as hundreds of MiB; the allowance only absorbs GC timing (measured ±15 MiB).
 */
const FLAT_MB = 20;

interface ChildResult {
  baseline: number;
  peak: number;
  growth: number;
  written: number;
  ms: number;
  /** Handles still holding the child's event loop 2 s after the stream ended. */
  lingering: string[];
}

const modes = [
  { mode: "sdk-http", label: "SDK tts.convert → save()" },
  { mode: "sdk-ws", label: "SDK streamWebsocket → save()" },
  { mode: "fetch", label: "plain fetch → file (reference)" },
] as const;

export const sdkMemorySuite: Suite = {
  name: "sdk.memory",
  title: "SDK memory: peak RSS growth while streaming 100 MB and 500 MB to a file",
  async run({ quick, log }) {
    const server = await sharedServer();
    const sizes = [100 * MB, 500 * MB];
    const reps = quick ? 1 : 2;
    const growth = new Map<string, number>();
    const rows: string[][] = [];
    const lingering: string[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const size of sizes) {
        for (const { mode } of modes) {
          const file = path.join(os.tmpdir(), `fishaudio-bench-${process.pid}-${mode}.wav`);
          log(`  ${mode}, ${size / MB} MB, repetition ${rep + 1}/${reps}`);
          const r = await runChild<ChildResult>(
            "children/memory.ts",
            { url: server.url, apiKey: server.apiKey, mode, bytes: size, file },
            { nodeArgs: ["--expose-gc"], timeoutMs: 120_000 },
          ).finally(() => fs.rmSync(file, { force: true }));
          if (r.lingering.length)
            lingering.push(`${mode} ${size / MB} MB: ${r.lingering.join(", ")}`);
          if (r.written < size) throw new Error(`${mode} wrote ${r.written} of ${size} bytes`);
          const key = `${mode}:${size}`;
          // Worst repetition counts: a target on a peak must hold every time.
          growth.set(key, Math.max(growth.get(key) ?? 0, r.growth));
          rows.push([
            modes.find((m) => m.mode === mode)?.label ?? mode,
            `${size / MB} MB`,
            String(rep + 1),
            fmt(r.baseline / MiB, 1),
            fmt(r.peak / MiB, 1),
            fmt(r.growth / MiB, 1),
            fmt(size / MB / (r.ms / 1000), 0),
          ]);
        }
      }
    }
    const targets: TargetResult[] = [];
    for (const { mode, label } of modes.slice(0, 2)) {
      const small = (growth.get(`${mode}:${100 * MB}`) ?? 0) / MiB;
      const large = (growth.get(`${mode}:${500 * MB}`) ?? 0) / MiB;
      const ok = large < LIMIT_MB && small < LIMIT_MB && large - small < FLAT_MB;
      targets.push({
        id: `sdk.memory.${mode === "sdk-http" ? "http" : "ws"}`,
        what: `Peak RSS growth, ${label}, 100 MB vs 500 MB`,
        target: `< ${LIMIT_MB} MiB, flat (500 MB ≤ 100 MB + ${FLAT_MB} MiB)`,
        measured: `${fmt(small, 1)} MiB vs ${fmt(large, 1)} MiB`,
        met: verdict(ok),
        note: ok
          ? undefined
          : "Growth with the audio size means chunks are retained: the stream must not buffer ahead of its consumer (pull-based iteration, respect backpressure, no accumulation of chunks for collect() unless collect() is called).",
      });
    }
    const tables: DetailTable[] = [
      {
        title: "Client process RSS while streaming benchmark wav to a file",
        head: [
          "path",
          "audio",
          "rep",
          "baseline RSS MiB",
          "peak RSS MiB",
          "peak growth MiB",
          "MB/s",
        ],
        rows,
        note: `Each row is a fresh child process (node --expose-gc): two 8 MB warm-ups through the same path (lazy imports, first connection, JIT), gc(), baseline RSS, then the measured stream written to a temp file (SDK: save() from fishaudio/node; fetch: a write stream with backpressure); RSS sampled every chunk and every 5 ms.${lingering.length ? ` After the stream ended, the child did not exit by itself within 2 s (open handles) in ${lingering.length} run(s): ${lingering.join("; ")}.` : " Every child exited by itself once its stream ended."}`,
      },
    ];
    return { targets, tables };
  },
};
