import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alignWords } from "../../src/compat/alignment.js";

describe("alignWords", () => {
  it("puts each word's characters inside its span and the characters between words in the gap", () => {
    const a = alignWords(
      "Hi, there.",
      [
        { text: "Hi", start: 0.1, end: 0.3 },
        { text: "there", start: 0.8, end: 1.3 },
      ],
      0,
      1.5,
    );
    assert.deepEqual(a.characters, Array.from("Hi, there."));
    // "H" and "i" share 0.1–0.3; ", " share the pause 0.3–0.8; "there" 0.8–1.3; "." the tail.
    assert.deepEqual(a.starts, [0.1, 0.2, 0.3, 0.55, 0.8, 0.9, 1, 1.1, 1.2, 1.3]);
    assert.deepEqual(a.ends, [0.2, 0.3, 0.55, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.5]);
  });

  it("matches words in order by their written form, skipping cues and words the engine reads its own way", () => {
    const a = alignWords(
      "Go [pause] now 21",
      [
        { text: "go", start: 0, end: 0.2 },
        { text: "twenty", start: 1.5, end: 1.7 },
        { text: "now", start: 0.7, end: 0.9 },
      ],
      0,
      2,
    );
    const at = (i: number) => a.starts[i]!;
    assert.equal(at(0), 0);
    // The cue's characters sit in the silence before "now".
    assert.ok(at(3) >= 0.2 && at(9) < 0.7);
    assert.equal(at(11), 0.7);
    // "twenty" is not written in the text: "21" takes the tail after "now".
    assert.ok(at(15) >= 0.9);
    for (let i = 1; i < a.starts.length; i++) assert.ok(a.starts[i]! >= a.starts[i - 1]!);
  });

  it("without word timings shares the span by weight", () => {
    const a = alignWords("Hi.", [], 0, 1);
    assert.equal(a.starts[0], 0);
    assert.equal(a.ends.at(-1), 1);
  });
});
