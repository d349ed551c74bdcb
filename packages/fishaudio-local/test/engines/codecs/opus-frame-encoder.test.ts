import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OpusFrameEncoder } from "../../../src/engines/codecs/opus-frame-encoder.js";

const FRAME = 960; // 20 ms at 48 kHz

/** A deterministic, speech-like test signal: two tones and a little noise, per stream. */
function frames(seed: number, count: number): Int16Array[] {
  let state = seed;
  const out: Int16Array[] = [];
  for (let f = 0; f < count; f++) {
    const frame = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) {
      const t = (f * FRAME + i) / 48_000;
      state = (state * 1103515245 + 12345) >>> 0;
      const noise = ((state >>> 16) / 65536 - 0.5) * 800;
      frame[i] = Math.round(
        6000 * Math.sin(2 * Math.PI * (180 + seed) * t) +
          3000 * Math.sin(2 * Math.PI * 1300 * t) +
          noise,
      );
    }
    out.push(frame);
  }
  return out;
}

function encodeAlone(seed: number, count: number): Uint8Array[] {
  const encoder = new OpusFrameEncoder(48_000, 64_000);
  try {
    return frames(seed, count).map((frame) => encoder.encode(frame, FRAME));
  } finally {
    encoder.delete();
  }
}

describe("OpusFrameEncoder", () => {
  it("gives every stream the same packets whether it is encoded alone or among 150 others", () => {
    const count = 25;
    const streams = 150;
    const expected = encodeAlone(7, count);
    // Encoders are created while others are mid-stream (memory grows under them) and all are
    // fed round-robin, as concurrent HTTP requests do.
    const encoders: OpusFrameEncoder[] = [];
    const inputs: Int16Array[][] = [];
    const outputs: Uint8Array[][] = [];
    for (let s = 0; s < streams; s++) {
      encoders.push(new OpusFrameEncoder(48_000, 64_000));
      inputs.push(frames(s === 75 ? 7 : 1000 + s, count));
      outputs.push([]);
      for (let k = 0; k < encoders.length; k++) {
        const next = outputs[k]!.length;
        if (next < count) outputs[k]!.push(encoders[k]!.encode(inputs[k]![next]!, FRAME));
      }
    }
    for (let f = 0; f < count; f++) {
      for (let k = 0; k < streams; k++) {
        if (outputs[k]!.length < count)
          outputs[k]!.push(encoders[k]!.encode(inputs[k]![f]!, FRAME));
      }
    }
    for (const encoder of encoders) encoder.delete();
    assert.equal(outputs[75]!.length, count);
    outputs[75]!.forEach((packet, i) => {
      assert.deepEqual(packet, expected[i], `packet ${i} differs from the lone encoder's`);
    });
  });

  it("refuses a frame larger than its buffer and use after delete", () => {
    const encoder = new OpusFrameEncoder(48_000, 32_000);
    assert.throws(() => encoder.encode(new Int16Array(10_000), 10_000), RangeError);
    encoder.delete();
    encoder.delete();
    assert.throws(() => encoder.encode(new Int16Array(FRAME), FRAME), /deleted/);
  });
});
