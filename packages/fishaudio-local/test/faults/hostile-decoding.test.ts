/**
 * Issue 17, items 1 and 7: deeply nested payloads on every endpoint, body encoding and the
 * realtime socket are refused with a 400 that says why, before any decoder builds them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openLive } from "../helpers/live.js";
import { errorBody, startTestServer, type TestServer } from "../helpers/server.js";
import { nestedJsonField, nestedMsgpackField } from "./hostile-payloads.js";

const DEPTH = 20_000;

describe("hostile nesting (items 1 and 7)", () => {
  let t: TestServer;
  let voiceId: string;
  before(async () => {
    t = await startTestServer();
    const form = new FormData();
    form.set("title", "mine");
    form.set("voices", new Blob([new Uint8Array(wav())]), "a.wav");
    const res = await t.call("POST", "/model", { body: form });
    assert.equal(res.status, 201);
    voiceId = ((await res.json()) as { _id: string })._id;
  });
  after(() => t.close());

  const encodings = [
    { name: "msgpack", type: "application/msgpack", build: nestedMsgpackField },
    { name: "JSON", type: "application/json", build: nestedJsonField },
  ];
  const targets = [
    { method: "POST", label: "/v1/tts", path: () => "/v1/tts", field: "format" },
    { method: "POST", label: "/model", path: () => "/model", field: "title" },
    { method: "PATCH", label: "/model/{id}", path: () => `/model/${voiceId}`, field: "tags" },
  ];
  for (const encoding of encodings) {
    for (const target of targets) {
      it(`${target.method} ${target.label} with a ${DEPTH}-deep ${encoding.name} field: 400`, async () => {
        const res = await t.call(target.method, target.path(), {
          body: encoding.build(target.field, DEPTH),
          headers: { "content-type": encoding.type },
        });
        const body = await errorBody(res);
        assert.equal(res.status, 400, body.message);
        assert.match(body.message, /deeper than 32 levels/);
      });
    }
  }

  it(`POST /v1/asr with a ${DEPTH}-deep msgpack field: 400`, async () => {
    const res = await t.call("POST", "/v1/asr", {
      body: nestedMsgpackField("language", DEPTH),
      headers: { "content-type": "application/msgpack" },
    });
    const body = await errorBody(res);
    assert.equal(res.status, 400, body.message);
    assert.match(body.message, /deeper than 32 levels/);
  });

  for (const binary of [true, false]) {
    it(`a realtime ${binary ? "msgpack" : "JSON text"} frame with a ${DEPTH}-deep event: finish/error naming the depth`, async () => {
      const live = await openLive(t.server.url, t.server.apiKey);
      const frame = binary ? nestedMsgpackField("event", DEPTH) : nestedJsonField("event", DEPTH);
      live.ws.send(binary ? frame : frame.toString("utf8"), { binary });
      const result = await live.done;
      assert.equal(result.finish?.reason, "error");
      assert.match(String(result.finish?.message), /deeper than 32 levels/);
    });
  }

  it("a realtime start whose request has a deep field: finish/error naming the depth", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    const inner = nestedMsgpackField("format", DEPTH);
    // {event: "start", request: {format: [[[…]]]}}
    const frame = Buffer.concat([
      Buffer.from([0x82, 0xa5]),
      Buffer.from("event"),
      Buffer.from([0xa5]),
      Buffer.from("start"),
      Buffer.from([0xa7]),
      Buffer.from("request"),
      inner,
    ]);
    live.ws.send(frame, { binary: true });
    const result = await live.done;
    assert.equal(result.finish?.reason, "error");
    assert.match(String(result.finish?.message), /deeper than 32 levels/);
  });

  it("an urlencoded body with more fields than the bound: 400", async () => {
    const res = await t.call("POST", "/model", {
      body: "a=1&".repeat(100_001),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const body = await errorBody(res);
    assert.equal(res.status, 400, body.message);
    assert.match(body.message, /more than 100000 fields/);
  });

  it("a value that is not a valid choice is described briefly, never serialised whole", async () => {
    const res = await t.call("POST", "/v1/tts", {
      body: JSON.stringify({ text: "hi", format: "x".repeat(10_000) }),
      headers: { "content-type": "application/json" },
    });
    const body = await errorBody(res);
    assert.equal(res.status, 422);
    assert.ok(body.message.length < 200, body.message);
  });
});

/** A 0.5 s 16 kHz silent WAV. */
function wav(): Buffer {
  const samples = 8000;
  const out = Buffer.alloc(44 + samples * 2);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write("WAVEfmt ", 8, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(16000, 24);
  out.writeUInt32LE(32000, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(samples * 2, 40);
  return out;
}
