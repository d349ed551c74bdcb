import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { openLive } from "../helpers/live.js";
import { errorBody, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

describe("authentication", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  for (const [name, key, header] of [
    ["no key", null, undefined],
    ["a wrong key", "0123456789abcdef", undefined],
    ["a non-Bearer scheme", null, "Basic abc"],
  ] as const) {
    it(`${name} is 401 {status, message} on every endpoint`, async () => {
      for (const [method, path] of [
        ["GET", "/model"],
        ["POST", "/v1/tts"],
        ["POST", "/v1/asr"],
        ["GET", "/wallet/self/api-credit"],
        ["GET", "/model/fake-low"],
      ]) {
        const res = await t.call(method!, path!, {
          key,
          headers: header ? { authorization: header } : {},
        });
        assert.equal(res.status, 401, `${method} ${path}`);
        await errorBody(res);
      }
    });
  }

  it("keys made for a user work, and the key is not stored in clear", async () => {
    const extra = t.server.createApiKey();
    const res = await t.call("GET", "/wallet/self/api-credit", { key: extra });
    assert.equal(res.status, 200);
  });
});

describe("credits", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ initialCredits: "0.001" });
  });
  after(() => t.close());

  it("the wallet reports the balance as a decimal string with _id", async () => {
    const res = await t.call("GET", "/wallet/self/api-credit?check_free_credit=true");
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.credit, "0.001");
    assert.equal(body.user_id, t.server.userId);
    assert.equal(typeof body._id, "string");
    assert.equal(body.has_free_credit, false);
    assert.equal(typeof body.cumulative_top_up, "string");
    const pkg = (await (await t.call("GET", "/wallet/self/package")).json()) as Record<
      string,
      unknown
    >;
    assert.equal(typeof pkg._id, "string");
    assert.equal(typeof pkg.finished_at, "string");
    assert.equal(typeof pkg.total, "number");
    assert.equal((await t.call("GET", "/wallet/someone-else/api-credit")).status, 403);
  });

  it("the wallet's query is checked against the schema: booleans as the cloud reads them", async () => {
    const credit = async (query: string) => {
      const res = await t.call("GET", `/wallet/self/api-credit${query}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    assert.equal((await credit("")).body.has_free_credit, null);
    assert.equal((await credit("?check_free_credit=yes")).body.has_free_credit, false);
    assert.equal((await credit("?check_free_credit=0")).body.has_free_credit, null);
    const bad = await credit("?check_free_credit=maybe");
    assert.equal(bad.status, 422);
    assert.match(String(bad.body.message), /'check_free_credit' must be true or false/);
    const team = await credit("?team_id=t1");
    assert.equal(team.status, 404);
    assert.match(String(team.body.message), /no teams/);
  });

  it("charges 15 micro-credits per UTF-8 byte of TTS text", async () => {
    const res = await t.call("POST", "/v1/tts", msgpack({ text: "héllo", format: "pcm" }));
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    // "héllo" is 6 bytes: 90 micro-credits.
    assert.equal(t.server.getCredits(t.server.userId), "0.00091");
  });

  it("answers 402 when the balance does not cover the text, and charges nothing", async () => {
    const res = await t.call("POST", "/v1/tts", msgpack({ text: "x".repeat(100), format: "pcm" }));
    assert.equal(res.status, 402);
    assert.match((await errorBody(res)).message, /credit/i);
    assert.equal(t.server.getCredits(t.server.userId), "0.00091");
  });

  it("charges ASR per second (100 micro-credits) and refuses with 402 when short", async () => {
    t.server.setCredits(t.server.userId, "0.0003");
    const audio = wavFile(tone(150, 2, 16000));
    let res = await t.call("POST", "/v1/asr", msgpack({ audio }));
    assert.equal(res.status, 200);
    await res.json();
    assert.equal(t.server.getCredits(t.server.userId), "0.0001");
    res = await t.call("POST", "/v1/asr", msgpack({ audio }));
    assert.equal(res.status, 402);
    await errorBody(res);
  });

  it("an empty balance refuses the WebSocket upgrade with HTTP 402, and a short one ends with finish/error", async () => {
    t.server.setCredits(t.server.userId, 0);
    await assert.rejects(
      openLive(t.server.url, t.server.apiKey),
      (e: Error & { status?: number }) => e.status === 402,
    );
    t.server.setCredits(t.server.userId, "0.00003"); // 2 bytes' worth
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({ event: "start", request: { text: "", format: "pcm" } });
    live.send({ event: "text", text: "Much too long a sentence." });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.equal(result.finish?.reason, "error");
    assert.match(String(result.finish?.message), /credit/i);
  });

  it("users have separate balances", async () => {
    const rich = t.server.createUser({ credits: 5 });
    const res = await t.call("GET", "/wallet/self/api-credit", { key: rich.apiKey });
    assert.equal(((await res.json()) as { credit: string }).credit, "5.00");
  });
});

describe("rate limit", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ rateLimit: { requests: 3, windowMs: 60_000 } });
  });
  after(() => t.close());

  it("answers 429 with Retry-After past the limit, per key", async () => {
    for (let i = 0; i < 3; i++) assert.equal((await t.call("GET", "/model")).status, 200);
    const res = await t.call("GET", "/model");
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    await errorBody(res);
    // The WebSocket handshake counts too.
    await assert.rejects(
      openLive(t.server.url, t.server.apiKey),
      (e: Error & { status?: number }) => e.status === 429,
    );
    // Another key has its own budget.
    const fresh = t.server.createApiKey();
    assert.equal((await t.call("GET", "/model", { key: fresh })).status, 200);
  });
});

describe("concurrency limit", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ rateLimit: { concurrent: 1 } });
  });
  after(() => t.close());

  it("answers 429 while the key's only slot is busy, and frees it when the request ends", async () => {
    let release!: () => void;
    t.engines.gate = new Promise((r) => {
      release = r;
    });
    try {
      const busy = await t.call("POST", "/v1/tts", msgpack({ text: "One. Two.", format: "pcm" }));
      assert.equal(busy.status, 200);
      const refused = await t.call("GET", "/model");
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), "1");
      assert.match((await errorBody(refused)).message, /concurrent/);
      await assert.rejects(
        openLive(t.server.url, t.server.apiKey),
        (e: Error & { status?: number }) => e.status === 429,
      );
      release();
      await busy.arrayBuffer();
      // The slot is free again once the response is over.
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        const res = await t.call("GET", "/model");
        status = res.status;
        await res.arrayBuffer();
      }
      assert.equal(status, 200);
      // A live session holds the slot until it closes.
      const live = await openLive(t.server.url, t.server.apiKey);
      assert.equal((await t.call("GET", "/model")).status, 429);
      live.send({ event: "start", request: { text: "" } });
      live.send({ event: "stop" });
      await live.done;
    } finally {
      t.engines.gate = undefined;
    }
  });
});

describe("body size limit", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ maxBodyBytes: 64 * 1024 });
  });
  after(() => t.close());

  it("refuses a declared oversized upload with 413 before reading it", async () => {
    // Declares 10 MB but sends only the headers: an answer proves nothing was waited for.
    const { status, body } = await new Promise<{ status: number; body: string }>(
      (resolve, reject) => {
        const req = request(`${t.server.url}/v1/asr`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${t.server.apiKey}`,
            "content-type": "application/msgpack",
            "content-length": String(10 * 1024 * 1024),
          },
        });
        req.on("response", (res) => {
          let text = "";
          res.on("data", (c: Buffer) => {
            text += c.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on("error", reject);
        req.flushHeaders();
      },
    );
    assert.equal(status, 413);
    assert.deepEqual(Object.keys(JSON.parse(body)).sort(), ["message", "status"]);
  });

  it("refuses a chunked upload with 413 as soon as it passes the limit", async () => {
    const { status } = await new Promise<{ status: number }>((resolve, reject) => {
      const req = request(`${t.server.url}/model`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${t.server.apiKey}`,
          "content-type": "multipart/form-data; boundary=b",
          "transfer-encoding": "chunked",
        },
      });
      req.on("response", (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on("error", () => {});
      req.write('--b\r\nContent-Disposition: form-data; name="voices"; filename="upload"\r\n\r\n');
      // 128 KiB, then keep the request open: the server must answer without the end.
      req.write(Buffer.alloc(128 * 1024, 1));
      setTimeout(() => reject(new Error("no answer")), 5000).unref();
    });
    assert.equal(status, 413);
  });
});
