import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { decodeAudio } from "../../../src/engines/codecs/decode.js";
import { createEngines, type LocalEngines } from "../../../src/engines/index.js";
import { AsrEngine, toTranscript } from "../../../src/engines/recognition/asr-engine.js";
import { EngineUnavailableError, type PcmChunk } from "../../../src/engines/types.js";
import { fixture } from "../../helpers/fixtures.js";
import { joinPcm, wordErrorRate } from "../fixtures.js";

const JFK_TEXT =
  "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country";
const SENTENCES = [
  "The weather today is sunny with a light breeze from the west.",
  "Please send the quarterly report to the finance team by Friday.",
  "She opened the window and listened to the birds singing outside.",
  "Our new speech server answers requests without any internet connection.",
  "He bought three apples, two oranges, and a loaf of fresh bread.",
];

let engines: LocalEngines;
let jfk: PcmChunk;
let firstJfkText: string | undefined;

before(async () => {
  engines = await createEngines();
  jfk = await decodeAudio(readFileSync(fixture("jfk.wav")));
});

after(async () => {
  await engines.close();
});

function assertSegments(result: {
  duration: number;
  segments: { text: string; start: number; end: number }[];
}) {
  assert.ok(result.segments.length > 0);
  let previousEnd = 0;
  for (const s of result.segments) {
    assert.ok(s.text.length > 0);
    assert.ok(
      s.start >= previousEnd,
      `segment starts ${s.start} before previous end ${previousEnd}`,
    );
    assert.ok(s.end > s.start);
    assert.ok(s.end <= result.duration + 1e-9, `segment ends ${s.end} after ${result.duration}`);
    previousEnd = s.end;
  }
}

describe("transcribe (pocketsphinx)", () => {
  it("transcribes jfk.wav with WER <= 0.35 and ordered segments within the duration", async () => {
    const result = await engines.transcribe(jfk, { timestamps: true });
    firstJfkText = result.text;
    const wer = wordErrorRate(JFK_TEXT, result.text);
    assert.ok(wer <= 0.35, `WER ${wer.toFixed(2)}: "${result.text}"`);
    assert.ok(Math.abs(result.duration - 11) < 0.01);
    assertSegments(result);
    assert.equal(result.segments.map((s) => s.text).join(" "), result.text);
  });

  it("is repeatable: the same audio gives the same words twice", async () => {
    const again = await engines.transcribe(jfk, { timestamps: false });
    assert.equal(again.text, firstJfkText);
    assert.deepEqual(again.segments, [], "no segments without timestamps");
  });

  it("round trip: flite rms speech is transcribed with WER <= 0.3", async () => {
    let errors = 0;
    let words = 0;
    for (const sentence of SENTENCES) {
      const chunks: PcmChunk[] = [];
      for await (const c of engines.synthesize(sentence, { voice: { engineVoiceId: "flite-rms" } }))
        chunks.push(c);
      const result = await engines.transcribe(joinPcm(chunks), { timestamps: true });
      const n = sentence.split(/\s+/).length;
      errors += wordErrorRate(sentence, result.text) * n;
      words += n;
      assertSegments(result);
    }
    assert.ok(errors / words <= 0.3, `WER ${(errors / words).toFixed(3)}`);
  });

  it("accepts PCM at other rates and queues concurrent requests", async () => {
    const [first, second] = SENTENCES;
    const speech = async (text: string) => {
      const chunks: PcmChunk[] = [];
      for await (const c of engines.synthesize(text, { voice: { engineVoiceId: "flite-rms" } }))
        chunks.push(c);
      return joinPcm(chunks);
    };
    const a = await speech(first!);
    const b = await speech(second!);
    // Through the wav encoder at 44.1 kHz, then back in as 44.1 kHz PCM.
    const enc = await engines.createEncoder({ format: "wav", sampleRate: 44100 });
    const wav = Buffer.concat([enc.write(a), enc.end()]);
    const at44k = {
      samples: new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length)),
      sampleRate: 44100,
    };
    const results = await Promise.all([
      engines.transcribe(at44k, { timestamps: true }),
      engines.transcribe(b, { timestamps: true }),
    ]);
    assert.ok(wordErrorRate(first!, results[0]!.text) <= 0.3, results[0]!.text);
    assert.ok(wordErrorRate(second!, results[1]!.text) <= 0.3, results[1]!.text);
    assert.ok(Math.abs(results[0]!.duration - a.samples.length / a.sampleRate) < 0.01);
  });

  it("returns empty text for silence and very short audio", async () => {
    const silence = await engines.transcribe(
      { samples: new Int16Array(16000), sampleRate: 16000 },
      { timestamps: true },
    );
    assert.equal(silence.text, "");
    assert.deepEqual(silence.segments, []);
    assert.equal(silence.duration, 1);
    const tiny = await engines.transcribe(
      { samples: new Int16Array(10), sampleRate: 16000 },
      { timestamps: true },
    );
    assert.equal(tiny.text, "");
  });

  it("cuts long audio into utterances at pauses and keeps word times on the original timeline", async () => {
    // jfk + 1 s pause + jfk = 23 s, with utterances of at most 15 s: the cut must land in the pause.
    const asr = new AsrEngine({ maxUtteranceSeconds: 15 });
    try {
      const gap = { samples: new Int16Array(16000), sampleRate: 16000 };
      const result = await asr.transcribe(joinPcm([jfk, gap, jfk]), { timestamps: true });
      assert.ok(Math.abs(result.duration - 23) < 0.01);
      assertSegments(result);
      assert.ok(result.segments.at(-1)!.end > 20, "words late in the audio keep their late times");
      assert.ok(
        result.segments.some((s) => s.start >= 12 && s.start < 14),
        "second copy starts after the pause",
      );
      assert.ok(wordErrorRate(`${JFK_TEXT} ${JFK_TEXT}`, result.text) <= 0.35, result.text);
    } finally {
      await asr.close();
    }
  });

  it("survives its worker being killed mid-request: the request is retried on a fresh decoder", async () => {
    const pool = engines.internals.asr.pool;
    const started = pool.started;
    const pending = engines.transcribe(jfk, { timestamps: false });
    await new Promise((r) => setTimeout(r, 100));
    for (const helper of pool.helpers()) helper.kill();
    const result = await pending;
    assert.ok(wordErrorRate(JFK_TEXT, result.text) <= 0.35, result.text);
    assert.ok(pool.started > started, "a new decoder was loaded");
  });

  it("says how to install pocketsphinx when the model is missing", async () => {
    const asr = new AsrEngine({ modelDir: "/nonexistent/pocketsphinx" });
    try {
      await assert.rejects(asr.transcribe(jfk, { timestamps: false }), (err: Error) => {
        assert.ok(err instanceof EngineUnavailableError);
        assert.match(err.message, /apt-get install pocketsphinx pocketsphinx-en-us/);
        return true;
      });
    } finally {
      await asr.close();
    }
  });
});

