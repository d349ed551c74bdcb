import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chatty, formatBytes, note, Progress, table } from "../../src/cli/output.js";

function fakeTerminal(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => writes.push(text) };
}

describe("Progress", () => {
  it("redraws one line in place on a terminal and erases it when stopped", () => {
    const term = fakeTerminal(true);
    const progress = new Progress("Synthesising", true, term, "connecting");
    progress.restart("waiting for audio");
    progress.received(24_576, 1.5);
    progress.stop();
    assert.ok(term.writes.length >= 3);
    for (const write of term.writes) {
      assert.ok(write.startsWith("\r\x1b[2K"), "every draw rewrites the same line");
      assert.ok(!write.includes("\n"), "never a new line");
    }
    assert.match(
      term.writes[0]!.replace("\r\x1b[2K", ""),
      /^Synthesising: connecting · \d+\.\d s$/,
    );
    assert.match(term.writes[1]!, /Synthesising: waiting for audio/);
    assert.match(term.writes[2]!, /24\.6 kB · 1\.5 s of audio · first audio after \d+\.\d\d s/);
    assert.equal(term.writes.at(-1), "\r\x1b[2K");
    assert.match(progress.summary(), /^24\.6 kB, 1\.5 s of audio, first audio after \d+\.\d\d s$/);
  });

  it("fits the line to the terminal width", () => {
    const term = fakeTerminal(true, 30);
    const progress = new Progress("A rather long label for a narrow terminal", true, term);
    progress.stop();
    assert.ok(term.writes[0]!.replace("\r\x1b[2K", "").length <= 29);
    assert.ok(term.writes[0]!.endsWith("…"));
  });

  it("writes nothing when disabled, but still counts", () => {
    const term = fakeTerminal(true);
    const progress = new Progress("Synthesising", false, term);
    progress.received(10);
    progress.received(5, 0.25);
    progress.stop();
    assert.deepEqual(term.writes, []);
    assert.equal(progress.bytes, 15);
    assert.ok(progress.firstAudio !== undefined);
  });
});

describe("chatty and note", () => {
  it("talks only on a terminal, and never with --quiet or --json", () => {
    assert.equal(chatty({ quiet: false, json: false }, fakeTerminal(true)), true);
    assert.equal(chatty({ quiet: false, json: false }, fakeTerminal(false)), false);
    assert.equal(chatty({ quiet: true, json: false }, fakeTerminal(true)), false);
    assert.equal(chatty({ quiet: false, json: true }, fakeTerminal(true)), false);
    const term = fakeTerminal(true);
    note({ quiet: false, json: false }, "Wrote a.mp3", term);
    note({ quiet: true, json: false }, "hidden", term);
    assert.deepEqual(term.writes, ["Wrote a.mp3\n"]);
  });
});

describe("table and formatBytes", () => {
  it("aligns columns and cuts long cells", () => {
    const text = table(
      ["ID", "TITLE"],
      [
        ["a1", "Short"],
        ["b2", "x".repeat(50)],
      ],
    );
    assert.equal(text, `ID  TITLE\na1  Short\nb2  ${"x".repeat(39)}…\n`);
  });

  it("uses B, kB and MB", () => {
    assert.equal(formatBytes(999), "999 B");
    assert.equal(formatBytes(24_576), "24.6 kB");
    assert.equal(formatBytes(9_040_000), "9.04 MB");
  });
});
