import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decode } from "@msgpack/msgpack";
import { encodeMsgpack, float64 } from "../../src/internal/msgpack.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("encodeMsgpack", () => {
  it("writes the smallest integer encodings", () => {
    const cases: [number, string][] = [
      [0, "00"],
      [127, "7f"],
      [128, "cc80"],
      [200, "ccc8"],
      [1024, "cd0400"],
      [16000, "cd3e80"],
      [70000, "ce00011170"],
      [2 ** 40, "cf0000010000000000"],
      [-1, "ff"],
      [-32, "e0"],
      [-33, "d0df"],
      [-1000, "d1fc18"],
      [-40000, "d2ffff63c0"],
    ];
    for (const [value, expected] of cases)
      assert.equal(hex(encodeMsgpack(value)), expected, `${value}`);
  });

  it("writes float64 for non-integers and for values marked float64", () => {
    assert.equal(hex(encodeMsgpack(0.7)), "cb3fe6666666666666");
    assert.equal(hex(encodeMsgpack(float64(-3))), "cbc008000000000000");
    assert.equal(hex(encodeMsgpack(float64(1))), "cb3ff0000000000000");
  });

  it("writes str, bin, bool, nil, arrays and maps in insertion order, skipping undefined", () => {
    const bytes = encodeMsgpack({
      b: true,
      a: null,
      skipped: undefined,
      bin: new Uint8Array([1, 2]),
      list: ["x", false],
    });
    assert.equal(hex(bytes), "84a162c3a161c0a362696ec4020102a46c69737492a178c2");
  });

  it("switches to the wider headers at the msgpack boundaries", () => {
    const str32 = "a".repeat(32);
    assert.equal(hex(encodeMsgpack(str32)).slice(0, 4), "d920");
    assert.equal(hex(encodeMsgpack("a".repeat(300))).slice(0, 6), "da012c");
    assert.equal(hex(encodeMsgpack(new Uint8Array(300))).slice(0, 6), "c5012c");
    assert.equal(hex(encodeMsgpack(new Uint8Array(70000))).slice(0, 10), "c600011170");
    const bigList = Array.from({ length: 16 }, (_, i) => i);
    assert.equal(hex(encodeMsgpack(bigList)).slice(0, 6), "dc0010");
    const bigMap = Object.fromEntries(bigList.map((i) => [`k${i}`, i]));
    assert.equal(hex(encodeMsgpack(bigMap)).slice(0, 6), "de0010");
  });

  it("round-trips through @msgpack/msgpack", () => {
    const value = {
      text: "héllo ✓",
      n: [0, -1, 255, 65536, -129, 1.5],
      nested: { deep: [new Uint8Array([9]), null, true] },
    };
    assert.deepEqual(decode(encodeMsgpack(value)), value);
  });
});
