// Speech to text: a synthesise -> transcribe round trip, and real speech (jfk.wav).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { BadRequestError } from "../../src/index.js";
import { fixture } from "../fixtures/fixtures.js";
import { type Integration, startIntegration, wordErrorRate, words } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration();
});
after(() => it_.server.close());

const JFK =
  "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

describe("asr.transcribe against fishaudio-local", () => {
  it("round trip: English flite speech transcribes with WER <= 0.35", async () => {
    const text = "The weather today is sunny and warm. We will walk to the park after lunch.";
    const wav = await (
      await it_.client.tts.convert({ text, format: "wav", referenceId: "flite-rms" })
    ).collect();
    const result = await it_.client.asr.transcribe({ audio: wav });
    const wer = wordErrorRate(text, result.text);
    assert.ok(wer <= 0.35, `WER ${wer.toFixed(2)}: "${result.text}"`);
    assert.ok(result.duration > 2 && result.duration < 15, `duration ${result.duration} s`);
    assert.ok(result.segments.length > 0);
  });

  it("transcribes jfk.wav with timed segments", async () => {
    const audio = new Uint8Array(readFileSync(fixture("jfk.wav")));
    const result = await it_.client.asr.transcribe({ audio, language: "en" });
    const wer = wordErrorRate(JFK, result.text);
    assert.ok(wer <= 0.4, `WER ${wer.toFixed(2)}: "${result.text}"`);
    const heard = new Set(words(result.text));
    const phrase = words("ask not what your country can do for you");
    const found = phrase.filter((w) => heard.has(w)).length;
    assert.ok(
      found / phrase.length >= 0.75,
      `only ${found}/${phrase.length} words of the phrase: "${result.text}"`,
    );
    assert.ok(Math.abs(result.duration - 11) < 0.5, `duration ${result.duration}`);
    assert.ok(result.segments.length >= 2);
    let last = 0;
    for (const segment of result.segments) {
      assert.ok(segment.text.trim() !== "");
      assert.ok(
        segment.start >= last - 1e-9 && segment.end > segment.start,
        JSON.stringify(segment),
      );
      assert.ok(segment.end <= result.duration + 0.01);
      last = segment.end;
    }
  });

  it("without timestamps, segments are an empty list; the charge is per tenth of a second", async () => {
    const audio = await (
      await it_.client.tts.convert({
        text: "Short and sweet.",
        format: "mp3",
        referenceId: "flite-slt",
      })
    ).collect();
    const before = await it_.client.account.getCredits();
    const result = await it_.client.asr.transcribe({ audio, includeTimestamps: false });
    const after = await it_.client.account.getCredits();
    assert.deepEqual(result.segments, []);
    assert.ok(result.text.length > 0);
    // 100 micro-credits per second, per started tenth.
    const charged = Math.round((Number(before.credit) - Number(after.credit)) * 1e6);
    assert.equal(charged, Math.ceil(result.duration * 10 - 1e-6) * 10);
  });

  it("bytes that are not audio are a BadRequestError", async () => {
    await assert.rejects(
      it_.client.asr.transcribe({ audio: new TextEncoder().encode("definitely not audio") }),
      BadRequestError,
    );
  });

  it("honours the language: English in any spelling, any other language a 400 naming English", async () => {
    const audio = new Uint8Array(readFileSync(fixture("jfk.wav")));
    const result = await it_.client.asr.transcribe({
      audio,
      language: "en-US",
      includeTimestamps: false,
    });
    assert.equal(result.languageCode, "en");
    assert.equal(result.language, "English");
    assert.deepEqual(result.segments, []);
    await assert.rejects(
      it_.client.asr.transcribe({ audio, language: "de" }),
      (e: unknown) =>
        e instanceof BadRequestError && /'de' is not supported.*"en" \(English\)/.test(e.message),
    );
  });
});
