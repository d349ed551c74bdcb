import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createEngines, type LocalEngines } from "../../../src/engines/index.js";
import { type EspeakEvent, espeakWordTimings } from "../../../src/engines/speech/espeak-timings.js";
import {
  fliteWordTimings,
  parsePhoneGroups,
  parseSegmentEnds,
} from "../../../src/engines/speech/flite-timings.js";
import { wordSpans } from "../../../src/engines/speech/words.js";
import type { WordTiming } from "../../../src/engines/types.js";
import { energyOnsetAfter } from "../../helpers/onsets.js";
import { joinPcm } from "../fixtures.js";

describe("wordSpans", () => {
  it("trims punctuation around words, keeps it inside, and counts code points", () => {
    assert.deepEqual(wordSpans("«Grüße», Smith's — 21!"), [
      { text: "Grüße", start: 1, end: 6 },
      { text: "Smith's", start: 9, end: 16 },
      { text: "21", start: 19, end: 21 },
    ]);
  });
});

describe("flite timings", () => {
  const psdur =
    "pau:0.100 hh:0.200 ax:0.250 l:0.400 ow:0.600 pau:0.900 w:1.000 er:1.100 l:1.150 d:1.200";

  it("turns end times into spans and keeps counting across utterances", () => {
    const segments = parseSegmentEnds("pau:0.1 a:0.3 pau:0.4 pau:0.1 b:0.2");
    assert.deepEqual(
      segments.map((s) => [s.phone, s.start, Number(s.end.toFixed(3))]),
      [
        ["pau", 0, 0.1],
        ["a", 0.1, 0.3],
        ["pau", 0.3, 0.4],
        ["pau", 0.4, 0.5],
        ["b", 0.5, 0.6],
      ],
    );
  });

  it("gives each word its own segments, skipping pauses", () => {
    const groups = parsePhoneGroups("pau hh ax l ow pau w er l d pau");
    const words = fliteWordTimings(["Hello", "world"], parseSegmentEnds(psdur), groups);
    assert.deepEqual(words, [
      { text: "Hello", start: 0.1, end: 0.6 },
      { text: "world", start: 0.9, end: 1.2 },
    ]);
  });

  it("aligns a word pronounced differently in context by edit distance", () => {
    // "Dr" alone is "drive" (d r ay v); in context flite said "doctor" (d aa k t er).
    const segments = parseSegmentEnds(
      "pau:0.1 d:0.2 aa:0.3 k:0.35 t:0.4 er:0.5 s:0.6 m:0.7 ih:0.8 th:0.9 pau:1.0",
    );
    const groups = parsePhoneGroups("pau d r ay v pau s m ih th pau");
    const words = fliteWordTimings(["Dr", "Smith"], segments, groups);
    assert.equal(words[0]!.start, 0.1);
    assert.equal(words[0]!.end, 0.5);
    assert.equal(words[1]!.start, 0.5);
    assert.equal(words[1]!.end, 0.9);
  });

  it("shares phones by word length when the per-word pass does not match the words", () => {
    const words = fliteWordTimings(["Hello", "world"], parseSegmentEnds(psdur), []);
    assert.equal(words.length, 2);
    assert.equal(words[0]!.start, 0.1);
    assert.ok(words[1]!.start >= words[0]!.end);
    assert.equal(words[1]!.end, 1.2);
  });
});

describe("espeak timings", () => {
  it("starts a word at its first phoneme, ends it at the pause, merges split words", () => {
    const events: EspeakEvent[] = [
      { type: "word", text_position: 1, audio_position: 0 },
      { type: "phoneme", text_position: 1, audio_position: 11, id: "h" },
      { type: "phoneme", text_position: 1, audio_position: 184, id: "oʊ" },
      { type: "phoneme", text_position: 1, audio_position: 290, id: "" },
      { type: "word", text_position: 8, audio_position: 400 },
      { type: "phoneme", text_position: 8, audio_position: 410, id: "t" },
      { type: "word", text_position: 9, audio_position: 700 },
      { type: "phoneme", text_position: 9, audio_position: 710, id: "w" },
      { type: "end", text_position: 10, audio_position: 900 },
    ];
    assert.deepEqual(espeakWordTimings("Hello, 21", events, 1), [
      { text: "Hello", start: 0.011, end: 0.29 },
      { text: "21", start: 0.41, end: 0.9 },
    ]);
  });
});

