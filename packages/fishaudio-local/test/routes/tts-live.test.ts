import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { openLive } from "../helpers/live.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

/** The Python SDK's start event: 18 keys, nils included (protocol 12.2). */
const PY_START = {
  event: "start",
  request: {
    text: "",
    chunk_length: 200,
    format: "pcm",
    sample_rate: null,
    mp3_bitrate: 128,
    opus_bitrate: 32,
    references: [],
    reference_id: null,
    normalize: true,
    latency: "balanced",
    prosody: null,
    top_p: 0.7,
    temperature: 0.7,
    max_new_tokens: 1024,
    repetition_penalty: 1.2,
    min_chunk_length: 50,
    condition_on_previous_chunks: true,
    early_stop_threshold: 1.0,
  },
};

describe("WS /v1/tts/live", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ enableBenchmarkVoice: true });
  });
  after(() => t.close());

  it("speaks start/text/stop from the Python SDK and ends with finish/stop then close", async () => {
    const live = await openLive(t.server.url, t.server.apiKey, { model: "s1" });
    live.send(PY_START);
    live.send({ event: "text", text: "Hello there. " });
    live.send({ event: "text", text: "How are you" });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.deepEqual(result.finish, { event: "finish", reason: "stop" });
    assert.equal(result.events.at(-1), "finish:stop");
    assert.equal(result.closeCode, 1000);
    // "Hello there." (2 words) and "How are you" (3 words) at 0.1 s per word, 16 kHz s16.
    assert.equal(result.audio.length, 2 * Math.round(0.2 * 16000) + 2 * Math.round(0.3 * 16000));
    const texts = t.engines.calls.slice(-2).map((c) => c.text.trim());
    assert.deepEqual(texts, ["Hello there.", "How are you"]);
    const usage = t.server
      .usage()
      .filter((u) => u.kind === "tts-live")
      .at(-1)!;
    assert.equal(usage.model, "s1");
  });

  it("synthesises a finished sentence before stop, and flush forces the rest of the buffer", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({ event: "start", request: { text: "", format: "pcm" } });
    let audio = live.nextAudio();
    live.send({ event: "text", text: "First sentence here. And then" });
    await audio; // arrived with no stop and no flush: the sentence end triggered it
    assert.equal(t.engines.calls.at(-1)!.text.trim(), "First sentence here.");
    audio = live.nextAudio();
    live.send({ event: "flush" });
    await audio;
    assert.equal(t.engines.calls.at(-1)!.text.trim(), "And then");
    live.send({ event: "stop" });
    assert.equal((await live.done).finish?.reason, "stop");
  });

  it("clones from inline references in start (matched by pitch)", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    const reference = wavFile(tone(210, 0.5, 16000));
    live.send({
      event: "start",
      request: { text: "", format: "pcm", references: [{ audio: reference, text: "ref" }] },
    });
    live.send({ event: "text", text: "Hello." });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.equal(result.finish?.reason, "stop");
    assert.equal(t.engines.calls.at(-1)!.options.voice.engineVoiceId, "fake-high");
  });

  it("speaks dialogue per speaker across text events and never speaks cues", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({
      event: "start",
      request: { text: "", format: "pcm", reference_id: ["fake-low", "fake-high"] },
    });
    live.send({ event: "text", text: "<|speaker:0|>[whispering] Come here. " });
    live.send({ event: "text", text: "<|speaker:1|>(angry) No way. [pause] Not " });
    live.send({ event: "text", text: "today [laughing]." });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.equal(result.finish?.reason, "stop");
    const calls = t.engines.calls.slice(-3);
    assert.deepEqual(
      calls.map((c) => [c.text.replace(/\s+/g, " ").trim(), c.options.voice.engineVoiceId]),
      [
        ["Come here.", "fake-low"],
        ["No way.", "fake-high"],
        ["Not today .", "fake-high"],
      ],
    );
  });

  it("an empty session (start then stop) still gets finish/stop", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({ event: "start", request: { text: "" } });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.equal(result.frames, 0);
    assert.deepEqual(result.finish, { event: "finish", reason: "stop" });
  });

  it("ignores unknown events and speaks a non-empty start.request.text", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({ event: "start", request: { text: "Opening words", format: "pcm" } });
    live.send({ event: "hello", whatever: 1 });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.equal(result.finish?.reason, "stop");
    assert.equal(result.audio.length, 2 * Math.round(0.2 * 16000));
  });

  it("keeps every frame under 64 KiB (benchmark voice, 1 MB of audio)", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({ event: "start", request: { text: "", format: "pcm", reference_id: "benchmark" } });
    live.send({ event: "text", text: "1000000" });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.equal(result.audio.length, 1_000_000);
    assert.ok(result.maxFrameBytes < 65536, `largest frame ${result.maxFrameBytes}`);
    assert.equal(result.finish?.reason, "stop");
  });

  it("wav over the socket has one header, then the samples", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    live.send({ event: "start", request: { text: "", format: "wav", reference_id: "benchmark" } });
    live.send({ event: "text", text: "1000" });
    live.send({ event: "flush" });
    live.send({ event: "text", text: "2000" });
    live.send({ event: "stop" });
    const result = await live.done;
    assert.equal(result.audio.length, 44 + 3000);
    assert.equal(result.audio.toString("ascii", 0, 4), "RIFF");
  });

  it("echoes the model header on the upgrade response", async () => {
    const ws = new WebSocket(`${t.server.url.replace("http", "ws")}/v1/tts/live`, {
      headers: { authorization: `Bearer ${t.server.apiKey}`, model: "s2-pro" },
    });
    const header = await new Promise<string | undefined>((resolve) =>
      ws.once("upgrade", (res) => resolve(res.headers["x-fish-model"] as string | undefined)),
    );
    assert.equal(header, "s2-pro");
    ws.terminate();
  });

  it("answers pings", async () => {
    const live = await openLive(t.server.url, t.server.apiKey);
    const pong = new Promise<Buffer>((resolve) => live.ws.once("pong", resolve));
    live.ws.ping(Buffer.from("are you there"));
    assert.equal((await pong).toString(), "are you there");
    live.send({ event: "start", request: { text: "" } });
    live.send({ event: "stop" });
    await live.done;
  });

  it("a server that shuts down ends open sessions with finish/error", async () => {
    const other = await startTestServer();
    const live = await openLive(other.server.url, other.server.apiKey);
    live.send({ event: "start", request: { text: "" } });
    await other.close();
    const result = await live.done;
    assert.equal(result.finish?.reason, "error");
    assert.match(String(result.finish?.message), /shutting down/);
  });

  describe("errors", () => {
    it("refuses a bad key with a plain HTTP 401 JSON body before upgrading", async () => {
      await assert.rejects(
        openLive(t.server.url, "wrong-key"),
        (error: Error & { status?: number; body?: string }) => {
          assert.equal(error.status, 401);
          assert.deepEqual(Object.keys(JSON.parse(error.body!)).sort(), ["message", "status"]);
          return true;
        },
      );
    });

    it("a first message other than start gets finish/error with a message", async () => {
      const live = await openLive(t.server.url, t.server.apiKey);
      live.send({ event: "text", text: "hi" });
      const result = await live.done;
      assert.equal(result.finish?.reason, "error");
      assert.match(String(result.finish?.message), /start/);
    });

    it("a bad start request gets finish/error naming the field", async () => {
      const live = await openLive(t.server.url, t.server.apiKey);
      live.send({ event: "start", request: { text: "", format: "flac" } });
      const result = await live.done;
      assert.equal(result.finish?.reason, "error");
      assert.match(String(result.finish?.message), /'format'/);
    });

    it("an unknown voice gets finish/error", async () => {
      const live = await openLive(t.server.url, t.server.apiKey);
      live.send({ event: "start", request: { text: "", reference_id: "missing-voice" } });
      const result = await live.done;
      assert.equal(result.finish?.reason, "error");
      assert.match(String(result.finish?.message), /not found/);
    });

    it("a frame that is not msgpack gets finish/error", async () => {
      const live = await openLive(t.server.url, t.server.apiKey);
      live.ws.send(Buffer.from([0xc1]));
      const result = await live.done;
      assert.equal(result.finish?.reason, "error");
    });

    it("a benchmark text that is not a number gets finish/error", async () => {
      const live = await openLive(t.server.url, t.server.apiKey);
      live.send({
        event: "start",
        request: { text: "", format: "pcm", reference_id: "benchmark" },
      });
      live.send({ event: "text", text: "lots" });
      live.send({ event: "stop" });
      const result = await live.done;
      assert.equal(result.finish?.reason, "error");
      assert.match(String(result.finish?.message), /byte count/);
    });

    it("a client that goes away mid-synthesis stops it", async () => {
      let release!: () => void;
      t.engines.gate = new Promise((r) => {
        release = r;
      });
      try {
        const live = await openLive(t.server.url, t.server.apiKey);
        live.send({ event: "start", request: { text: "", format: "pcm" } });
        const audio = live.nextAudio();
        live.send({ event: "text", text: "One|Two|Three" });
        live.send({ event: "flush" });
        await audio;
        const call = t.engines.calls.at(-1)!;
        live.ws.terminate();
        await live.done;
        await new Promise((r) => setTimeout(r, 50));
        release();
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(call.aborted, true);
      } finally {
        t.engines.gate = undefined;
      }
    });

    it("an unknown WebSocket path is a 404", async () => {
      const ws = new WebSocket(`${t.server.url.replace("http", "ws")}/v1/other`, {
        headers: { authorization: `Bearer ${t.server.apiKey}` },
      });
      const status = await new Promise<number>((resolve) =>
        ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
      );
      assert.equal(status, 404);
    });

    it("a GET without upgrade is told to use a WebSocket (426)", async () => {
      const res = await t.call("GET", "/v1/tts/live");
      assert.equal(res.status, 426);
      await res.json();
    });
  });
});
