import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readInstruction } from "../../src/design/instruction.js";

describe("readInstruction", () => {
  it("reads gender, age, pitch and pace words", () => {
    const t = readInstruction("A deep, slow voice of an elderly man");
    assert.equal(t.gender, "male");
    assert.equal(t.age, "old");
    assert.ok(t.semitones <= -4, `semitones ${t.semitones}`);
    assert.ok(t.pace < 0.9, `pace ${t.pace}`);
    assert.equal(t.whisper, false);
  });

  it("reads a bright, fast young woman", () => {
    const t = readInstruction("Energetic young woman, bright tone, crisp diction, fast");
    assert.equal(t.gender, "female");
    assert.equal(t.age, "young");
    assert.ok(t.semitones > 0);
    assert.ok(t.pace > 1.1);
  });

  it("reads children, whispers and robots", () => {
    assert.equal(readInstruction("a little girl telling a story").age, "child");
    assert.equal(readInstruction("hushed, whispering storyteller").whisper, true);
    assert.equal(readInstruction("a robotic announcer").robotic, true);
  });

  it("tells an accent from a language", () => {
    const accent = readInstruction("English narrator with a strong French accent");
    assert.equal(accent.accent, "fr");
    assert.equal(accent.language, "en");
    const language = readInstruction("a calm German newsreader");
    assert.equal(language.accent, undefined);
    assert.equal(language.language, "de");
    assert.equal(readInstruction("gruff man with a Scottish accent").accent, "scottish");
  });

  it("the first named gender wins when both are named", () => {
    assert.equal(readInstruction("a mother singing to her son, a gentle woman").gender, "female");
    assert.equal(readInstruction("a man talking about his wife").gender, "male");
  });

  it("leaves unsaid traits neutral", () => {
    const t = readInstruction("a narrator");
    assert.deepEqual(
      [t.gender, t.age, t.semitones, t.pace, t.accent, t.language],
      [undefined, "adult", 0, 1, undefined, undefined],
    );
  });
});
