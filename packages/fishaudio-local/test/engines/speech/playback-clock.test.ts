import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlaybackClock } from "../../../src/engines/speech/playback-clock.js";

describe("PlaybackClock", () => {
  it("wants the first piece within a second and later pieces by the audio ahead of them", () => {
    const before = performance.now();
    const clock = new PlaybackClock(["a".repeat(100), "b".repeat(100), "c".repeat(100)], 1);
    const first = clock.pieceDue(0);
    assert.ok(first > before && first <= performance.now() + 1000, `${first - before}`);
    // Nothing played yet: piece 1 is due about one guessed piece (100 chars ≈ 7 s) from now.
    const second = clock.pieceDue(1);
    assert.ok(second > performance.now() + 5000 && second < performance.now() + 8000, `${second}`);
    // Later pieces are due later, and the guess gives way to the measured length.
    assert.ok(clock.pieceDue(2) > second);
    clock.played(0.5);
    clock.measured(0, 1);
    const afterMeasure = clock.pieceDue(1);
    assert.ok(afterMeasure < performance.now() + 1000, `${afterMeasure - performance.now()}`);
    assert.ok(clock.pieceDue(2) - afterMeasure > 5000);
  });

  it("counts faster speech as shorter pieces", () => {
    const text = ["x".repeat(100), "y".repeat(100)];
    const slow = new PlaybackClock(text, 1).pieceDue(1);
    const fast = new PlaybackClock(text, 2).pieceDue(1);
    assert.ok(fast < slow - 2000, `${slow - fast}`);
  });

  it("puts the next slice at the moment the listener would run dry", () => {
    const clock = new PlaybackClock(["hello"], 1);
    assert.ok(clock.nextSliceDue() <= performance.now());
    clock.played(2);
    const due = clock.nextSliceDue();
    assert.ok(due > performance.now() + 1900 && due <= performance.now() + 2000, `${due}`);
  });
});
