import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "fishaudio";
import { checkUploadable, toBlob, toBytes } from "../../src/core/uploads.js";

describe("uploads", () => {
  it("reads every Uploadable form into bytes", async () => {
    const expected = [1, 2, 3];
    const sources = [
      new Uint8Array(expected),
      new Uint8Array(expected).buffer,
      new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4),
      new DataView(new Uint8Array(expected).buffer),
      new Blob([new Uint8Array(expected)]),
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new Uint8Array([1]));
          c.enqueue(new Uint8Array([2, 3]));
          c.close();
        },
      }),
    ];
    for (const source of sources) assert.deepEqual([...(await toBytes("audio", source))], expected);
  });

  it("keeps a File as it is and wraps bytes as application/octet-stream", async () => {
    const file = new File(["x"], "voice.wav", { type: "audio/wav" });
    assert.equal(await toBlob("voices[0]", file), file);
    const blob = await toBlob("voices[0]", new Uint8Array([1]));
    assert.equal(blob.type, "application/octet-stream");
  });

  it("rejects anything else with a ValidationError naming the field", () => {
    for (const bad of ["path/to/file.wav", 42, null, { data: [] }]) {
      assert.throws(
        () => checkUploadable("voices[1]", bad),
        (e: unknown) => e instanceof ValidationError && e.field === "voices[1]",
      );
    }
  });
});
