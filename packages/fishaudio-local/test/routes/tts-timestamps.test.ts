import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorBody, json, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

interface Event {
  audio_base64: string;
  content: string;
  alignment: {
    segments: { text: string; start: number; end: number }[];
    audio_duration: number;
  } | null;
  chunk_seq: number;
  chunk_audio_offset_sec: number;
}

/** Parses an SSE body into its `message` events' JSON payloads. */
function parseSse(text: string): Event[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      assert.ok(lines.includes("event: message"), block);
      const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
      return JSON.parse(data.join("\n")) as Event;
    });
}

/** Latest snapshot per chunk, made absolute: the words a client ends up with. */
function words(events: Event[]) {
  const latest = new Map<number, Event>();
  for (const e of events) if (e.alignment) latest.set(e.chunk_seq, e);
  return [...latest.values()]
    .sort((a, b) => a.chunk_seq - b.chunk_seq)
    .flatMap((e) =>
      e.alignment!.segments.map((s) => ({
        text: s.text,
        start: +(e.chunk_audio_offset_sec + s.start).toFixed(3),
        end: +(e.chunk_audio_offset_sec + s.end).toFixed(3),
      })),
    );
}

describe("POST /v1/tts/stream/with-timestamp", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ enableBenchmarkVoice: true });
  });
  after(() => t.close());

  it("streams SSE message events whose audio concatenates to the format and whose words carry engine times", async () => {
    const res = await t.call(
      "POST",
      "/v1/tts/stream/with-timestamp",
      msgpack({ text: "Hello there. How are you?", format: "pcm" }),
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
    const events = parseSse(await res.text());
    assert.ok(events.length >= 1);
    for (const e of events) {
      assert.deepEqual(Object.keys(e).sort(), [
        "alignment",
        "audio_base64",
        "chunk_audio_offset_sec",
        "chunk_seq",
        "content",
      ]);
    }
    const audio = Buffer.concat(events.map((e) => Buffer.from(e.audio_base64, "base64")));
    // The fake engine speaks 0.1 s per word at 16 kHz s16: 5 words.
    assert.equal(audio.length, 2 * Math.round(0.2 * 16000) + 2 * Math.round(0.3 * 16000));
    assert.deepEqual(words(events), [
      { text: "Hello", start: 0, end: 0.1 },
      { text: "there", start: 0.1, end: 0.2 },
      { text: "How", start: 0.2, end: 0.3 },
      { text: "are", start: 0.3, end: 0.4 },
      { text: "you", start: 0.4, end: 0.5 },
    ]);
    const last = events.at(-1)!;
    assert.equal(last.content, "Hello there. How are you?");
    assert.equal(last.alignment!.audio_duration, 0.5);
  });

  it("sends a piece's audio before the engine has timed its words, and every chunk's words after", async () => {
    let release!: () => void;
    t.engines.wordsGate = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const res = await t.call(
        "POST",
        "/v1/tts/stream/with-timestamp",
        msgpack({
          text: "<|speaker:0|>Hello there.<|speaker:1|>How are you?",
          reference_id: ["fake-low", "fake-high"],
          format: "pcm",
        }),
      );
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      // Read until the first whole event: the words of its piece are still held by the engine.
      while (!text.includes("\n\n")) {
        const { done, value } = await reader.read();
        assert.ok(!done, "the stream ended before its first event");
        text += decoder.decode(value, { stream: true });
      }
      const [first] = parseSse(text.slice(0, text.indexOf("\n\n")));
      assert.equal(first!.chunk_seq, 0);
      assert.equal(Buffer.from(first!.audio_base64, "base64").length, 2 * Math.round(0.2 * 16000));
      assert.deepEqual(first!.alignment?.segments ?? [], []);
      release();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      const events = parseSse(text);
      assert.deepEqual(words(events), [
        { text: "Hello", start: 0, end: 0.1 },
        { text: "there", start: 0.1, end: 0.2 },
        { text: "How", start: 0.2, end: 0.3 },
        { text: "are", start: 0.3, end: 0.4 },
        { text: "you", start: 0.4, end: 0.5 },
      ]);
      // Each chunk's words come after all its audio, in an event of their own chunk.
      for (const seq of [0, 1]) {
        const ofChunk = events.filter((e) => e.chunk_seq === seq);
        const lastAudio = ofChunk.map((e) => e.audio_base64 !== "").lastIndexOf(true);
        const firstWords = ofChunk.findIndex((e) => (e.alignment?.segments.length ?? 0) > 0);
        assert.ok(firstWords > lastAudio, JSON.stringify(ofChunk.map((e) => e.alignment)));
        assert.equal(ofChunk.at(-1)!.alignment!.audio_duration, seq === 0 ? 0.2 : 0.3);
      }
      const audio = Buffer.concat(events.map((e) => Buffer.from(e.audio_base64, "base64")));
      assert.equal(audio.length, 2 * Math.round(0.2 * 16000) + 2 * Math.round(0.3 * 16000));
    } finally {
      t.engines.wordsGate = undefined;
      release();
    }
  });

  it("replaces, never appends: each snapshot of a chunk holds all its words so far", async () => {
    const res = await t.call(
      "POST",
      "/v1/tts/stream/with-timestamp",
      json({ text: "One two. Three four. Five six.", format: "wav" }),
    );
    const events = parseSse(await res.text());
    const snapshots = events.filter((e) => e.alignment).map((e) => e.alignment!.segments.length);
    for (let i = 1; i < snapshots.length; i++) assert.ok(snapshots[i]! >= snapshots[i - 1]!);
    assert.equal(snapshots.at(-1), 6);
    const wav = Buffer.concat(events.map((e) => Buffer.from(e.audio_base64, "base64")));
    assert.equal(wav.toString("ascii", 0, 4), "RIFF");
  });

  it("speaks each speaker of a dialogue in turn, one chunk per turn, offsets adding up", async () => {
    const res = await t.call(
      "POST",
      "/v1/tts/stream/with-timestamp",
      msgpack({
        text: "<|speaker:0|>Good morning!<|speaker:1|>Morning to you.",
        reference_id: ["fake-low", "fake-high"],
        format: "pcm",
      }),
    );
    const events = parseSse(await res.text());
    const calls = t.engines.calls.slice(-2);
    assert.deepEqual(
      calls.map((c) => [c.text.trim(), c.options.voice.engineVoiceId]),
      [
        ["Good morning!", "fake-low"],
        ["Morning to you.", "fake-high"],
      ],
    );
    assert.deepEqual([...new Set(events.map((e) => e.chunk_seq))], [0, 1]);
    assert.equal(events.find((e) => e.chunk_seq === 1)!.chunk_audio_offset_sec, 0.2);
    assert.deepEqual(
      words(events).map((w) => [w.text, w.start]),
      [
        ["Good", 0],
        ["morning", 0.1],
        ["Morning", 0.2],
        ["to", 0.3],
        ["you", 0.4],
      ],
    );
  });

  it("never speaks cues: the engines get the words only, and a pause is silence in the audio", async () => {
    const res = await t.call(
      "POST",
      "/v1/tts/stream/with-timestamp",
      msgpack({
        text: "[whispering] Come here. [pause] (angry) Go [laughing] away.",
        format: "pcm",
      }),
    );
    const events = parseSse(await res.text());
    const spoken = t.engines.calls.slice(-2).map((c) => c.text.replace(/\s+/g, " ").trim());
    assert.deepEqual(spoken, ["Come here.", "Go away."]);
    for (const e of events) assert.doesNotMatch(e.content, /whisper|pause|angry|laugh/);
    const list = words(events);
    assert.deepEqual(
      list.map((w) => w.text),
      ["Come", "here", "Go", "away"],
    );
    // "Come here." then half a second of silence before "Go".
    assert.ok(Math.abs(list[2]!.start - (0.2 + 0.5)) < 0.01, JSON.stringify(list));
  });

  it("is charged like /v1/tts", async () => {
    const before = t.server.usage().length;
    const res = await t.call(
      "POST",
      "/v1/tts/stream/with-timestamp",
      msgpack({ text: "Charge me.", format: "mp3" }),
    );
    await res.text();
    const usage = t.server.usage();
    assert.equal(usage.length, before + 1);
    assert.equal(usage.at(-1)!.kind, "tts");
    assert.equal(usage.at(-1)!.units, "Charge me.".length);
  });

  it("answers client mistakes as /v1/tts does, with {status, message}", async () => {
    let res = await t.call("POST", "/v1/tts/stream/with-timestamp", msgpack({ text: "" }));
    assert.equal(res.status, 422);
    assert.match((await errorBody(res)).message, /text/);
    res = await t.call(
      "POST",
      "/v1/tts/stream/with-timestamp",
      msgpack({ text: "Hi", reference_id: "no-such-voice" }),
    );
    assert.equal(res.status, 404);
    await errorBody(res);
    res = await t.call("POST", "/v1/tts/stream/with-timestamp", {
      ...msgpack({ text: "Hi" }),
      key: null,
    });
    assert.equal(res.status, 401);
    await errorBody(res);
    res = await t.call("GET", "/v1/tts/stream/with-timestamp");
    assert.equal(res.status, 405);
    await errorBody(res);
    res = await t.call(
      "POST",
      "/v1/tts/stream/with-timestamp",
      msgpack({ text: "1000", reference_id: "benchmark", format: "wav" }),
    );
    assert.equal(res.status, 422);
    await errorBody(res);
  });
});
