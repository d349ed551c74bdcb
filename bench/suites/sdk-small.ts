/**
 * Small requests: voices.get requests/second through the SDK vs plain fetch, concurrency 1 and
 * 32, with the client CPU per request of each and of fetch given an AbortSignal (what any client
 * that can time out or be cancelled hands fetch), and what each puts on the wire.
 */
import { type DetailTable, ratioVerdict, type TargetResult } from "../lib/report.js";
import { captureRequestHead, headerOf, type RequestHead } from "../lib/request-head.js";
import { sdkClient } from "../lib/sdk.js";
import { sharedServer } from "../lib/server.js";
import { fmt, fmtSummary, noiseCaveat, rotate, summarize } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import { type Endpoint, plainGetJson } from "../lib/wire.js";

const TARGET = 0.9;

/**
 * Runs `total` calls of `fn` with at most `concurrency` in flight; returns requests/second and
 * the client process's CPU microseconds per request.
 */
async function rps(
  total: number,
  concurrency: number,
  fn: () => Promise<unknown>,
): Promise<{ rps: number; cpu: number }> {
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await fn();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { rps: total / seconds, cpu: (c.user + c.system) / total };
}

/** plainGetJson with a fresh AbortSignal: the wiring a timeout or a cancel needs, nothing else. */
async function plainGetJsonWithSignal(ep: Endpoint, pathname: string): Promise<unknown> {
  const res = await fetch(`${ep.url}${pathname}`, {
    headers: { authorization: `Bearer ${ep.apiKey}` },
    signal: new AbortController().signal,
  });
  if (!res.ok) throw new Error(`GET ${pathname}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** The two request heads side by side, and whether the comparison is like for like. */
async function compareWire(apiKey: string): Promise<{ table: DetailTable; unfair?: string }> {
  const sdkHead = await captureRequestHead(async (url) =>
    (await sdkClient({ url, apiKey })).voices.get("probe"),
  );
  const plainHead = await captureRequestHead((url) =>
    plainGetJson({ url, apiKey }, "/model/probe"),
  );
  const auth = (h: RequestHead) => headerOf(h, "authorization");
  if (auth(sdkHead) !== auth(plainHead)) {
    throw new Error(
      `the two sides do not authenticate alike: SDK ${auth(sdkHead)}, fetch ${auth(plainHead)}`,
    );
  }
  const extra = (a: RequestHead, b: RequestHead) =>
    a.headers.map(([n]) => n).filter((n) => !b.headers.some(([m]) => m === n));
  const sdkOnly = extra(sdkHead, plainHead);
  const plainOnly = extra(plainHead, sdkHead);
  const row = (label: string, h: RequestHead) => [
    label,
    h.line,
    String(h.headers.length),
    String(h.bytes),
    String(h.bodyBytes),
    headerOf(h, "connection") ?? "–",
    headerOf(h, "user-agent") ?? "–",
  ];
  const unfair =
    sdkOnly.length > 0 || sdkHead.bodyBytes > plainHead.bodyBytes
      ? `The SDK sends more than the plain side (headers ${sdkOnly.join(", ") || "none"}, body ${sdkHead.bodyBytes} bytes), which the server pays for too.`
      : undefined;
  return {
    unfair,
    table: {
      title: "On the wire: one voices.get request as a bare TCP server receives it",
      head: [
        "client",
        "request line",
        "headers",
        "head bytes",
        "body bytes",
        "connection",
        "user-agent",
      ],
      rows: [row("SDK voices.get", sdkHead), row("plain fetch", plainHead)],
      note: `Same Authorization on both sides. Header names only the SDK sends: ${sdkOnly.join(", ") || "none"}; only fetch: ${plainOnly.join(", ") || "none"}. The SDK names itself in User-Agent where fetch says "node"; the server reads neither.`,
    },
  };
}

export const sdkSmallSuite: Suite = {
  name: "sdk.small",
  title: "SDK small requests: voices.get requests/second vs plain fetch",
  async run({ quick, log }) {
    const server = await sharedServer();
    const client = await sdkClient(server);
    const list = (await plainGetJson(server, "/model?page_size=1")) as {
      items?: Array<{ _id: string }>;
    };
    const id = list.items?.[0]?._id;
    if (!id) throw new Error("GET /model returned no voice to fetch");
    const wire = await compareWire(server.apiKey);
    const targets: TargetResult[] = [];
    const rows: string[][] = [];
    for (const concurrency of [1, 32]) {
      // Short runs, many rounds: on a shared machine, drift then lands on every side alike.
      const total = concurrency === 1 ? 100 : 400;
      const reps = quick ? 5 : concurrency === 1 ? 30 : 20;
      const sides = [
        () => rps(total, concurrency, () => client.voices.get(id)),
        () => rps(total, concurrency, () => plainGetJson(server, `/model/${id}`)),
        () => rps(total, concurrency, () => plainGetJsonWithSignal(server, `/model/${id}`)),
      ];
      for (const side of sides) await side();
      log(`  concurrency ${concurrency}: ${reps} rounds of ${sides.length} clients, order rotated`);
      const rounds = await rotate(reps, sides);
      const col = (i: number) => rounds.map((r) => r[i] as { rps: number; cpu: number });
      const [sdk, plain, signal] = [col(0), col(1), col(2)];
      const per = (
        a: { rps: number; cpu: number }[],
        f: (x: { rps: number; cpu: number }, i: number) => number,
      ) => summarize(a.map(f));
      const ratio = per(sdk, (x, i) => x.rps / (plain[i] as { rps: number }).rps);
      const cpuRatio = per(sdk, (x, i) => x.cpu / (plain[i] as { cpu: number }).cpu);
      const signalCpuRatio = per(signal, (x, i) => x.cpu / (plain[i] as { cpu: number }).cpu);
      const sdkOverSignal = per(sdk, (x, i) => x.cpu / (signal[i] as { cpu: number }).cpu);
      const met = ratio.median >= TARGET;
      const pct = (r: number) => `${fmt((r - 1) * 100, 0)} %`;
      targets.push({
        id: `sdk.small.c${concurrency}`,
        what: `voices.get requests/s, SDK / plain fetch, concurrency ${concurrency}`,
        target: `≥ ${TARGET}`,
        measured: fmtSummary(ratio, 3),
        met: ratioVerdict(ratio, TARGET),
        note: met
          ? undefined
          : `${noiseCaveat(ratio, TARGET)}${wire.unfair ?? ""}In this run the SDK used ${pct(cpuRatio.median)} more client CPU per request than fetch + res.json(). Fetch alone, given an AbortSignal, used ${pct(signalCpuRatio.median)} more: that is undici's per-request abort wiring, which the SDK needs for its timeout and cancellation. The SDK's own work on top (URL, headers, deadline timer, retry and error classification, mapping the voice to camelCase) ${sdkOverSignal.median > 1 ? `is the rest: ${pct(sdkOverSignal.median)} more than fetch with a signal` : `does not show: the SDK used no more than fetch with a signal (${fmt(sdkOverSignal.median, 3)})`}. On a sub-millisecond loopback round trip the client's CPU is a large part of each request, so the CPU gap shows in requests/s; a machine with idle cores would show how much of the rest is this run's noise (p10/p90).`,
      });
      const c = String(concurrency);
      rows.push(
        [
          c,
          "SDK voices.get",
          fmtSummary(
            per(sdk, (x) => x.rps),
            0,
          ),
          fmtSummary(
            per(sdk, (x) => x.cpu),
            0,
          ),
        ],
        [
          c,
          "plain fetch + res.json()",
          fmtSummary(
            per(plain, (x) => x.rps),
            0,
          ),
          fmtSummary(
            per(plain, (x) => x.cpu),
            0,
          ),
        ],
        [
          c,
          "fetch + res.json() with an AbortSignal",
          fmtSummary(
            per(signal, (x) => x.rps),
            0,
          ),
          fmtSummary(
            per(signal, (x) => x.cpu),
            0,
          ),
        ],
        [c, "ratio SDK / fetch (per round)", fmtSummary(ratio, 3), fmtSummary(cpuRatio, 3)],
        [
          c,
          "ratio fetch with signal / fetch (per round)",
          fmtSummary(
            per(signal, (x, i) => x.rps / (plain[i] as { rps: number }).rps),
            3,
          ),
          fmtSummary(signalCpuRatio, 3),
        ],
        [c, "ratio SDK / fetch with signal (per round)", "", fmtSummary(sdkOverSignal, 3)],
      );
    }
    const tables: DetailTable[] = [
      {
        title: "GET /model/{id}: requests per second and client CPU per request",
        head: [
          "concurrency",
          "client",
          "req/s median (p10, p90)",
          "client CPU µs/request (p10, p90)",
        ],
        rows,
        note: `Rounds of the three clients in rotating order (${quick ? 5 : "30 at concurrency 1, 20 at 32"}) against the same local server child; CPU is this process's user + system time over the round. The SDK maps the voice to camelCase and arms a timeout; the plain side only parses JSON.`,
      },
      wire.table,
    ];
    return { targets, tables };
  },
};
