/**
 * Realtime overhead: time from sending flush to the first audio frame, through
 * `tts.streamWebsocket` against a bare `ws` client speaking the same msgpack frames.
 */
import { type DetailTable, type TargetResult, verdict } from "../lib/report.js";
import { sdkClient } from "../lib/sdk.js";
import { sharedServer } from "../lib/server.js";
import { fmtSummary, interleave, sleep, summarize } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import { bareLive } from "../lib/wire.js";

/** Bytes the benchmark voice returns per flush: 100 ms of 16 kHz s16 mono. */
const AUDIO_BYTES = 3200;
/** Pause between text and flush, so both sides have a connected, idle socket at flush time. */
const SETTLE_MS = 30;

export const sdkRealtimeSuite: Suite = {
  name: "sdk.realtime",
  title: "SDK realtime: flush to first audio, streamWebsocket vs a bare ws client",
  async run({ quick, log }) {
    const server = await sharedServer();
    const client = await sdkClient(server);
    const reps = quick ? 12 : 60;

    const viaSdk = async (): Promise<number> => {
      let t0 = 0;
      let t1 = 0;
      let gotFirst: () => void = () => {};
      const first = new Promise<void>((resolve) => {
        gotFirst = resolve;
      });
      async function* text() {
        yield { event: "text", text: String(AUDIO_BYTES) };
        await sleep(SETTLE_MS);
        t0 = performance.now();
        yield { event: "flush" };
        await first;
      }
      const audio = client.tts.streamWebsocket(text(), { referenceId: "benchmark", format: "pcm" });
      for await (const chunk of audio) {
        if (t1 === 0 && chunk.byteLength > 0) {
          t1 = performance.now();
          gotFirst();
        }
      }
      if (t1 === 0) throw new Error("streamWebsocket yielded no audio");
      return t1 - t0;
    };
    const viaBare = async (): Promise<number> => {
      const { result } = await bareLive(
        server,
        { reference_id: "benchmark", format: "pcm" },
        async (io) => {
          io.send({ event: "text", text: String(AUDIO_BYTES) });
          await sleep(SETTLE_MS);
          const first = io.nextAudio();
          const t0 = performance.now();
          io.send({ event: "flush" });
          await first;
          const t1 = performance.now();
          io.send({ event: "stop" });
          return t1 - t0;
        },
      );
      return result;
    };
    await viaSdk();
    await viaBare();
    log(`  ${reps} interleaved pairs of sessions`);
    const pairs = await interleave(reps, viaSdk, viaBare);
    const overhead = summarize(pairs.map((p) => p.a - p.b));
    const met = overhead.median < 1;
    const targets: TargetResult[] = [
      {
        id: "sdk.realtime",
        what: "Flush → first audio frame, streamWebsocket minus bare ws (per pair)",
        target: "median < 1 ms",
        measured: fmtSummary(overhead, 2, " ms"),
        met: verdict(met),
        note: met
          ? undefined
          : "The SDK holds frames between the text iterator and the socket (or between the socket and the consumer); send each event as soon as the iterator yields it and resolve the consumer's pending read directly from the message handler.",
      },
    ];
    const tables: DetailTable[] = [
      {
        title: "Flush → first audio frame (ms)",
        head: ["client", "median (p10, p90)"],
        rows: [
          ["SDK streamWebsocket", fmtSummary(summarize(pairs.map((p) => p.a)), 2)],
          ["bare ws + msgpack", fmtSummary(summarize(pairs.map((p) => p.b)), 2)],
          ["difference per pair", fmtSummary(overhead, 2)],
        ],
        note: `${reps} interleaved pairs; one session each: start, text "${AUDIO_BYTES}" (benchmark voice, pcm), ${SETTLE_MS} ms pause, flush (clock starts), first non-empty audio frame (clock stops), stop.`,
      },
    ];
    return { targets, tables };
  },
};
