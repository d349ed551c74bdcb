/**
 * Capacity: how many concurrent mp3 listeners (flite voices, a paragraph each) the server keeps
 * ahead of real time. The count steps up until some stream falls behind; the report gives the
 * largest count at which every stream kept up, and where it broke.
 *
 * "Kept up" means a listener who starts playing at the stream's first byte never runs dry: every
 * chunk arrives before the audio ahead of it has finished playing.
 */
import os from "node:os";
import { PARAGRAPH } from "../lib/corpus.js";
import { mp3Duration } from "../lib/mp3.js";
import { type DetailTable, type TargetResult, verdict } from "../lib/report.js";
import { sharedServer } from "../lib/server.js";
import { fmt, percentile } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import { type Endpoint, plainGetJson, plainTts } from "../lib/wire.js";

const TARGET = 50;

interface Stream {
  voice: string;
  firstMs: number;
  totalMs: number;
  audioSeconds: number;
  /** The longest a listener would have waited for audio after playback began, in ms (≤ 0: never). */
  worstLateMs: number;
  error?: string;
}

/** One mp3 stream of the paragraph, with the arrival time and size of every chunk. */
async function listen(ep: Endpoint, voice: string): Promise<Stream> {
  const t0 = performance.now();
  try {
    const res = await plainTts(ep, { text: PARAGRAPH, reference_id: voice, format: "mp3" });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const arrivals: Array<{ ms: number; before: number }> = [];
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.byteLength === 0) continue;
      arrivals.push({ ms: performance.now() - t0, before: bytes });
      chunks.push(value);
      bytes += value.byteLength;
    }
    const totalMs = performance.now() - t0;
    const all = new Uint8Array(bytes);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    const { seconds, junk } = mp3Duration(all);
    if (seconds === 0 || junk > 0) throw new Error(`not a clean mp3 (${junk} stray bytes)`);
    // Constant bitrate: the audio ahead of a byte is proportional to its offset.
    const firstMs = arrivals[0]?.ms ?? Number.NaN;
    let worstLateMs = Number.NEGATIVE_INFINITY;
    for (const a of arrivals.slice(1)) {
      const playedMs = (a.before / bytes) * seconds * 1000;
      worstLateMs = Math.max(worstLateMs, a.ms - firstMs - playedMs);
    }
    return { voice, firstMs, totalMs, audioSeconds: seconds, worstLateMs };
  } catch (e) {
    return {
      voice,
      firstMs: Number.NaN,
      totalMs: Number.NaN,
      audioSeconds: 0,
      worstLateMs: Number.POSITIVE_INFINITY,
      error: String(e),
    };
  }
}

function keptUp(s: Stream): boolean {
  return !s.error && s.worstLateMs <= 0;
}

export const capacitySuite: Suite = {
  name: "capacity",
  title:
    "Capacity: concurrent mp3 streams (flite voices, a paragraph each) kept ahead of real time",
  async run({ quick, log }) {
    const server = await sharedServer();
    const list = (await plainGetJson(server, "/model?page_size=100")) as {
      items?: Array<{ _id: string }>;
    };
    const voices = (list.items ?? []).map((v) => v._id).filter((id) => id.startsWith("flite-"));
    if (voices.length === 0) throw new Error("GET /model lists no flite voice");
    for (const v of voices) await listen(server, v); // warm every voice and the encoder
    const steps = quick ? [5, 10, 20] : [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    const rows: string[][] = [];
    let capacity = 0;
    let brokeAt: { n: number; behind: Stream[]; failed: Stream[] } | undefined;
    for (const n of steps) {
      const load = os.loadavg()[0] ?? Number.NaN;
      log(`  ${n} concurrent streams (load average ${fmt(load, 2)})`);
      const t0 = performance.now();
      const streams = await Promise.all(
        Array.from({ length: n }, (_, i) => listen(server, voices[i % voices.length] as string)),
      );
      const wall = (performance.now() - t0) / 1000;
      const ok = streams.filter((s) => !s.error);
      const behind = ok.filter((s) => !keptUp(s));
      const failed = streams.filter((s) => s.error);
      const late = ok.map((s) => s.worstLateMs);
      rows.push([
        String(n),
        fmt(load, 2),
        `${n - behind.length - failed.length}/${n}`,
        fmt(
          percentile(
            ok.map((s) => s.firstMs),
            50,
          ),
          0,
        ),
        fmt(
          percentile(
            ok.map((s) => s.firstMs),
            99,
          ),
          0,
        ),
        fmt(percentile(late, 50), 0),
        fmt(Math.max(...late), 0),
        fmt(
          percentile(
            ok.map((s) => s.totalMs / 1000 / s.audioSeconds),
            50,
          ),
          3,
        ),
        fmt(Math.max(...ok.map((s) => s.totalMs / 1000 / s.audioSeconds)), 3),
        fmt(wall, 1),
      ]);
      if (behind.length || failed.length) {
        brokeAt = { n, behind, failed };
        break;
      }
      capacity = n;
    }
    const met = capacity >= TARGET;
    const where = brokeAt
      ? `; at ${brokeAt.n}, ${brokeAt.behind.length} fell behind${brokeAt.failed.length ? ` and ${brokeAt.failed.length} failed` : ""}`
      : `; never broke up to ${steps.at(-1)}`;
    const targets: TargetResult[] = [
      {
        id: "capacity.mp3",
        what: "Concurrent mp3 streams (flite voices, a paragraph each) all kept ahead of real time on this machine",
        target: `≥ ${TARGET}`,
        measured: `${capacity}${where}`,
        met: quick ? "reported" : verdict(met),
        note: met
          ? undefined
          : `Capacity is CPU: every stream costs synthesis (flite, about 0.025 × real time for slt/rms/awb) plus mp3 encoding plus the resampling to 44.1 kHz, and the machine's other work (load average column) takes its share of the same 2 cores. ${brokeAt?.failed[0] ? `A failure: ${brokeAt.failed[0].error}. ` : ""}Compare the load average at each step: a run on an idle machine is what would settle the figure.`,
      },
    ];
    const tables: DetailTable[] = [
      {
        title: `Concurrent mp3 streams of a ${PARAGRAPH.length}-character paragraph, voices ${voices.join(", ")} in turn`,
        head: [
          "streams",
          "load avg",
          "kept up",
          "first audio p50 ms",
          "p99 ms",
          "worst wait p50 ms",
          "max ms",
          "RTF p50",
          "RTF max",
          "wall s",
        ],
        rows,
        note: "All streams of a step start together (HTTP POST /v1/tts, mp3 128 kbps). A stream kept up when a listener who starts playing at its first byte never waits: for every chunk, arrival − first byte ≤ the audio before it (placed by byte offset, the stream being constant bitrate; its length from walking the mp3 frames). 'worst wait' is that difference's maximum per stream (negative: the audio was ahead all along). RTF = request to last byte ÷ audio length. Steps go up until a stream falls behind; the load average is the 1-minute figure when the step began.",
      },
    ];
    return { targets, tables };
  },
};
