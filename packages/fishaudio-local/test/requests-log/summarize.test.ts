import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { summarizeBody } from "../../src/requests-log/summarize.js";
import { tone, wavFile } from "../helpers/fake-engines.js";

describe("summarizeBody", () => {
  it("replaces audio bytes by their size and kind, anywhere in the body", () => {
    const wav = wavFile(tone(200, 0.1, 16000));
    const summary = summarizeBody({
      text: "hi",
      references: [{ audio: wav, text: "ref" }],
    }) as { text: string; references: Array<{ audio: unknown; text: string }> };
    assert.equal(summary.text, "hi");
    assert.deepEqual(summary.references[0]!.audio, {
      $binary: true,
      bytes: wav.length,
      kind: "wav",
    });
    assert.ok(!JSON.stringify(summary).includes("RIFF"));
  });

  it("turns form fields into values, lists for repeated fields", () => {
    const fields = new Map<string, unknown[]>([
      ["title", ["Mine"]],
      ["voices", [new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0]), new Uint8Array(3)]],
    ]);
    assert.deepEqual(summarizeBody(fields), {
      title: "Mine",
      voices: [
        { $binary: true, bytes: 5, kind: "ogg" },
        { $binary: true, bytes: 3, kind: "unknown" },
      ],
    });
  });

  it("offers playable audio (not images or unknown bytes) to be kept, and names its clip", () => {
    const wav = wavFile(tone(200, 0.1, 16000));
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0]);
    const offered: string[] = [];
    const summary = summarizeBody({ audio: wav, cover: png, raw: new Uint8Array(4) }, (b, kind) => {
      offered.push(kind);
      assert.equal(b, wav);
      return "7";
    });
    assert.deepEqual(offered, ["wav"]);
    assert.deepEqual(summary, {
      audio: { $binary: true, bytes: wav.length, kind: "wav", clip: "7" },
      cover: { $binary: true, bytes: 6, kind: "png" },
      raw: { $binary: true, bytes: 4, kind: "unknown" },
    });
  });

  it("cuts long text and long or deep structures", () => {
    const summary = summarizeBody({ text: "a".repeat(10_000) }) as { text: string };
    assert.ok(summary.text.length < 4100);
    assert.match(summary.text, /10000 characters/);
    const list = summarizeBody(Array.from({ length: 80 }, (_, i) => i)) as unknown[];
    assert.equal(list.length, 51);
    let deep: unknown = "bottom";
    for (let i = 0; i < 20; i++) deep = { deeper: deep };
    assert.ok(!JSON.stringify(summarizeBody(deep)).includes("bottom"));
  });
});
