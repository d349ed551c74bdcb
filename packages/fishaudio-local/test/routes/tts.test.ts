import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { errorBody, json, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

describe("POST /v1/tts", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ enableBenchmarkVoice: true });
  });
  after(() => t.close());

  it("speaks a msgpack request as streamed WAV with the right headers", async () => {
    const res = await t.call("POST", "/v1/tts", msgpack({ text: "Hello there.", format: "wav" }));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "audio/wav");
    assert.equal(res.headers.get("transfer-encoding"), "chunked");
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.toString("ascii", 0, 4), "RIFF");
    assert.equal(bytes.readUInt32LE(4), 4294967076);
    assert.ok(bytes.length > 44 + 1000);
  });

  it("accepts the Python SDK's 15-key body with ints for floats, kbps opus bitrate and a model header", async () => {
    const body = {
      text: "Hello",
      chunk_length: 200,
      format: "pcm",
      mp3_bitrate: 128,
      opus_bitrate: 32,
      references: [],
      normalize: true,
      latency: "balanced",
      top_p: 1,
      temperature: 0,
      max_new_tokens: 1024,
      repetition_penalty: 1.2,
      min_chunk_length: 50,
      condition_on_previous_chunks: true,
      early_stop_threshold: 1,
    };
    const { body: bytes, headers } = msgpack(body);
    const res = await t.call("POST", "/v1/tts", {
      body: bytes,
      headers: { ...headers, model: "s2-pro" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    assert.equal(res.headers.get("x-fish-model"), "s2-pro");
    await res.arrayBuffer();
    const last = t.server.usage().at(-1)!;
    assert.equal(last.kind, "tts");
    assert.equal(last.model, "s2-pro");
    assert.equal(last.units, 5);
  });

  it("treats nil as the default (PY legacy / TS undefined) and records a missing model as s2.1-pro", async () => {
    const res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "Hi", reference_id: null, prosody: null, sample_rate: null, format: null }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "audio/mpeg");
    await res.arrayBuffer();
    assert.equal(t.server.usage().at(-1)!.model, "s2.1-pro");
  });

  it("accepts JSON (the Go SDK) with base64 references and any unknown model name", async () => {
    const reference = Buffer.from(wavFile(tone(205, 0.5, 16000))).toString("base64");
    const res = await t.call("POST", "/v1/tts", {
      ...json({
        text: "Hello",
        format: "wav",
        prosody: { speed: 1.5 },
        references: [{ audio: reference, text: "a reference" }],
      }),
      headers: { "content-type": "application/json", model: "made-up-model" },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.equal(t.server.usage().at(-1)!.model, "made-up-model");
    const voice = t.engines.calls.at(-1)!.options.voice;
    assert.equal(voice.speed, 1.5);
    // The reference's pitch (205 Hz) picks the closest engine voice and becomes the target.
    assert.equal(voice.engineVoiceId, "fake-high");
    assert.ok(Math.abs(voice.pitchHz! - 205) < 5);
  });

  it("uses the named engine voice and picks a voice by script when none is named", async () => {
    let res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "Hi", reference_id: "fake-high", format: "pcm" }),
    );
    await res.arrayBuffer();
    assert.equal(t.engines.calls.at(-1)!.options.voice.engineVoiceId, "fake-high");
    res = await t.call("POST", "/v1/tts", msgpack({ text: "Привет", format: "pcm" }));
    await res.arrayBuffer();
    // No Russian fake voice: falls back to the default (first) voice.
    assert.equal(t.engines.calls.at(-1)!.options.voice.engineVoiceId, "fake-low");
  });

  it("speaks <|speaker:N|> dialogue with one voice per speaker", async () => {
    const before = t.engines.calls.length;
    const res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({
        text: "<|speaker:0|>Good morning!<|speaker:1|>Hello to you.<|speaker:0|>Bye.",
        reference_id: ["fake-low", "fake-high"],
        format: "pcm",
      }),
    );
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const calls = t.engines.calls.slice(before);
    assert.deepEqual(
      calls.map((c) => [c.text, c.options.voice.engineVoiceId]),
      [
        ["Good morning!", "fake-low"],
        ["Hello to you.", "fake-high"],
        ["Bye.", "fake-low"],
      ],
    );
  });

  it("streams: the first sentence arrives while the second is still held back", async () => {
    let release!: () => void;
    t.engines.gate = new Promise((r) => {
      release = r;
    });
    try {
      const res = await t.call(
        "POST",
        "/v1/tts",
        msgpack({ text: "One two three. Four five six.", format: "pcm" }),
      );
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      assert.ok(
        first.value && first.value.length > 0,
        "got audio before the second sentence was made",
      );
      release();
      let total = first.value.length;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
      }
      // 3 + 3 words at 0.1 s per word, 16 kHz, 2 bytes per sample.
      assert.equal(total, 2 * Math.round(0.3 * 16000) * 2);
    } finally {
      t.engines.gate = undefined;
    }
  });

  it("stops synthesising when the client disconnects", async () => {
    let release!: () => void;
    t.engines.gate = new Promise((r) => {
      release = r;
    });
    try {
      const abort = new AbortController();
      const res = await fetch(`${t.server.url}/v1/tts`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${t.server.apiKey}`,
          "content-type": "application/msgpack",
        },
        body: msgpack({ text: "One. Two. Three.", format: "pcm" }).body,
        signal: abort.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      const call = t.engines.calls.at(-1)!;
      abort.abort();
      await new Promise((r) => setTimeout(r, 100));
      release();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(call.aborted, true);
    } finally {
      t.engines.gate = undefined;
    }
  });

  it("an engine that fails before any audio gives 503 and refunds the charge", async () => {
    const before = t.server.getCredits(t.server.userId);
    const entries = t.server.usage().length;
    const res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "ENGINE-DOWN now", format: "wav" }),
    );
    assert.equal(res.status, 503);
    assert.match((await errorBody(res)).message, /unavailable/);
    assert.equal(t.server.getCredits(t.server.userId), before);
    assert.equal(t.server.usage().length, entries);
  });

  it("an encoder that fails on the first audio gives a JSON error status, not a dropped connection", async () => {
    const before = t.server.getCredits(t.server.userId);
    const res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "ENCODER-FAIL now", format: "wav" }),
    );
    assert.ok(res.status >= 500, `status ${res.status}`);
    const body = await errorBody(res);
    assert.equal(body.status, res.status);
    assert.equal(t.server.getCredits(t.server.userId), before, "the charge is refunded");
  });

  it("serves the benchmark voice: exactly N bytes of PCM, and a WAV header plus N for wav", async () => {
    let res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "1000001", reference_id: "benchmark", format: "pcm" }),
    );
    assert.equal(res.status, 200);
    assert.equal((await res.arrayBuffer()).byteLength, 1000001);
    res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "300000", reference_id: "benchmark", format: "wav" }),
    );
    const wav = Buffer.from(await res.arrayBuffer());
    assert.equal(wav.length, 300044);
    assert.equal(wav.toString("ascii", 0, 4), "RIFF");
    res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "ten", reference_id: "benchmark", format: "pcm" }),
    );
    assert.equal(res.status, 422);
    assert.match((await errorBody(res)).message, /decimal byte count/);
    res = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "10", reference_id: "benchmark", format: "mp3" }),
    );
    assert.equal(res.status, 422);
  });

  describe("rejects bad input with {status, message}", () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      ["missing text", { format: "wav" }, 422, /'text'/],
      ["empty text", { text: "  " }, 422, /'text'/],
      ["text not a string", { text: 5 }, 422, /'text' must be a string/],
      ["unknown format", { text: "a", format: "flac" }, 422, /'format'/],
      ["temperature out of range", { text: "a", temperature: 2 }, 422, /'temperature'/],
      ["temperature as a string", { text: "a", temperature: "0.5" }, 422, /'temperature'/],
      ["chunk_length too small", { text: "a", chunk_length: 50 }, 422, /'chunk_length'/],
      ["chunk_length fractional", { text: "a", chunk_length: 150.5 }, 422, /integer/],
      ["bad sample rate", { text: "a", format: "mp3", sample_rate: 12345 }, 422, /'sample_rate'/],
      [
        "wav sample rate too low",
        { text: "a", format: "wav", sample_rate: 100 },
        422,
        /8000 to 48000/,
      ],
      ["bad opus bitrate", { text: "a", opus_bitrate: 5 }, 422, /'opus_bitrate'/],
      ["bad latency", { text: "a", latency: "fast" }, 422, /'latency'/],
      ["speed out of range", { text: "a", prosody: { speed: 3 } }, 422, /'speed'/],
      ["prosody not an object", { text: "a", prosody: 1 }, 422, /'prosody'/],
      ["reference_id not a string", { text: "a", reference_id: 7 }, 422, /'reference_id'/],
      ["references not a list", { text: "a", references: "x" }, 422, /'references'/],
      ["reference without audio", { text: "a", references: [{ text: "x" }] }, 422, /audio/],
      ["unknown voice", { text: "a", reference_id: "nope" }, 404, /not found/],
      ["array body", ["text"], 400, /object/],
    ];
    for (const [name, body, status, message] of cases) {
      it(name, async () => {
        const res = await t.call("POST", "/v1/tts", msgpack(body));
        assert.equal(res.status, status);
        assert.match((await errorBody(res)).message, message);
      });
    }

    it("undecodable msgpack and JSON bodies are 400", async () => {
      let res = await t.call("POST", "/v1/tts", {
        body: new Uint8Array([0xc1, 0xff]),
        headers: { "content-type": "application/msgpack" },
      });
      assert.equal(res.status, 400);
      assert.match((await errorBody(res)).message, /MessagePack/);
      res = await t.call("POST", "/v1/tts", {
        body: "{nope",
        headers: { "content-type": "application/json" },
      });
      assert.equal(res.status, 400);
      assert.match((await errorBody(res)).message, /JSON/);
    });

    it("an unsupported content type is 415; an empty body is 400", async () => {
      let res = await t.call("POST", "/v1/tts", {
        body: "text=hi",
        headers: { "content-type": "text/plain" },
      });
      assert.equal(res.status, 415);
      assert.match((await errorBody(res)).message, /application\/msgpack/);
      res = await t.call("POST", "/v1/tts", {
        body: "",
        headers: { "content-type": "application/msgpack" },
      });
      assert.equal(res.status, 400);
      await errorBody(res);
    });

    it("an inline reference that is not audio is 400", async () => {
      const res = await t.call(
        "POST",
        "/v1/tts",
        msgpack({ text: "a", references: [{ audio: new Uint8Array([1, 2, 3, 4]), text: "x" }] }),
      );
      assert.equal(res.status, 400);
      await errorBody(res);
    });

    it("every response carries a request id, and CORS preflights are answered", async () => {
      const res = await t.call("GET", "/model/fake-low");
      assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f]{16}$/);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      await res.arrayBuffer();
      const preflight = await t.call("OPTIONS", "/v1/tts", { key: null });
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /model/);
    });

    it("a wrong method is 405 and an unknown route 404", async () => {
      let res = await t.call("GET", "/v1/tts");
      assert.equal(res.status, 405);
      await errorBody(res);
      res = await t.call("GET", "/v2/whatever");
      assert.equal(res.status, 404);
      await errorBody(res);
    });
  });
});
