/**
 * Soak: a bounded run of mixed traffic over loopback (TTS in every format, realtime sessions,
 * ASR, voice create/update/delete, listing, wallet) at a steady concurrency. Every request must
 * succeed, and the server's resident memory must stay flat once warm: sampled from
 * /proc/<pid>/status, the late median may not exceed the early median by more than a margin.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { decode } from "@msgpack/msgpack";
import WebSocket from "ws";
import {
  json,
  msgpack,
  sineWav,
  ttsRequest,
  urlencoded,
  voiceMultipart,
} from "../faults/payloads.js";
import { Prng } from "../faults/prng.js";
import { rawRequest } from "../faults/raw-http.js";
import { type ServerProcess, spawnServer } from "../faults/server-process.js";

const API_KEY = "soak-key-3c9e1a7f5b2d8046";
const REQUESTS = 1200;
const CONCURRENCY = 6;
const BUDGET_MS = 150_000;
/** Every TTS format, opus included (B7, opus encoders corrupting each other, is fixed). */
const SOAK_FORMATS = ["wav", "mp3", "pcm", "opus"];
/** Allowed growth of the late median RSS over the early one. */
const MAX_GROWTH_MIB = 48;

const auth = { authorization: `Bearer ${API_KEY}` };
const WAV = sineWav(0.5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** One realtime session: start, two text chunks, stop; resolves to the audio byte count. */
function liveSession(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/v1/tts/live`, { headers: auth });
    let bytes = 0;
    let finished = false;
    ws.on("error", reject);
    ws.on("open", () => {
      ws.send(msgpack({ event: "start", request: { ...ttsRequest(), text: "", format: "pcm" } }));
      ws.send(msgpack({ event: "text", text: "Soak test, " }));
      ws.send(msgpack({ event: "text", text: "second chunk." }));
      ws.send(msgpack({ event: "stop" }));
    });
    ws.on("message", (data: Buffer) => {
      const frame = decode(data) as {
        event?: string;
        audio?: Uint8Array;
        reason?: string;
        message?: string;
      };
      if (frame.event === "audio") bytes += frame.audio?.byteLength ?? 0;
      if (frame.event === "finish") {
        finished = true;
        if (frame.reason !== "stop") reject(new Error(`finish/${frame.reason}: ${frame.message}`));
      }
    });
    ws.on("close", () => (finished ? resolve(bytes) : reject(new Error("closed without finish"))));
  });
}

/** One request of the mix; throws with a description when the answer is not the expected one. */
async function oneRequest(server: ServerProcess, rng: Prng, voices: string[]): Promise<string> {
  const expect = async (
    label: string,
    request: Parameters<typeof rawRequest>[1],
    status: number,
  ) => {
    const res = await rawRequest(server.url, request, 60_000).catch((error: Error) => {
      throw new Error(`${label}: ${error.message}`);
    });
    if (res.status !== status)
      throw new Error(`${label}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
    return res;
  };
  const kind = rng.int(100);
  if (kind < 30) {
    const format = rng.pick(SOAK_FORMATS);
    const asJson = rng.chance(0.5);
    const payload = { ...ttsRequest(), format };
    const res = await expect(
      `tts ${format}`,
      {
        method: "POST",
        path: "/v1/tts",
        headers: { ...auth, "content-type": asJson ? "application/json" : "application/msgpack" },
        body: asJson ? json(payload) : msgpack(payload),
      },
      200,
    );
    if (res.body.length === 0) throw new Error(`tts ${format}: empty audio`);
    return "tts";
  }
  if (kind < 42) {
    const bytes = await liveSession(server.url);
    if (bytes === 0) throw new Error("live: no audio");
    return "live";
  }
  if (kind < 52) {
    await expect(
      "asr",
      {
        method: "POST",
        path: "/v1/asr",
        headers: { ...auth, "content-type": "application/msgpack" },
        body: msgpack({ audio: WAV, ignore_timestamps: false }),
      },
      200,
    );
    return "asr";
  }
  if (kind < 62) {
    const form = voiceMultipart(WAV, {
      type: "tts",
      title: `soak ${rng.int(1e6)}`,
      train_mode: "fast",
      visibility: "private",
    });
    const res = await expect(
      "create",
      {
        method: "POST",
        path: "/model",
        headers: { ...auth, "content-type": form.contentType },
        body: form.body,
      },
      201,
    );
    voices.push((JSON.parse(res.body.toString()) as { _id: string })._id);
    return "create";
  }
  if (kind < 68 && voices.length > 3) {
    const id = voices.splice(rng.int(voices.length), 1)[0]!;
    const res = await rawRequest(server.url, {
      method: "DELETE",
      path: `/model/${id}`,
      headers: auth,
    }).catch((error: Error) => {
      throw new Error(`delete: ${error.message}`);
    });
    if (res.status !== 200 && res.status !== 204) throw new Error(`delete: HTTP ${res.status}`);
    return "delete";
  }
  if (kind < 76 && voices.length > 0) {
    const id = rng.pick(voices);
    await expect(
      "update",
      {
        method: "PATCH",
        path: `/model/${id}`,
        headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
        body: urlencoded({ title: `renamed ${rng.int(1e6)}`, tags: ["a", "b"] }),
      },
      200,
    );
    return "update";
  }
  if (kind < 84 && voices.length > 0) {
    await expect("get", { method: "GET", path: `/model/${rng.pick(voices)}`, headers: auth }, 200);
    return "get";
  }
  if (kind < 94) {
    await expect(
      "list",
      {
        method: "GET",
        path: `/model?page_size=${1 + rng.int(50)}&self=${rng.chance(0.5)}`,
        headers: auth,
      },
      200,
    );
    return "list";
  }
  const path = rng.chance(0.5) ? "/wallet/self/api-credit" : "/wallet/self/package";
  await expect("wallet", { method: "GET", path, headers: auth }, 200);
  return "wallet";
}

