/**
 * The server's mp3 encoder (LAME in WASM) per flite voice, beside lamejs (the pure-JS encoder it
 * replaced) fed the same conditioned PCM, interleaved in one child process.
 */
import { runChild } from "../lib/child.js";
import { PARAGRAPH } from "../lib/corpus.js";
import { type DetailTable, type TargetResult, verdict } from "../lib/report.js";
import { fmt, fmtSummary, summarize } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";

const TARGET = 0.015;

interface Timing {
  wall: number;
  cpu: number;
}
type Mp3Result = Record<string, { audioSeconds: number; wasm: Timing[]; lamejs: Timing[] }>;

export const mp3EncoderSuite: Suite = {
  name: "engines.mp3",
  title: "The mp3 encoder per flite voice (128 kbps, 44.1 kHz), beside lamejs on the same PCM",
  async run({ quick, log }) {
    log("  encoding a paragraph per flite voice in a child process");
    const r = await runChild<Mp3Result>("children/engines.ts", {
      mode: "mp3",
      reps: quick ? 3 : 9,
    });
    const rows: string[][] = [];
    let worst = { voice: "", cpu: 0, wall: 0 };
    for (const [voice, t] of Object.entries(r)) {
      const rtf = (xs: Timing[], k: keyof Timing) =>
        summarize(xs.map((x) => x[k] / 1000 / t.audioSeconds));
      const cpu = rtf(t.wasm, "cpu");
      const wall = rtf(t.wasm, "wall");
      const ratio = summarize(t.wasm.map((w, i) => w.cpu / (t.lamejs[i]?.cpu ?? Number.NaN)));
      if (cpu.median > worst.cpu) worst = { voice, cpu: cpu.median, wall: wall.median };
      rows.push([
        voice,
        fmt(t.audioSeconds, 1),
        fmtSummary(cpu, 4),
        fmtSummary(wall, 4),
        fmtSummary(rtf(t.lamejs, "cpu"), 4),
        fmtSummary(ratio, 3),
      ]);
    }
    const met = worst.cpu <= TARGET;
    const targets: TargetResult[] = [
      {
        id: "engines.mp3.rtf",
        what: "mp3 encoder real-time factor, slowest flite voice (resampling to 44.1 kHz included)",
        target: `≤ ${TARGET}`,
        measured: `${fmt(worst.cpu, 4)} CPU, ${fmt(worst.wall, 4)} wall (${worst.voice})`,
        met: verdict(met),
        note: met
          ? undefined
          : `The encoder runs on the event loop, so its time is CPU time; on a shared machine the wall figure also counts waiting for a core (load average in the header). Nearly all of the CPU is LAME itself (wasm-media-encoders, built for size, at LAME's default quality, which the library does not let a caller lower); the band-limited resampling to 44.1 kHz (a WebAssembly SIMD polyphase filter, packages/fishaudio-local/src/engines/signal/resample.ts) is about 5 % of it. A LAME build compiled for speed would close the rest: @mediabunny/mp3-encoder's SIMD build gave the same bytes for about 17 % less CPU side by side, but it is reachable only through mediabunny's worker-based encoder API.`,
      },
    ];
    const tables: DetailTable[] = [
      {
        title: `A ${PARAGRAPH.length}-character paragraph per flite voice, mp3 128 kbps 44.1 kHz`,
        head: [
          "voice",
          "audio s",
          "RTF, CPU (p10, p90)",
          "RTF, wall (p10, p90)",
          "lamejs RTF, CPU",
          "CPU, server's ÷ lamejs",
        ],
        rows,
        note: `Engine-level (no HTTP), in a child process: the voice's PCM in quarter-second slices through createEncoder({ format: "mp3" }) to end(), against lamejs (@breezystack/lamejs, the encoder the server used before; a dev dependency of the bench only) fed the same PCM after the server's own conditioning to 44.1 kHz, which is timed with it. ${quick ? 3 : 9} interleaved runs each. RTF = time ÷ audio length; CPU time is the child's own (process.cpuUsage), which the machine's other work moves least.`,
      },
    ];
    return { targets, tables };
  },
};
