import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toSrt, toVtt } from "../../src/cli/subtitles.js";

describe("toSrt", () => {
  it("numbers cues and writes HH:MM:SS,mmm times", () => {
    const srt = toSrt([
      { text: "And so, my fellow Americans,", start: 0, end: 2.5 },
      { text: "ask not", start: 2.5, end: 3.0004 },
    ]);
    assert.equal(
      srt,
      "1\n00:00:00,000 --> 00:00:02,500\nAnd so, my fellow Americans,\n\n" +
        "2\n00:00:02,500 --> 00:00:03,000\nask not\n",
    );
  });

  it("formats hours and rounds to the millisecond", () => {
    const srt = toSrt([{ text: "late", start: 3725.0015, end: 36_000.9999 }]);
    assert.equal(srt, "1\n01:02:05,002 --> 10:00:01,000\nlate\n");
  });

  it("drops empty segments and renumbers, collapses line breaks inside a cue", () => {
    const srt = toSrt([
      { text: "  ", start: 0, end: 1 },
      { text: "two\n\nlines", start: 1, end: 2 },
    ]);
    assert.equal(srt, "1\n00:00:01,000 --> 00:00:02,000\ntwo lines\n");
  });

  it("clamps negative, reversed and non-finite times", () => {
    const srt = toSrt([
      { text: "a", start: -1, end: 0.5 },
      { text: "b", start: 2, end: 1 },
      { text: "c", start: Number.NaN, end: Number.POSITIVE_INFINITY },
    ]);
    assert.equal(
      srt,
      "1\n00:00:00,000 --> 00:00:00,500\na\n\n" +
        "2\n00:00:02,000 --> 00:00:02,000\nb\n\n" +
        "3\n00:00:00,000 --> 00:00:00,000\nc\n",
    );
  });

  it("is empty for no segments", () => {
    assert.equal(toSrt([]), "");
  });
});

describe("toVtt", () => {
  it("starts with WEBVTT and writes HH:MM:SS.mmm times without numbers", () => {
    const vtt = toVtt([
      { text: "Hello", start: 0.25, end: 1.5 },
      { text: "world", start: 61, end: 62.125 },
    ]);
    assert.equal(
      vtt,
      "WEBVTT\n\n00:00:00.250 --> 00:00:01.500\nHello\n\n00:01:01.000 --> 00:01:02.125\nworld\n",
    );
  });

  it("escapes &, < and > so cue text cannot hold markup or an arrow", () => {
    const vtt = toVtt([{ text: "a <b> & c --> d", start: 0, end: 1 }]);
    assert.equal(vtt, "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na &lt;b&gt; &amp; c --&gt; d\n");
    assert.equal(vtt.split("-->").length, 2, "only the timing line has an arrow");
  });

  it("is a bare header for no segments", () => {
    assert.equal(toVtt([]), "WEBVTT\n");
  });
});
