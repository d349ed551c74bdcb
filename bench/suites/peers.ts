/**
 * This SDK beside its peer: the official TypeScript SDK (npm `fish-audio`, a dev dependency of the
 * bench only) and plain fetch, against the same server in the same run. Three clients, rounds in
 * rotating order, ratios per round to plain fetch: streaming throughput, first audio of a long
 * text, and voices.get requests/second at concurrency 1 and 32.
 */
import { LONG_TEXT } from "../lib/corpus.js";
import { type DetailTable, ratioVerdict, type TargetResult } from "../lib/report.js";
import { sdkClient } from "../lib/sdk.js";
import { sharedServer } from "../lib/server.js";
import { fmt, fmtSummary, noiseCaveat, rotate, type Summary, summarize } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import { drain, type Endpoint, plainGetJson, plainTts } from "../lib/wire.js";

const MB = 1_000_000;
const TARGET = 0.95;

/** The parts of the official client the bench calls (its own types name only older models). */
interface OfficialClient {
  textToSpeech: {
    convert(
      request: Record<string, unknown>,
      backend?: string,
      options?: { maxRetries?: number },
    ): Promise<ReadableStream<Uint8Array>>;
  };
  voices: { get(id: string, options?: { maxRetries?: number }): Promise<{ _id: string }> };
}

async function officialClient(ep: Endpoint): Promise<OfficialClient> {
  const mod = (await import("fish-audio")) as unknown as {
    FishAudioClient: new (o: Record<string, unknown>) => OfficialClient;
  };
  return new mod.FishAudioClient({ apiKey: ep.apiKey, baseUrl: ep.url });
}

/** Reads a web stream to the end; returns the byte count. */
async function drainStream(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

/** Waits for the first non-empty chunk of a web stream, then cancels the rest. */
async function firstOfStream(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the stream ended without audio");
    if (value.byteLength > 0) break;
  }
  await reader.cancel();
}

/** `total` calls of `fn`, at most `concurrency` in flight: requests per second. */
async function rps(total: number, concurrency: number, fn: () => Promise<unknown>) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await fn();
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

type Client = "sdk" | "official" | "fetch";
const CLIENTS: Client[] = ["sdk", "official", "fetch"];
const LABEL: Record<Client, string> = {
  sdk: "this SDK (fishaudio)",
  official: "official SDK (fish-audio 0.1.0)",
  fetch: "plain fetch",
};

interface Measure {
  id: string;
  what: string;
  unit: string;
  digits: number;
  /** Higher is better (a rate); false for times, whose ratio is then fetch / client. */
  higher: boolean;
  run: Record<Client, () => Promise<number>>;
  reps: number;
}

interface Outcome {
  m: Measure;
  values: Record<Client, Summary>;
  ratio: Record<"sdk" | "official", Summary>;
}

async function measure(m: Measure, log: (l: string) => void): Promise<Outcome> {
  for (const c of CLIENTS) await m.run[c](); // warm each path once
  log(`  ${m.id}: ${m.reps} rounds of ${CLIENTS.length} clients, order rotated`);
  const rounds = await rotate(
    m.reps,
    CLIENTS.map((c) => m.run[c]),
  );
  const of = (c: Client) => rounds.map((r) => r[CLIENTS.indexOf(c)] as number);
  const ratioOf = (c: "sdk" | "official") =>
    summarize(
      rounds.map((r) => {
        const mine = r[CLIENTS.indexOf(c)] as number;
        const plain = r[CLIENTS.indexOf("fetch")] as number;
        return m.higher ? mine / plain : plain / mine;
      }),
    );
  return {
    m,
    values: {
      sdk: summarize(of("sdk")),
      official: summarize(of("official")),
      fetch: summarize(of("fetch")),
    },
    ratio: { sdk: ratioOf("sdk"), official: ratioOf("official") },
  };
}

