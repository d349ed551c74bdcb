import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseScript } from "../../src/cli/script.js";

const VOICES = new Map([
  ["ALICE", "v-alice"],
  ["bob", "v-bob"],
]);

describe("parseScript", () => {
  it("numbers speakers by first appearance, matches names without case, joins continuations", () => {
    const dialogue = parseScript(
      "# scene 1\n\nAlice: Hi there.\nBOB: Hello.\nHow are you?\nALICE: Fine: thanks.\n",
      VOICES,
    );
    assert.deepEqual(dialogue, {
      text: "<|speaker:0|>Hi there.<|speaker:1|>Hello. How are you?<|speaker:0|>Fine: thanks.",
      referenceId: ["v-alice", "v-bob"],
      speakers: ["Alice", "BOB"],
    });
  });

  it("says which line has no speaker and which speaker has no voice", () => {
    assert.throws(() => parseScript("Hello there.", VOICES), /script line 1 has no speaker/);
    assert.throws(
      () => parseScript("ALICE: Hi\nCAROL: Yo", VOICES),
      /no voice for CAROL: give each speaker one with --voice NAME=ID/,
    );
    assert.throws(() => parseScript("# nothing\n", VOICES), /the script has no lines/);
  });
});
