import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { asrCost, formatCredits, parseCredits, ttsCost } from "../src/pricing.js";

describe("pricing", () => {
  it("prices TTS per UTF-8 byte and ASR per tenth of a second", () => {
    assert.equal(ttsCost("abc"), 45);
    assert.equal(ttsCost("é"), 30);
    assert.equal(asrCost(1), 100);
    assert.equal(asrCost(0.01), 10);
  });

  it("formats and parses decimal credit strings without float drift", () => {
    assert.equal(formatCredits(12_500_000), "12.50");
    assert.equal(formatCredits(15), "0.000015");
    assert.equal(formatCredits(0), "0.00");
    assert.equal(parseCredits("12.5"), 12_500_000);
    assert.equal(parseCredits(1000), 1_000_000_000);
    assert.equal(parseCredits("0.1234567"), 123_456);
    assert.throws(() => parseCredits("ten"));
  });
});
