/**
 * Issue 17, items 2 and 8: a realtime client that sends text and never reads audio is not read
 * either (bounded queued text, TCP backpressure); a huge speaker number is a 422, not a 500.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encode } from "@msgpack/msgpack";
import WebSocket from "ws";
import { openLive } from "../helpers/live.js";
import { errorBody, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

/** The server's bound on unsynthesised text per realtime session (QUEUED_TEXT_MAX). */
const QUEUED_TEXT_MAX = 1024 * 1024;

describe("hostile text (items 2 and 8)", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ initialCredits: 1_000_000 });
  });
  after(() => t.close());

  it("POST /v1/tts with a 400-digit speaker number: 422", async () => {
    const res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({
        text: `<|speaker:0|>Hi.<|speaker:${"9".repeat(400)}|>Hello.`,
        reference_id: ["fake-low", "fake-high"],
        format: "pcm",
      }),
    );
    const body = await errorBody(res);
    assert.equal(res.status, 422, body.message);
    assert.match(body.message, /at most 6 digits/);
  });

  // A 400-digit tag is longer than chunk_length, so realtime cuts it apart before it is a tag.
  it("a realtime session with a 7-digit speaker number ends with finish/error 422", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({
      event: "start",
      request: { text: "", format: "pcm", reference_id: ["fake-low", "fake-high"] },
    });
    live.send({ event: "text", text: "<|speaker:1234567|>Hello. " });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.equal(result.finish?.reason, "error");
    assert.match(String(result.finish?.message), /at most 6 digits/);
  });

  for (const voices of [["fake-low", "fake-high"], ["fake-low"]]) {
    it(`a realtime 400-digit speaker number (${voices.length} voice${voices.length > 1 ? "s" : ""}) is refused, not cut apart and spoken`, async () => {
      const live = await openLive(t.server.url, t.server.apiKey);
      live.send({ event: "start", request: { text: "", format: "pcm", reference_id: voices } });
      live.send({ event: "text", text: `<|speaker:0|>Hi. <|speaker:${"9".repeat(400)}|>Hello. ` });
      live.send({ event: "stop" });
      const result = await live.done;
      assert.equal(result.finish?.reason, "error");
      assert.match(String(result.finish?.message), /at most 6 digits/);
      const spoken = t.engines.calls.map((c) => c.text).join(" ");
      assert.doesNotMatch(spoken, /999/, "the tag's digits were spoken");
    });
  }

  it("stops reading a realtime client that sends text but reads no audio", async () => {
    const ws = new WebSocket(`${t.server.url.replace(/^http/, "ws")}/v1/tts/live`, {
      headers: { authorization: `Bearer ${t.server.apiKey}` },
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    // Read nothing from the server from now on.
    ws.pause();
    ws.send(encode({ event: "start", request: { text: "", format: "pcm" } }));
    const frame = encode({ event: "text", text: "Hello there. ".repeat(1260) }); // ~16 KiB
    const total = 64 * 1024 * 1024;
    let flushed = 0;
    for (let sent = 0; sent < total; sent += frame.length) {
      ws.send(frame, () => {
        flushed += frame.length;
      });
    }
    // Wait until the client's sends stop draining (nothing flushed for 1.5 s) or all drained.
    let last = -1;
    while (flushed !== last && flushed < total) {
      last = flushed;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    ws.terminate();
    // Socket buffers on both sides hold a few MiB; without backpressure all 64 MiB go through.
    assert.ok(flushed < total / 2, `the server read ${flushed} of ${total} bytes`);
  });

  it(`a text frame of more than ${QUEUED_TEXT_MAX} characters ends the session with 413`, async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({ event: "start", request: { text: "", format: "pcm" } });
    live.send({ event: "text", text: "word ".repeat(QUEUED_TEXT_MAX / 4) });
    const result = await live.done;
    assert.equal(result.finish?.reason, "error");
    assert.match(String(result.finish?.message), /More than \d+ characters/);
  });
});
