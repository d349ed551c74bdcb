import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OggWriter, oggCrc, opusHead, opusTags } from "../../../src/engines/codecs/ogg.js";

/** Bit-by-bit CRC (no table), to check the table-driven one. */
function slowCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      const top = ((crc >>> 31) ^ (b >> bit)) & 1;
      crc = ((crc << 1) ^ (top ? 0x04c11db7 : 0)) >>> 0;
    }
  }
  return crc;
}

describe("oggCrc", () => {
  it("is CRC-32 with polynomial 0x04C11DB7, zero init, no reflection, no final xor", () => {
    // CRC-32/POSIX (cksum) uses the same register but xors the result with 0xFFFFFFFF: check 0x765E7680.
    assert.equal(oggCrc(new TextEncoder().encode("123456789")), (0x765e7680 ^ 0xffffffff) >>> 0);
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
    assert.equal(oggCrc(random), slowCrc(random));
  });
});

describe("OggWriter", () => {
  it("writes pages with lacing, flags, granule, serial, sequence and a valid CRC", () => {
    const ogg = new OggWriter(0xdeadbeef);
    const first = ogg.page([new Uint8Array(10)], 0n, { bos: true });
    const packets = [new Uint8Array(300).fill(1), new Uint8Array(255).fill(2)];
    const second = ogg.page(packets, 1234n, { eos: true });
    const v1 = new DataView(first.buffer);
    const v2 = new DataView(second.buffer);
    assert.equal(new TextDecoder().decode(first.subarray(0, 4)), "OggS");
    assert.equal(first[5], 0x02);
    assert.equal(second[5], 0x04);
    assert.equal(v2.getBigUint64(6, true), 1234n);
    assert.equal(v1.getUint32(14, true), 0xdeadbeef);
    assert.equal(v1.getUint32(18, true), 0);
    assert.equal(v2.getUint32(18, true), 1);
    // 300 = 255 + 45; 255 = 255 + 0 (a packet of exactly 255 needs a terminating 0).
    assert.deepEqual(Array.from(second.subarray(26, 27 + second[26]!)), [4, 255, 45, 255, 0]);
    for (const page of [first, second]) {
      const copy = page.slice();
      new DataView(copy.buffer).setUint32(22, 0, true);
      assert.equal(new DataView(page.buffer).getUint32(22, true), slowCrc(copy));
    }
  });

  it("refuses more than 255 lacing values on one page", () => {
    const ogg = new OggWriter(1);
    assert.throws(
      () =>
        ogg.page(
          Array.from({ length: 256 }, () => new Uint8Array(1)),
          0n,
        ),
      RangeError,
    );
  });
});

describe("Opus headers", () => {
  it("OpusHead carries version 1, one channel, the pre-skip and the input rate", () => {
    const h = opusHead(312, 44100);
    const v = new DataView(h.buffer);
    assert.equal(new TextDecoder().decode(h.subarray(0, 8)), "OpusHead");
    assert.equal(h[8], 1);
    assert.equal(h[9], 1);
    assert.equal(v.getUint16(10, true), 312);
    assert.equal(v.getUint32(12, true), 44100);
    assert.equal(h[18], 0);
  });

  it("OpusTags carries the vendor string and zero comments", () => {
    const t = opusTags("abc");
    const v = new DataView(t.buffer);
    assert.equal(new TextDecoder().decode(t.subarray(0, 8)), "OpusTags");
    assert.equal(v.getUint32(8, true), 3);
    assert.equal(new TextDecoder().decode(t.subarray(12, 15)), "abc");
    assert.equal(v.getUint32(15, true), 0);
  });
});
