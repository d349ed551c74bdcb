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
});

describe("detectLanguage", () => {
  it("recognises scripts and defaults to English", () => {
    assert.equal(detectLanguage("你好"), "zh");
    assert.equal(detectLanguage("こんにちは"), "ja");
    assert.equal(detectLanguage("Привет"), "ru");
    assert.equal(detectLanguage("Bonjour"), "en");
  });
});