describe("engine word timings against the audio", () => {
  let engines: LocalEngines;
  before(async () => {
    engines = await createEngines();
  });
  after(async () => {
    await engines.close();
  });

  /** Speaks with timings; returns the PCM, the words on the audio's own clock, and the chunks. */
  async function speakTimed(text: string, engineVoiceId: string, wordsAfterAudio = false) {
    const chunks = [];
    const words: WordTiming[] = [];
    let at = 0;
    for await (const chunk of engines.synthesize(text, {
      voice: { engineVoiceId },
      timings: true,
      ...(wordsAfterAudio ? { wordsAfterAudio: true } : {}),
    })) {
      for (const w of chunk.words ?? []) words.push({ ...w, start: at + w.start, end: at + w.end });
      at += chunk.samples.length / chunk.sampleRate;
      chunks.push(chunk);
    }
    return { pcm: joinPcm(chunks.filter((c) => c.samples.length > 0)), words, chunks };
  }

  // Words that start with a vowel, nasal or liquid: their onset is the first energy, with no
  // silent stop closure or faint fricative in front of it.
  const TEXT = "Apple. Mango. Orange. Lemon. Melon.";
  const cases = ["flite-rms", "flite-slt", "flite-kal16", "espeak-de", "espeak-fr"].flatMap(
    (voice) => [
      { voice, wordsAfterAudio: false },
      { voice, wordsAfterAudio: true },
    ],
  );
  for (const { voice, wordsAfterAudio } of cases) {
    const mode = wordsAfterAudio ? " (words after their audio)" : "";
    it(`${voice}${mode}: each word starts within 50 ms of the audio's energy onset`, async () => {
      const { pcm, words } = await speakTimed(TEXT, voice, wordsAfterAudio);
      assert.deepEqual(
        words.map((w) => w.text),
        ["Apple", "Mango", "Orange", "Lemon", "Melon"],
      );
      let previousEnd = 0;
      for (const word of words) {
        assert.ok(word.start >= previousEnd - 1e-9 && word.end >= word.start, JSON.stringify(word));
        const onset = energyOnsetAfter(pcm.samples, pcm.sampleRate, previousEnd);
        assert.ok(onset !== undefined, `no sound after ${previousEnd}s`);
        assert.ok(
          Math.abs(word.start - onset) <= 0.05,
          `${voice} "${word.text}" reported at ${word.start.toFixed(3)}s, sound starts at ${onset.toFixed(3)}s`,
        );
        previousEnd = word.end;
      }
      assert.ok(previousEnd <= pcm.samples.length / pcm.sampleRate + 0.01);
    });
  }

  for (const voice of ["flite-rms", "espeak-en"]) {
    it(`${voice}: words after their audio are the same words at the same times, after all of a piece's audio`, async () => {
      const text = "Hello there, how are you? Fine, thanks.";
      const together = await speakTimed(text, voice);
      const after = await speakTimed(text, voice, true);
      // espeak-ng's output varies by a few samples from one call to the next; flite's does not.
      const slack = voice.startsWith("espeak") ? 0.005 : 1e-6;
      if (slack < 0.001) assert.deepEqual(after.pcm.samples, together.pcm.samples);
      const seconds = (pcm: { samples: Int16Array; sampleRate: number }) =>
        pcm.samples.length / pcm.sampleRate;
      assert.ok(Math.abs(seconds(after.pcm) - seconds(together.pcm)) <= slack);
      assert.deepEqual(
        after.words.map((w) => w.text),
        together.words.map((w) => w.text),
      );
      for (const [i, w] of after.words.entries()) {
        assert.ok(Math.abs(w.start - together.words[i]!.start) <= slack, JSON.stringify(w));
        assert.ok(Math.abs(w.end - together.words[i]!.end) <= slack, JSON.stringify(w));
      }
      // Audio chunks carry no words; each piece's words come on one empty chunk after its audio.
      assert.ok(after.chunks[0]!.samples.length > 0 && !after.chunks[0]!.words);
      const wordChunks = after.chunks.filter((c) => c.words);
      assert.equal(wordChunks.length, 2);
      for (const c of wordChunks) assert.equal(c.samples.length, 0);
      assert.equal(after.chunks.at(-1), wordChunks[1]);
      assert.deepEqual(
        wordChunks[0]!.words!.map((w) => w.text),
        ["Hello", "there", "how", "are", "you"],
      );
    });
  }

  it("splits the words of a piece over the slices they start in", async () => {
    const { words } = await speakTimed(
      "Hello there, how are you doing today my friend?",
      "flite-rms",
    );
    assert.deepEqual(
      words.map((w) => w.text),
      ["Hello", "there", "how", "are", "you", "doing", "today", "my", "friend"],
    );
    for (let i = 1; i < words.length; i++) assert.ok(words[i]!.start >= words[i - 1]!.start);
  });
});
