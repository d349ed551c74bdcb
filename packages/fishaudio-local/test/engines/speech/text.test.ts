import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BUSY_FIRST_PIECE_CHARS,
  FIRST_PIECE_CHARS,
  MAX_PIECE_CHARS,
  MAX_WORD_CHARS,
  splitText,
} from "../../../src/engines/speech/text.js";

describe("splitText", () => {
  // Issue 17 item 9: long pieces were split recursively, one frame per 200 characters.
  it("splits 2 MB without a sentence end without overflowing the stack", () => {
    const text = "word ".repeat((2 * 1024 * 1024) / 5);
    const pieces = splitText(text);
    assert.ok(pieces.length > 10_000);
    for (const piece of pieces) assert.ok(piece.length <= MAX_PIECE_CHARS);
  });

  it("splits sentences on final punctuation, keeping the punctuation", () => {
    assert.deepEqual(splitText("Hello there. How are you? I'm fine!"), [
      "Hello there.",
      "How are you?",
      "I'm fine!",
    ]);
  });

  it("does not split after common abbreviations or initials", () => {
    assert.deepEqual(splitText("Mr. Smith met Dr. J. Doe. Then he left."), [
      "Mr. Smith met Dr. J. Doe.",
      "Then he left.",
    ]);
  });

  it("splits CJK sentences without spaces", () => {
    assert.deepEqual(splitText("你好。我很好！"), ["你好。", "我很好！"]);
  });

  it("drops fragments with nothing to say and treats blank lines as breaks", () => {
    assert.deepEqual(splitText("...  \n\n One\n\ntwo"), ["One", "two"]);
    assert.deepEqual(splitText("  ...  "), []);
    assert.deepEqual(splitText(""), []);
  });

  it("cuts long sentences at clause breaks, then spaces, within the limits", () => {
    const long = `${"word ".repeat(30)}and then, ${"more ".repeat(60)}end.`;
    const pieces = splitText(long);
    assert.ok(pieces.length > 2);
    assert.ok(pieces[0]!.length <= FIRST_PIECE_CHARS);
    for (const p of pieces) assert.ok(p.length <= MAX_PIECE_CHARS, p);
    assert.equal(pieces.join(" ").replace(/\s+/g, " "), long.trim().replace(/\s+/g, " "));
  });

  it("keeps the first piece to its first clause or first few words", () => {
    const sentence =
      "The quick brown fox jumps over the lazy dog near the riverbank, while a gentle breeze carries the scent of pine through the valley, and children laugh as they chase butterflies across the meadow.";
    const pieces = splitText(sentence);
    assert.ok(pieces[0]!.length <= FIRST_PIECE_CHARS, pieces[0]);
    assert.ok(FIRST_PIECE_CHARS <= 60, "the first piece must stay short: flite time grows with it");
    // No clause break within the limit: cut at a word boundary, not inside a word.
    assert.equal(pieces[0], "The quick brown fox jumps over the lazy dog");
    assert.ok(pieces[1]!.startsWith("near the riverbank,"), pieces[1]);
    const clause = splitText(
      "In the early morning light, this sentence goes on for quite a while after its comma.",
    );
    assert.equal(clause[0], "In the early morning light,");
    // The second piece is at most three first pieces long; later ones keep the long limit.
    const two = splitText(`Hi. ${sentence}`);
    assert.ok(two[1]!.length <= 3 * FIRST_PIECE_CHARS && sentence.startsWith(two[1]!), two[1]);
    const three = splitText(`Hi. Hello there. ${sentence}`);
    assert.equal(three[2], sentence);
  });

  it("cuts a shorter first piece and second piece when asked (a busy engine)", () => {
    const sentence =
      "The quick brown fox jumps over the lazy dog near the riverbank, while a gentle breeze carries the scent of pine.";
    const pieces = splitText(sentence, BUSY_FIRST_PIECE_CHARS);
    assert.equal(pieces[0], "The quick");
    assert.ok(pieces[1]!.length <= 3 * BUSY_FIRST_PIECE_CHARS, pieces[1]);
    assert.equal(pieces.join(" "), sentence);
    assert.deepEqual(splitText("Hello from Fish Audio", BUSY_FIRST_PIECE_CHARS), [
      "Hello from",
      "Fish Audio",
    ]);
    // A first sentence already short enough is left whole.
    assert.deepEqual(splitText("Hello there. How are you?", BUSY_FIRST_PIECE_CHARS), [
      "Hello there.",
      "How are you?",
    ]);
  });

  it("cuts text without any spaces into bounded pieces, losing nothing", () => {
    const pieces = splitText("x".repeat(450));
    assert.equal(pieces.join("").replaceAll(" ", "").length, 450);
    assert.ok(pieces[0]!.length <= FIRST_PIECE_CHARS);
    assert.ok(pieces.every((p) => p.length <= MAX_PIECE_CHARS));
    assert.ok(pieces.length >= 3);
  });
});

describe("splitText: unbroken runs", () => {
  it("breaks runs longer than MAX_WORD_CHARS into word-sized parts and keeps real words whole", () => {
    const pieces = splitText(`${"x".repeat(500)} then Supercalifragilisticexpialidocious.`);
    const words = pieces.join(" ").split(" ");
    assert.ok(
      words.every((w) => w.length <= MAX_WORD_CHARS),
      "no part longer than the limit",
    );
    assert.equal(words.filter((w) => /^x+$/.test(w)).join("").length, 500, "no letter lost");
    assert.ok(words.includes("Supercalifragilisticexpialidocious."));
  });
});
