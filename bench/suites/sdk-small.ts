/** Small requests: voices.get requests/second through the SDK vs plain fetch, concurrency 1 and 32. */
import { type DetailTable, type TargetResult, verdict } from "../lib/report.js";
import { sdkClient } from "../lib/sdk.js";
import { sharedServer } from "../lib/server.js";
import { fmt, fmtSummary, interleave, noiseCaveat, summarize } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import { plainGetJson } from "../lib/wire.js";

/**
 * Runs `total` calls of `fn` with at most `concurrency` in flight; returns requests/second and
 * the client process's CPU milliseconds per request.
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
  return { rps: total / seconds, cpu: (c.user + c.system) / 1000 / total };
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
    const targets: TargetResult[] = [];
    const rows: string[][] = [];
    for (const concurrency of [1, 32]) {
      // Short runs, many pairs: on a shared machine, drift then lands on both sides alike.
      const total = concurrency === 1 ? 100 : 400;
      const reps = quick ? 5 : concurrency === 1 ? 30 : 20;
      const sdk = () => rps(total, concurrency, () => client.voices.get(id));
      const plain = () => rps(total, concurrency, () => plainGetJson(server, `/model/${id}`));
      await sdk();
      await plain();
      log(`  concurrency ${concurrency}: ${reps} interleaved pairs of ${total} requests`);
      const pairs = await interleave(reps, sdk, plain);
      const ratio = summarize(pairs.map((p) => p.a.rps / p.b.rps));
      const cpuRatio = summarize(pairs.map((p) => p.a.cpu / p.b.cpu));
      const met = ratio.median >= 0.9;
      targets.push({
        id: `sdk.small.c${concurrency}`,
        what: `voices.get requests/s, SDK / plain fetch, concurrency ${concurrency}`,
        target: "≥ 0.9",
        measured: fmtSummary(ratio, 3),
        met: verdict(met),
        note: met
          ? undefined
          : `${noiseCaveat(ratio, 0.9)}The SDK's own work per request (URL and header building, the deadline timer and abort wiring, retry bookkeeping, mapping the voice to camelCase) costs ${fmt((cpuRatio.median - 1) * 100, 0)} % more client CPU than fetch + res.json() in this run, which shows on a sub-millisecond loopback round trip. Building the static headers once per client, and arming the timeout without an extra AbortController and timer per request when no signal or timeout is given, would close most of it.`,
      });
      rows.push(
        [`${concurrency}`, "SDK voices.get", fmtSummary(summarize(pairs.map((p) => p.a.rps)), 0)],
        [
          `${concurrency}`,
          "plain fetch + res.json()",
          fmtSummary(summarize(pairs.map((p) => p.b.rps)), 0),
        ],
        [`${concurrency}`, "ratio SDK / fetch (per pair)", fmtSummary(ratio, 3)],
        [`${concurrency}`, "client CPU per request, SDK / fetch", fmtSummary(cpuRatio, 3)],
      );
    }
    const tables: DetailTable[] = [
      {
        title: "GET /model/{id}, requests per second",
        head: ["concurrency", "client", "req/s median (p10, p90)"],
        rows,
        note: `Interleaved pairs (${quick ? 5 : "30 at concurrency 1, 20 at 32"}) against the same local server child; the SDK maps the voice to camelCase, the plain side only parses JSON.`,
      },
    ];
    return { targets, tables };
  },
};
