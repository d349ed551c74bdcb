/**
 * Issue 17 item 6: unfinished uploads are bounded as a class. Bodies still arriving hold at most
 * maxBodyBytesInFlight bytes over all connections (more gets 503 with Retry-After), and a body
 * (or a realtime WebSocket message) that stops arriving is dropped after bodyIdleTimeoutMs, on
 * every body-reading path: JSON, msgpack, urlencoded, multipart, compat and the realtime socket.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { chunk, head, stalledFrame, stalledUpload } from "./stalled.js";

const MiB = 1024 * 1024;

describe("a stalled upload is dropped in seconds (bodyIdleTimeoutMs)", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bodyIdleTimeoutMs: 500, rateLimit: false });
  });
  after(() => t.close());

  const boundary = "xyzzy";
  const cases: Array<[string, string, string, Buffer]> = [
    ["JSON TTS", "/v1/tts", "application/json", Buffer.from('{"text": "')],
    ["msgpack TTS", "/v1/tts", "application/msgpack", Buffer.from([0x81, 0xa4])],
    ["urlencoded voice", "/model", "application/x-www-form-urlencoded", Buffer.from("title=")],
    [
      "multipart voice upload",
      "/model",
      `multipart/form-data; boundary=${boundary}`,
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="voices"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF`,
      ),
    ],
    [
      "compat (OpenAI) transcription",
      "/compat/v1/audio/transcriptions",
      `multipart/form-data; boundary=${boundary}`,
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhi`),
    ],
  ];
  for (const [name, path, type, start] of cases) {
    it(`${name}: 408 with a message, connection closed`, async () => {
      const upload = stalledUpload(
        t.server.url,
        head(path, type, 1_000_000, t.server.apiKey),
        start,
      );
      const answer = await upload.answer;
      assert.ok(answer, "no answer: the stalled upload was kept");
      assert.equal(answer.status, 408, answer.body);
      assert.match(answer.body, /stopped arriving/);
      await upload.closed;
    });
  }

  it("a realtime message that stops halfway: the socket is closed with 1008", async () => {
    const code = await stalledFrame(t.server.url, t.server.apiKey, 1024 * 1024, 65536);
    assert.equal(code, 1008, "the half-sent message was kept open");
  });
});

describe("bodies in flight share one budget (maxBodyBytesInFlight)", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      maxBodyBytes: 8 * MiB,
      maxBodyBytesInFlight: 16 * MiB,
      bodyIdleTimeoutMs: 60_000,
      rateLimit: false,
    });
  });
  after(() => t.close());

  it("past the budget a new upload gets 503 with Retry-After; the budget is given back after", async () => {
    const path = "/v1/tts";
    const type = "application/json";
    const key = t.server.apiKey;
    // Two uploads hold 6 MiB each and stall.
    const held = [0, 1].map(() =>
      stalledUpload(
        t.server.url,
        head(path, type, 7 * MiB, key),
        Buffer.alloc(6 * MiB, 0x20),
        60_000,
      ),
    );
    // Wait until the server has read what they sent (it answers nothing yet).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Declared 7 MiB does not fit the 4 MiB left: refused from the headers.
    const declared = stalledUpload(t.server.url, head(path, type, 7 * MiB, key), Buffer.alloc(0));
    const first = await declared.answer;
    assert.ok(first, "no answer to an upload over the budget");
    assert.equal(first.status, 503, first.body);
    assert.match(first.body, /too many uploads at once/);
    assert.match(first.headers, /retry-after: 2/i);
    declared.socket.destroy();
    // Chunked (no declared length): refused once it passes the budget.
    const chunked = stalledUpload(
      t.server.url,
      head(path, type, "chunked", key),
      chunk(Buffer.alloc(5 * MiB, 0x20)),
    );
    const second = await chunked.answer;
    assert.ok(second, "no answer to a chunked upload over the budget");
    assert.equal(second.status, 503, second.body);
    assert.match(second.body, /retry in a few seconds/);
    chunked.socket.destroy();
    // The stalled uploads leave: their bytes are given back.
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const padded = `{"text": "Hi.", "format": "pcm"${" ".repeat(7 * MiB)}}`;
    const res = await t.call("POST", "/v1/tts", {
      body: padded,
      headers: { "content-type": "application/json" },
    });
    assert.notEqual(res.status, 503, "the budget was not given back");
    await res.body?.cancel();
  });
});
