import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { publicVoice, VOICES, voiceForLanguage } from "../../src/engines/speech/voices.js";
import { closestVoice } from "../../src/tts/voice-plan.js";

const voices = VOICES.map(publicVoice);

describe("closestVoice", () => {
  it("keeps an English clone near espeak's pitch on flite, the engine of the English default", () => {
    const espeakEn = voices.find((v) => v.id === "espeak-en")!;
    // The bug: espeak-en's pitch is nearer these than flite-rms's, so it used to win.
    for (const hz of [102, 104, espeakEn.pitchHz, 106]) {
      const picked = closestVoice(voices, "en", hz);
      assert.equal(picked.engine, "flite", `${hz} Hz picked ${picked.id}`);
      assert.equal(picked.id, "flite-rms", `${hz} Hz`);
    }
    const preferred = publicVoice(voiceForLanguage("en"));
    assert.equal(closestVoice(voices, "en", espeakEn.pitchHz, preferred).id, "flite-rms");
  });

  it("still matches pitch within the engine (high English voice: flite-slt; low: flite-kal16)", () => {
    assert.equal(closestVoice(voices, "en", 200).id, "flite-slt");
    assert.equal(closestVoice(voices, "en", 85).id, "flite-kal16");
    assert.equal(closestVoice(voices, "en", undefined).id, "flite-rms");
  });

  it("uses the espeak voice of languages flite does not speak", () => {
    assert.equal(closestVoice(voices, "de", 104).id, "espeak-de");
    const preferred = publicVoice(voiceForLanguage("fr"));
    assert.equal(closestVoice(voices, "fr", 220, preferred).id, "espeak-fr");
  });
});