describe("soak: mixed traffic, flat memory", () => {
  it(`${REQUESTS} mixed requests at concurrency ${CONCURRENCY}: no errors, RSS flat`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "fishaudio-soak-"));
    const server = await spawnServer({
      dataDir,
      apiKey: API_KEY,
      rateLimit: false,
      initialCredits: 1_000_000_000,
    });
    const samples: { done: number; rss: number; tree: number }[] = [];
    const errors: string[] = [];
    const counts = new Map<string, number>();
    const voices: string[] = [];
    let issued = 0;
    let done = 0;
    const deadline = Date.now() + BUDGET_MS;
    const sampler = setInterval(() => {
      samples.push({ done, rss: server.rssKiB(), tree: server.treeRssKiB() });
    }, 500);
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, lane) => {
          const rng = new Prng(1000 + lane);
          while (issued < REQUESTS && Date.now() < deadline && errors.length < 20) {
            issued++;
            try {
              const kind = await oneRequest(server, rng, voices);
              counts.set(kind, (counts.get(kind) ?? 0) + 1);
            } catch (error) {
              errors.push((error as Error).message);
            }
            done++;
          }
        }),
      );
    } finally {
      clearInterval(sampler);
    }
    try {
      const mix = [...counts].map(([k, n]) => `${k} ${n}`).join(", ");
      // The server's own account of trouble (engine crashes, failed streams) goes with a failure.
      const trouble = server
        .output()
        .split("\n")
        .filter((line) => /fail|error|stopped|SIG[A-Z]+/i.test(line) && !/^\s+at /.test(line))
        .slice(-10)
        .join("\n");
      assert.deepEqual(errors, [], `errors after ${done} requests (${mix})\n${trouble}`);
      assert.ok(done >= REQUESTS / 3, `only ${done} requests ran within the budget (${mix})`);
      assert.ok(server.alive());
      // Warm-up: the first quarter of the requests (JIT, engine helpers, SQLite cache).
      const warm = samples.filter((s) => s.done >= done / 4);
      assert.ok(warm.length >= 8, `too few RSS samples (${warm.length})`);
      const third = Math.floor(warm.length / 3);
      const early = median(warm.slice(0, third).map((s) => s.rss)) / 1024;
      const late = median(warm.slice(-third).map((s) => s.rss)) / 1024;
      const tree = warm.map((s) => s.tree / 1024);
      const detail = `server RSS median ${early.toFixed(0)} -> ${late.toFixed(0)} MiB over ${done} requests (${mix}); with helpers ${Math.min(...tree).toFixed(0)}..${Math.max(...tree).toFixed(0)} MiB`;
      console.log(`soak: ${detail}`);
      assert.ok(late - early < MAX_GROWTH_MIB, `memory grew: ${detail}`);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("opus TTS under concurrency", () => {
  it("600 opus requests at concurrency 6: every one a complete 200", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "fishaudio-opus-"));
    const server = await spawnServer({
      dataDir,
      apiKey: API_KEY,
      rateLimit: false,
      initialCredits: 1_000_000_000,
    });
    const errors: string[] = [];
    let next = 0;
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < 600 && errors.length < 5) {
            next++;
            const res = await rawRequest(
              server.url,
              {
                method: "POST",
                path: "/v1/tts",
                headers: { ...auth, "content-type": "application/json" },
                body: json({ ...ttsRequest(), format: "opus" }),
              },
              60_000,
            ).catch((error: Error) => error);
            if (res instanceof Error) errors.push(res.message);
            else if (res.status !== 200) errors.push(`HTTP ${res.status}`);
          }
        }),
      );
      const trouble = server
        .output()
        .split("\n")
        .filter((line) => /fail|error|stopped|SIG[A-Z]+/i.test(line) && !/^\s+at /.test(line))
        .slice(-6)
        .join("\n");
      assert.deepEqual(errors, [], `after ${next} requests; server log:\n${trouble}`);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
