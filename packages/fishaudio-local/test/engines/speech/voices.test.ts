import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  espeakPitch,
  pickVoice,
  publicVoice,
  VOICES,
  voiceForLanguage,
} from "../../../src/engines/speech/voices.js";

describe("voice catalogue", () => {
  it("has unique stable ids, flite-rms first, and public fields only", () => {
    const ids = VOICES.map((v) => v.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids[0], "flite-rms");
    for (const id of [
      "flite-slt",
      "flite-awb",
      "flite-kal16",
      "espeak-de",
      "espeak-fr",
      "espeak-zh",
      "espeak-ja",
    ]) {
      assert.ok(ids.includes(id), id);
    }
    const v = publicVoice(VOICES[0]!);
    assert.deepEqual(Object.keys(v).sort(), [
      "description",
      "engine",
      "gender",
      "id",
      "languages",
      "pitchHz",
      "title",
    ]);
  });

  it("maps language tags to voices, defaulting to the first", () => {
    assert.equal(voiceForLanguage("en").id, "flite-rms");
    assert.equal(voiceForLanguage("en-GB").id, "flite-rms");
    assert.equal(voiceForLanguage("de-DE").id, "espeak-de");
    assert.equal(voiceForLanguage("pt_BR").id, "espeak-pt");
    assert.equal(voiceForLanguage("no").id, "espeak-nb");
    assert.equal(voiceForLanguage("cmn").id, "espeak-zh");
    assert.equal(voiceForLanguage("xx").id, "flite-rms");
    assert.equal(voiceForLanguage("").id, "flite-rms");
  });

  it("picks the engine voice nearest in pitch within a language", () => {
    assert.equal(pickVoice("en", 200).id, "flite-slt");
    assert.equal(pickVoice("en", 85).id, "flite-kal16");
    assert.equal(pickVoice("en", 128).id, "flite-awb");
    assert.equal(pickVoice("en").id, "flite-rms");
    assert.equal(pickVoice("fr", 220).id, "espeak-fr");
  });

  it("reaches espeak pitch targets with the male voice or the f3 variant", () => {
    assert.deepEqual(espeakPitch("de"), { voice: "de", pitch: 50 });
    assert.deepEqual(espeakPitch("de", 102), { voice: "de", pitch: 50 });
    assert.deepEqual(espeakPitch("de", 211), { voice: "de+f3", pitch: 50 });
    assert.deepEqual(espeakPitch("de", 40), { voice: "de", pitch: 0 });
    assert.deepEqual(espeakPitch("de", 500), { voice: "de+f3", pitch: 99 });
  });
});
