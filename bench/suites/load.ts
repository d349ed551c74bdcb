/**
 * Load on 2 cores: 50 concurrent HTTP TTS streams, then 50 concurrent WebSocket sessions, on
 * the default engine voice. Every one must complete without error; time to first audio is
 * reported as p50/p99 (from the request, or from opening the socket).
 */
import os from "node:os";
import { ROUND_TRIP } from "../lib/corpus.js";
import { type DetailTable, type TargetResult, verdict } from "../lib/report.js";
import { sharedServer } from "../lib/server.js";
import { fmt, percentile } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import { bareLive, type Endpoint, timedTts } from "../lib/wire.js";

const TEXT = `${ROUND_TRIP[0]} ${ROUND_TRIP[1]}`;

interface Outcome {
  firstMs: number;
  totalMs: number;
  bytes: number;
  error?: string;
}

async function httpStream(ep: Endpoint): Promise<Outcome> {
  try {
    const outcome = await timedTts(ep, { text: TEXT, format: "mp3" });
    if (outcome.bytes === 0) throw new Error("empty audio");
    return outcome;
  } catch (e) {
    return { firstMs: Number.NaN, totalMs: Number.NaN, bytes: 0, error: String(e) };
  }
}

async function wsSession(ep: Endpoint): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const { result, audioBytes } = await bareLive(ep, { format: "mp3" }, async (io) => {
      const first = io.nextAudio();
      io.send({ event: "text", text: TEXT });
      io.send({ event: "flush" });
      await first;
      const firstMs = performance.now() - t0;
      io.send({ event: "stop" });
      return firstMs;
    });
    if (audioBytes === 0) throw new Error("empty audio");
    return { firstMs: result, totalMs: performance.now() - t0, bytes: audioBytes };
  } catch (e) {
    return { firstMs: Number.NaN, totalMs: Number.NaN, bytes: 0, error: String(e) };
  }
}

export const loadSuite: Suite = {
  name: "load",
  title: "Load: concurrent TTS streams and WebSocket sessions on the default voice",
  async run({ quick, log }) {
    const server = await sharedServer();
    const n = quick ? 20 : 50;
    await httpStream(server); // warm the default voice and the mp3 encoder
    const targets: TargetResult[] = [];
    const rows: string[][] = [];
    for (const [kind, fn] of [
      ["HTTP TTS streams", httpStream],
      ["WebSocket sessions", wsSession],
    ] as const) {
      const load = os.loadavg()[0] ?? Number.NaN;
      log(`  ${n} concurrent ${kind} (load average ${fmt(load, 2)})`);
      const t0 = performance.now();
      const outcomes = await Promise.all(Array.from({ length: n }, () => fn(server)));
      const wall = performance.now() - t0;
      const ok = outcomes.filter((o) => !o.error);
      const errors = outcomes.filter((o) => o.error);
      const first = ok.map((o) => o.firstMs);
      const total = ok.map((o) => o.totalMs);
      const p50 = percentile(first, 50);
      const p99 = percentile(first, 99);
      const fast = p50 < 1000 && p99 < 2500;
      const met = errors.length === 0 && fast;
      targets.push({
        id: `load.${kind.startsWith("HTTP") ? "http" : "ws"}`,
        what: `${n} concurrent ${kind}: all complete without error; first audio under load`,
        target: `${n}/${n} ok; first audio p50 < 1 s, p99 < 2.5 s`,
        measured: `${ok.length}/${n} ok; first audio p50 ${fmt(p50 / 1000, 2)} s, p99 ${fmt(p99 / 1000, 2)} s (load average ${fmt(load, 2)})`,
        met: quick ? "reported" : verdict(met),
        note: met
          ? undefined
          : errors.length
            ? `${errors.length} failed, e.g. ${errors[0]?.error}. The server must queue synthesis instead of failing under load (bounded engine pool, backpressure, no per-request timeouts shorter than the queue wait).`
            : `All ${n} first pieces need flite at once. The server runs them first (earliest deadline; each cut to a word or two when the engine is busy, about 1 s of audio), two at a time on the two flite processes, at about 25 ms of CPU each (flite's cost follows the audio it makes; one WebAssembly instance per process serves every piece), so the last of ${n} cannot start before about ${fmt((n * 0.025) / 2, 1)} s of CPU that the encoders (~11 ms per second of mp3), the event loop, the benchmark's own client and the machine's other work (load average ${fmt(load, 2)} when this step began, on 2 cores) also want. What would close it: a machine with more cores, or an engine that speaks faster than flite's ~0.02 of real time.`,
      });
      rows.push([
        kind,
        `${ok.length}/${n}`,
        fmt(percentile(first, 50), 0),
        fmt(percentile(first, 99), 0),
        fmt(percentile(total, 50), 0),
        fmt(percentile(total, 99), 0),
        fmt(wall / 1000, 1),
      ]);
    }
    const tables: DetailTable[] = [
      {
        title: `${n} at once, ${TEXT.length}-character text, mp3, default voice`,
        head: ["kind", "ok", "first audio p50 ms", "p99 ms", "complete p50 ms", "p99 ms", "wall s"],
        rows,
        note: "All requests start together against one server process (rate limit raised). Time to first audio counts from the request (HTTP) or from opening the socket (WebSocket), so it includes queueing behind the other sessions.",
      },
    ];
    return { targets, tables };
  },
};
