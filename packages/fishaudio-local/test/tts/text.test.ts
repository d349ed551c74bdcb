import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectLanguage, splitSpeakers, TextBuffer } from "../../src/tts/text.js";

describe("TextBuffer", () => {
  it("hands out whole sentences as soon as they end, keeping the unfinished rest", () => {
    const buffer = new TextBuffer(200);
    assert.deepEqual(buffer.push("Hello there. How"), ["Hello there. "]);
    assert.deepEqual(buffer.push(" are you? I am"), ["How are you? "]);
    assert.deepEqual(buffer.flush(), ["I am"]);
    assert.deepEqual(buffer.flush(), []);
  });

  it("does not cut at a full stop without following space (3.14 split across chunks)", () => {
    const buffer = new TextBuffer(200);
    assert.deepEqual(buffer.push("Pi is 3."), []);
    assert.deepEqual(buffer.push("14 exactly. "), ["Pi is 3.14 exactly. "]);
  });

  it("cuts about chunk_length characters at a space when no sentence ends", () => {
    const buffer = new TextBuffer(100);
    const words = "word ".repeat(50);
    const pieces = buffer.push(words);
    assert.ok(pieces.length >= 2);
    for (const piece of pieces) assert.ok(piece.length <= 101, String(piece.length));
    assert.equal(pieces.join("") + buffer.flush().join(""), words);
  });

  // Issue 17 item 4: each cut re-scanned the whole buffer for a sentence end (3 MB froze the
  // event loop for 8 s). Counted here as characters handed to the regex, not as time.
  it("scans text without a sentence end once, not once per cut", () => {
    const buffer = new TextBuffer(300);
    const text = "word ".repeat((1024 * 1024) / 5);
    let scanned = 0;
    const exec = RegExp.prototype.exec;
    RegExp.prototype.exec = function (this: RegExp, input: string) {
      scanned += input.length - this.lastIndex;
      return exec.call(this, input);
    };
    let pieces: string[];
    try {
      pieces = buffer.push(text);
    } finally {
      RegExp.prototype.exec = exec;
    }
    assert.ok(scanned < 2 * text.length, `scanned ${scanned} characters for ${text.length}`);
    for (const piece of pieces) assert.ok(piece.length <= 300, String(piece.length));
    assert.equal(pieces.join("").length + buffer.pending, text.length);
  });

  it("never cuts inside a speaker tag, even where no space is near", () => {
    const buffer = new TextBuffer(100);
    const pieces = buffer.push(`${"a".repeat(95)}<|speaker:1|>${"b".repeat(200)}`);
    pieces.push(...buffer.flush());
    assert.equal(pieces[0], "a".repeat(95));
    assert.ok(pieces.slice(1).join("").startsWith("<|speaker:1|>"), pieces.join(" | "));
    assert.equal(pieces.join(""), `${"a".repeat(95)}<|speaker:1|>${"b".repeat(200)}`);
  });

  it("refuses a speaker tag of more than 6 digits with 422, however the frames cut it", () => {
    const tag = `<|speaker:${"9".repeat(400)}|>`;
    assert.throws(
      () => new TextBuffer(300).push(`Hi. ${tag}Hello.`),
      (e: Error & { status?: number }) => e.status === 422 && /at most 6 digits/.test(e.message),
    );
    // Sent a few characters per frame: refused once the seventh digit arrives, before it is spoken.
    const buffer = new TextBuffer(300);
    const frames = `Hi there ${tag}Hello.`.match(/.{1,5}/g)!;
    let spoken = "";
    const refused = frames.some((frame) => {
      try {
        spoken += buffer.push(frame).join("");
        return false;
      } catch (error) {
        return (error as { status?: number }).status === 422;
      }
    });
    assert.ok(refused);
    assert.doesNotMatch(spoken, /\d/);
  });

  it("cuts at CJK full stops and newlines", () => {
    const buffer = new TextBuffer(200);
    assert.deepEqual(buffer.push("你好。再见"), ["你好。"]);
    assert.deepEqual(buffer.push("\nnext"), ["再见\n"]);
  });
});

describe("splitSpeakers", () => {
  it("splits dialogue at speaker tags", () => {
    assert.deepEqual(splitSpeakers("<|speaker:0|>Hi!<|speaker:1|>Hello."), [
      { speaker: 0, text: "Hi!" },
      { speaker: 1, text: "Hello." },
    ]);
    assert.deepEqual(splitSpeakers("plain"), [{ speaker: 0, text: "plain" }]);
  });

  // Issue 17 item 8: 400 digits became Infinity, then NaN as an index, then a 500.
  it("refuses a speaker number of more than 6 digits with 422", () => {
    assert.throws(
      () => splitSpeakers(`<|speaker:${"9".repeat(400)}|>Hi`),
      (error: Error & { status?: number }) =>
        error.status === 422 && /at most 6 digits/.test(error.message),
    );
    assert.deepEqual(splitSpeakers("<|speaker:999999|>Hi"), [{ speaker: 999999, text: "Hi" }]);
  });
});

describe("detectLanguage", () => {
  it("recognises scripts and defaults to English", () => {
    assert.equal(detectLanguage("你好"), "zh");
    assert.equal(detectLanguage("こんにちは"), "ja");
    assert.equal(detectLanguage("Привет"), "ru");
    assert.equal(detectLanguage("Bonjour"), "en");
  });
});
