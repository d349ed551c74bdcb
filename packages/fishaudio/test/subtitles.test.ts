import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toSrt, toVtt, wordsToCues } from "../src/subtitles.js";

/** Words of `text`, each `step` seconds long, back to back from `from`. */
function timed(text: string, from = 0, step = 0.3) {
  return text
    .split(" ")
    .map((w, i) => ({ text: w, start: from + i * step, end: from + (i + 1) * step }));
}

describe("wordsToCues", () => {
  it("fills lines up to 42 characters and cues up to two lines", () => {
    const words = timed(
      "The quick brown fox jumps over the lazy dog and keeps running far across the wide open green field today",
    );
    const cues = wordsToCues(words);
    for (const cue of cues) {
      const lines = cue.text.split("\n");
      assert.ok(lines.length <= 2, cue.text);
      for (const line of lines) assert.ok(line.length <= 42, line);
    }
    assert.equal(
      cues.map((c) => c.text.replace(/\n/g, " ")).join(" "),
      words.map((w) => w.text).join(" "),
    );
    assert.equal(cues[0]!.start, 0);
    assert.equal(cues.at(-1)!.end, words.at(-1)!.end);
  });

  it("starts a new cue after a long pause and keeps cues within the maximum duration", () => {
    const words = [...timed("Hello there", 0), ...timed("after the pause", 3)];
    assert.deepEqual(
      wordsToCues(words).map((c) => c.text),
      ["Hello there", "after the pause"],
    );
    const slow = timed("one two three four five six", 0, 2);
    for (const cue of wordsToCues(slow)) assert.ok(cue.end - cue.start <= 7);
  });

  it("stretches a short cue to the minimum duration without overlapping the next", () => {
    const cues = wordsToCues([
      { text: "Hi.", start: 0, end: 0.2 },
      { text: "Yes", start: 1.5, end: 1.9 },
    ]);
    assert.deepEqual(
      cues.map((c) => [c.text, c.start, c.end]),
      [
        ["Hi.", 0, 0.833],
        ["Yes", 1.5, 2.333],
      ],
    );
    const tight = wordsToCues(
      [
        { text: "Hi.", start: 0, end: 0.2 },
        { text: "You", start: 1.3, end: 1.4 },
      ],
      { maxGap: 1 },
    );
    assert.ok(tight[0]!.end <= tight[1]!.start);
  });

  it("renders to SRT and WebVTT with line breaks inside a cue", () => {
    const cues = [{ text: "first line\nsecond line", start: 1, end: 2.5 }];
    assert.equal(toSrt(cues), "1\n00:00:01,000 --> 00:00:02,500\nfirst line\nsecond line\n");
    assert.equal(toVtt(cues), "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nfirst line\nsecond line\n");
  });
});

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

  it("drops empty segments and renumbers, drops blank lines inside a cue (they would end it)", () => {
    const srt = toSrt([
      { text: "  ", start: 0, end: 1 },
      { text: "two \n\n  lines", start: 1, end: 2 },
    ]);
    assert.equal(srt, "1\n00:00:01,000 --> 00:00:02,000\ntwo\nlines\n");
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
