import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { leb, readLeb } from "../../src/engines/wasm-leb.js";

describe("unsigned LEB128", () => {
  it("writes the spec's example and the edges of each byte length", () => {
    assert.deepEqual(leb(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(leb(0), [0]);
    assert.deepEqual(leb(127), [0x7f]);
    assert.deepEqual(leb(128), [0x80, 0x01]);
    assert.deepEqual(leb(2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it("reads back what it writes, from inside a larger buffer", () => {
    for (const n of [0, 1, 127, 128, 300, 16_383, 16_384, 17_086_056, 2 ** 31, 2 ** 32 - 1]) {
      const bytes = Uint8Array.from([0xaa, ...leb(n), 0xbb]);
      assert.deepEqual(readLeb(bytes, 1), [n, bytes.length - 1], `${n}`);
    }
  });
});