describe("toTranscript", () => {
  const words = [
    { word: "hello", start: 0.1, end: 0.5 },
    { word: "there", start: 0.52, end: 0.9 },
    { word: "general", start: 1.5, end: 2.0 },
    { word: "kenobi", start: 2.05, end: 2.6 },
  ];

  it("groups words into segments at pauses of 0.3 s or more", () => {
    const t = toTranscript(words, 3, true);
    assert.equal(t.text, "hello there general kenobi");
    assert.deepEqual(t.segments, [
      { text: "hello there", start: 0.1, end: 0.9 },
      { text: "general kenobi", start: 1.5, end: 2.6 },
    ]);
  });

  it("keeps every word with its own times (the compatibility protocols' word timings)", () => {
    assert.deepEqual(toTranscript(words, 3, true).words, [
      { text: "hello", start: 0.1, end: 0.5 },
      { text: "there", start: 0.52, end: 0.9 },
      { text: "general", start: 1.5, end: 2 },
      { text: "kenobi", start: 2.05, end: 2.6 },
    ]);
    assert.deepEqual(toTranscript(words, 3, false).words, []);
  });

  it("clamps times to the duration and omits segments without timestamps", () => {
    assert.equal(toTranscript(words, 2.4, true).segments.at(-1)!.end, 2.4);
    assert.deepEqual(toTranscript(words, 3, false).segments, []);
  });

  it("splits a long pause-free run of words at 12 s", () => {
    const run = Array.from({ length: 30 }, (_, i) => ({
      word: `w${i}`,
      start: i * 0.5,
      end: i * 0.5 + 0.45,
    }));
    const t = toTranscript(run, 16, true);
    assert.ok(t.segments.length >= 2);
    for (const s of t.segments) assert.ok(s.end - s.start <= 12);
  });
});
