import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { errorBody, json, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

describe("POST /v1/asr", () => {
  let t: TestServer;
  const audio = wavFile(tone(150, 2, 16000));
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("takes msgpack (Python SDK) and returns text, duration in seconds and segments", async () => {
    const res = await t.call("POST", "/v1/asr", msgpack({ audio, ignore_timestamps: false }));
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.text, "fake transcript of 32000 samples");
    assert.equal(body.duration, 2);
    assert.deepEqual(body.segments, [{ text: "fake transcript", start: 0, end: 2 }]);
    const usage = t.server.usage().at(-1)!;
    assert.equal(usage.kind, "asr");
    assert.equal(usage.units, 2);
  });

  it("takes multipart (Go/TS SDKs) with any file name; segments default to [] (ignore_timestamps true)", async () => {
    const form = new FormData();
    form.append("audio", new Blob([audio]), "audio.mp3");
    form.append("language", "en");
    const res = await t.call("POST", "/v1/asr", { body: form });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(body.segments, []);
    assert.equal(body.duration, 2);
  });

  it("nil language and nil ignore_timestamps (legacy SDK) use the defaults", async () => {
    const res = await t.call(
      "POST",
      "/v1/asr",
      msgpack({ audio, language: null, ignore_timestamps: null }),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { segments: unknown[] }).segments, []);
  });

  it("multipart ignore_timestamps=false gives segments", async () => {
    const form = new FormData();
    form.append("audio", new Blob([audio]), "blob");
    form.append("ignore_timestamps", "false");
    const res = await t.call("POST", "/v1/asr", { body: form });
    assert.equal(((await res.json()) as { segments: unknown[] }).segments.length, 1);
  });

  describe("rejects", () => {
    it("JSON bodies with 400 (as the cloud does)", async () => {
      const res = await t.call(
        "POST",
        "/v1/asr",
        json({ audio: Buffer.from(audio).toString("base64") }),
      );
      assert.equal(res.status, 400);
      assert.match((await errorBody(res)).message, /multipart\/form-data or application\/msgpack/);
    });
    it("a missing audio field with 422", async () => {
      const res = await t.call("POST", "/v1/asr", msgpack({ language: "en" }));
      assert.equal(res.status, 422);
      assert.match((await errorBody(res)).message, /'audio'/);
    });
    it("audio that is a string in msgpack with 422", async () => {
      const res = await t.call("POST", "/v1/asr", msgpack({ audio: "not base64!!" }));
      assert.equal(res.status, 422);
      await errorBody(res);
    });
    it("bytes that are not audio with 400", async () => {
      const res = await t.call(
        "POST",
        "/v1/asr",
        msgpack({ audio: new Uint8Array([1, 2, 3, 4, 5]) }),
      );
      assert.equal(res.status, 400);
      assert.match((await errorBody(res)).message, /'audio' could not be decoded/);
    });
    it("a decoder failure on hostile bytes with 400, not 500", async () => {
      const res = await t.call(
        "POST",
        "/v1/asr",
        msgpack({ audio: new TextEncoder().encode("BOOM and more") }),
      );
      assert.equal(res.status, 400);
      await errorBody(res);
    });
    it("a WAV header with an absurd sample rate with 400, before decoding", async () => {
      const wav = Buffer.from(audio);
      wav.writeUInt32LE(1, 24);
      const before = t.engines.transcribeCalls;
      const res = await t.call("POST", "/v1/asr", msgpack({ audio: wav }));
      assert.equal(res.status, 400);
      assert.match((await errorBody(res)).message, /sample rate of 1 Hz/);
      assert.equal(t.engines.transcribeCalls, before);
    });
    it("audio longer than maxAudioSeconds with 413", async () => {
      const long = await startTestServer({ maxAudioSeconds: 1 });
      try {
        const res = await long.call("POST", "/v1/asr", msgpack({ audio }));
        assert.equal(res.status, 413);
        assert.match((await errorBody(res)).message, /2 s of audio; the limit is 1 s/);
      } finally {
        await long.close();
      }
    });
    it("an empty audio file with 400", async () => {
      const res = await t.call("POST", "/v1/asr", msgpack({ audio: new Uint8Array(0) }));
      assert.equal(res.status, 400);
      await errorBody(res);
    });
    it("an audio text field in multipart with 422", async () => {
      const form = new FormData();
      form.append("audio", "just text");
      const res = await t.call("POST", "/v1/asr", { body: form });
      assert.equal(res.status, 422);
      await errorBody(res);
    });
    it("a non-boolean ignore_timestamps with 422", async () => {
      const res = await t.call("POST", "/v1/asr", msgpack({ audio, ignore_timestamps: "maybe" }));
      assert.equal(res.status, 422);
      await errorBody(res);
    });
    it("a truncated multipart body with 400", async () => {
      const res = await t.call("POST", "/v1/asr", {
        body: '--xyz\r\nContent-Disposition: form-data; name="audio"; filename="a"\r\n\r\nabc',
        headers: { "content-type": "multipart/form-data; boundary=xyz" },
      });
      assert.ok(res.status === 400 || res.status === 422, `status ${res.status}`);
      await errorBody(res);
    });
    it("multipart without a boundary with 400", async () => {
      const res = await t.call("POST", "/v1/asr", {
        body: "whatever",
        headers: { "content-type": "multipart/form-data" },
      });
      assert.equal(res.status, 400);
      await errorBody(res);
    });
    it("an engine without ASR with 503", async () => {
      t.engines.asrAvailable = false;
      try {
        const res = await t.call("POST", "/v1/asr", msgpack({ audio }));
        assert.equal(res.status, 503);
        await errorBody(res);
      } finally {
        t.engines.asrAvailable = true;
      }
    });
  });
});
