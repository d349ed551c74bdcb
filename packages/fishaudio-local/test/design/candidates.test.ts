import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planCandidates, SLOT_SEMITONES } from "../../src/design/candidates.js";
import { readInstruction } from "../../src/design/instruction.js";
import { VOICES } from "../../src/engines/speech/voices.js";

const voices = VOICES.map((v) => ({ ...v }));
const options = { n: 4, seed: 1, speed: 1, strength: 1, language: "en", voices };

function semitonesApart(a: number, b: number): number {
  return Math.abs(12 * Math.log2(a / b));
}

describe("planCandidates", () => {
  it("is deterministic in the seed and differs between seeds", () => {
    const traits = readInstruction("warm, deep narrator");
    assert.deepEqual(planCandidates(traits, options), planCandidates(traits, options));
    assert.notDeepEqual(
      planCandidates(traits, options),
      planCandidates(traits, { ...options, seed: 2 }),
    );
  });

  it("keeps every pair of candidates at least a slot apart in pitch, for many instructions and seeds", () => {
    const instructions = [
      "warm, deep narrator",
      "a narrator",
      "little girl, very high and squeaky",
      "very deep, gravelly old man",
      "robot with a German accent",
      "cheerful young woman",
    ];
    for (const instruction of instructions) {
      for (let seed = 0; seed < 50; seed++) {
        const plans = planCandidates(readInstruction(instruction), { ...options, seed });
        for (let i = 0; i < plans.length; i++) {
          for (let j = i + 1; j < plans.length; j++) {
            const apart = semitonesApart(plans[i]!.pitchHz, plans[j]!.pitchHz);
            assert.ok(apart >= SLOT_SEMITONES - 1e-6, `${instruction} seed ${seed}: ${apart}`);
          }
        }
        for (const p of plans) assert.ok(p.pitchHz >= 76 && p.pitchHz <= 300, `${p.pitchHz}`);
      }
    }
  });

  it("maps the words onto voices, pitch, rate and variant", () => {
    const woman = planCandidates(readInstruction("a woman"), { ...options, n: 2 });
    assert.ok(woman.every((p) => p.engineVoiceId === "flite-slt" && p.pitchHz > 150));
    const deep = planCandidates(readInstruction("deep male voice"), { ...options, n: 2 });
    const plain = planCandidates(readInstruction("male voice"), { ...options, n: 2 });
    assert.ok(deep[0]!.pitchHz < plain[0]!.pitchHz);
    const slow = planCandidates(readInstruction("slow"), options);
    const fast = planCandidates(readInstruction("fast"), options);
    assert.ok(Math.max(...slow.map((p) => p.speed)) < Math.min(...fast.map((p) => p.speed)));
    const whisper = planCandidates(readInstruction("whispering woman"), options);
    assert.ok(whisper.every((p) => p.engineVoiceId === "espeak-en" && p.whisper));
    const accent = planCandidates(readInstruction("narrator with a French accent"), options);
    assert.ok(accent.every((p) => p.engineVoiceId === "espeak-fr"));
    const scottish = planCandidates(readInstruction("a Scottish accent"), options);
    assert.ok(scottish.every((p) => p.engineVoiceId === "flite-awb"));
    const german = planCandidates(readInstruction("a woman"), { ...options, language: "de" });
    assert.ok(german.every((p) => p.engineVoiceId === "espeak-de"));
  });

  it("follows the request speed and guidance strength", () => {
    const traits = readInstruction("very deep man");
    const twice = planCandidates(traits, { ...options, speed: 2 });
    const once = planCandidates(traits, options);
    once.forEach((p, i) => {
      assert.ok(Math.abs(twice[i]!.speed / p.speed - 2) < 0.01 || twice[i]!.speed === 2);
    });
    const ignored = planCandidates(traits, { ...options, strength: 0 });
    const mean = (ps: { pitchHz: number }[]) => ps.reduce((a, p) => a + p.pitchHz, 0) / ps.length;
    assert.ok(mean(ignored) > mean(once), "guidance 0 ignores the 'very deep'");
  });

  it("never asks flite's resampled rms voice for a pitch it cannot reach", () => {
    for (let seed = 0; seed < 100; seed++) {
      for (const p of planCandidates(readInstruction("a high man"), { ...options, seed })) {
        if (p.engineVoiceId === "flite-rms") assert.ok(p.pitchHz <= 175, `${p.pitchHz}`);
      }
    }
  });
});
