import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCues, stripCues } from "../../src/tts/cues.js";

describe("parseCues", () => {
  it("applies a delivery cue until its sentence ends", () => {
    const parts = parseCues("[whispering] Quiet now. Normal again.");
    assert.deepEqual(
      parts.map((p) => (p.kind === "text" ? [p.text.trim(), p.delivery.whisper] : p)),
      [
        ["Quiet now.", true],
        ["Normal again.", false],
      ],
    );
  });

  it("emphasises the next word only: louder and slower", () => {
    const parts = parseCues("This is [emphasis] really important.");
    const really = parts.find((p) => p.kind === "text" && p.text.trim() === "really");
    assert.ok(really && really.kind === "text");
    assert.ok(really.delivery.volumeDb > 0 && really.delivery.rate < 1);
    const rest = parts.at(-1)!;
    assert.ok(rest.kind === "text" && rest.delivery.volumeDb === 0);
  });

  it("turns [pause], [break] and [long-break] into silence of growing length", () => {
    const pauses = parseCues("A [pause] B [break] C [long-break] D").flatMap((p) =>
      p.kind === "pause" ? [p.seconds] : [],
    );
    assert.deepEqual(pauses, [0.5, 0.5, 1.2]);
  });

  it("drops every other cue silently, bracket or legacy, and keeps ordinary parentheses", () => {
    assert.equal(
      stripCues("[happy] Hi (angry) there [warm and friendly] (see page 2) [laughing] friend."),
      "Hi there (see page 2) friend.",
    );
    assert.equal(stripCues("(sighing) (crying loudly) Fine."), "Fine.");
  });

  it("shouting and hurry change volume and rate", () => {
    const [loud] = parseCues("[shouting] Stop!");
    const [hurry] = parseCues("[in a hurry tone] Quick.");
    assert.ok(loud?.kind === "text" && loud.delivery.volumeDb > 0);
    assert.ok(hurry?.kind === "text" && hurry.delivery.rate > 1);
  });
});