export const peersSuite: Suite = {
  name: "peers",
  title: "This SDK beside the official TypeScript SDK and plain fetch, same server, same run",
  async run({ quick, log }) {
    const server = await sharedServer();
    const sdk = await sdkClient(server);
    const official = await officialClient(server);
    const size = quick ? 32 * MB : 128 * MB;
    const bench = { text: String(size), reference_id: "benchmark", format: "wav" };
    const list = (await plainGetJson(server, "/model?page_size=1")) as {
      items?: Array<{ _id: string }>;
    };
    const id = list.items?.[0]?._id;
    if (!id) throw new Error("GET /model returned no voice to fetch");
    const long = { text: LONG_TEXT, format: "mp3" };
    const timed = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const throughput = async (fn: () => Promise<number>) => {
      const t0 = performance.now();
      const bytes = await fn();
      if (bytes < size) throw new Error(`short stream: ${bytes} of ${size} bytes`);
      return bytes / MB / ((performance.now() - t0) / 1000);
    };

    const measures: Measure[] = [
      {
        id: "peers.stream",
        what: `Streaming throughput (${size / MB} MB wav), MB/s`,
        unit: "MB/s",
        digits: 0,
        higher: true,
        reps: quick ? 4 : 16,
        run: {
          sdk: () =>
            throughput(async () => {
              const audio = await sdk.tts.convert({
                text: bench.text,
                referenceId: "benchmark",
                format: "wav",
              });
              let bytes = 0;
              for await (const chunk of audio) bytes += chunk.byteLength;
              return bytes;
            }),
          official: () =>
            throughput(async () =>
              drainStream(await official.textToSpeech.convert(bench, "s2-pro", { maxRetries: 0 })),
            ),
          fetch: () => throughput(async () => drain(await plainTts(server, bench))),
        },
      },
      {
        id: "peers.first-audio",
        what: `First audio of a long text (${LONG_TEXT.length} characters, mp3, default voice), ms`,
        unit: "ms",
        digits: 0,
        higher: false,
        reps: quick ? 4 : 20,
        run: {
          sdk: () =>
            timed(async () => {
              const audio = await sdk.tts.convert({ text: long.text, format: "mp3" });
              for await (const chunk of audio) if (chunk.byteLength > 0) break;
            }),
          official: () =>
            timed(async () =>
              firstOfStream(await official.textToSpeech.convert(long, "s2-pro", { maxRetries: 0 })),
            ),
          fetch: () =>
            timed(async () =>
              firstOfStream((await plainTts(server, long)).body as ReadableStream<Uint8Array>),
            ),
        },
      },
      ...[1, 32].map(
        (concurrency): Measure => ({
          id: `peers.small.c${concurrency}`,
          what: `voices.get requests/s at concurrency ${concurrency}`,
          unit: "req/s",
          digits: 0,
          higher: true,
          reps: quick ? 4 : concurrency === 1 ? 20 : 14,
          run: {
            sdk: () => rps(concurrency === 1 ? 100 : 400, concurrency, () => sdk.voices.get(id)),
            official: () =>
              rps(concurrency === 1 ? 100 : 400, concurrency, () =>
                official.voices.get(id, { maxRetries: 0 }),
              ),
            fetch: () =>
              rps(concurrency === 1 ? 100 : 400, concurrency, () =>
                plainGetJson(server, `/model/${id}`),
              ),
          },
        }),
      ),
    ];

    const outcomes: Outcome[] = [];
    for (const m of measures) outcomes.push(await measure(m, log));

    const targets: TargetResult[] = outcomes.map((o) => {
      const met = o.ratio.sdk.median >= TARGET;
      return {
        id: o.m.id,
        what: `${o.m.what}: this SDK / plain fetch (official SDK / fetch beside it)`,
        target: `≥ ${TARGET}`,
        measured: `${fmtSummary(o.ratio.sdk, 3)}; official SDK ${fmt(o.ratio.official.median, 3)}`,
        met: ratioVerdict(o.ratio.sdk, TARGET),
        note: met
          ? undefined
          : `${noiseCaveat(o.ratio.sdk, TARGET)}${o.m.id.startsWith("peers.small") ? "sdk.small measures where the difference goes: client CPU per request of the SDK, of fetch and of fetch given an AbortSignal (the abort wiring a timeout needs), and the two requests' bytes on the wire." : "See the sdk.* suites for where the SDK's own time goes (client CPU per request or per byte)."}`,
      };
    });
    const tables: DetailTable[] = outcomes.map((o) => ({
      title: `${o.m.what}: ${o.m.reps} rounds`,
      head: ["client", `${o.m.unit} median (p10, p90)`, "÷ plain fetch, per round (p10, p90)"],
      rows: CLIENTS.map((c) => [
        LABEL[c],
        fmtSummary(o.values[c], o.m.digits),
        c === "fetch" ? "1" : fmtSummary(o.ratio[c], 3),
      ]),
      note: o.m.higher
        ? "Ratios are client / fetch per round (above 1 is faster than fetch)."
        : "Ratios are fetch / client per round (above 1 is faster than fetch); each request is cancelled at its first audio bytes.",
    }));
    tables.push({
      title: "How the peers were driven",
      head: ["client", "calls"],
      rows: [
        [LABEL.sdk, "`tts.convert()` iterated with for await; `voices.get(id)`; maxRetries 0"],
        [
          LABEL.official,
          '`textToSpeech.convert(request, "s2-pro")` read with a stream reader; `voices.get(id)`; maxRetries 0',
        ],
        [LABEL.fetch, "fetch + msgpack body, `res.body.getReader()`; fetch + `res.json()`"],
      ],
      note: "One client object of each kind for the whole suite, against the bench's shared server child. Each round runs the three clients one after the other, the order rotating from round to round, so drift on the shared machine lands on all three alike.",
    });
    return { targets, tables };
  },
};
