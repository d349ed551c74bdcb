import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  polyphaseSimd,
  polyphaseSimdAvailable,
  polyphaseSimdMemoryBytes,
} from "../../../src/engines/signal/polyphase-wasm.js";

/** The same filter, one tap at a time. */
function reference(
  bank: Float32Array,
  stride: number,
  input: Float32Array,
  start: number,
  count: number,
  phase: number,
  phases: number,
  step: number,
): Float64Array {
  const out = new Float64Array(count);
  let base = start;
  for (let k = 0; k < count; k++) {
    for (let j = 0; j < stride; j++) out[k]! += (input[base + j] ?? 0) * bank[phase * stride + j]!;
    phase += step;
    while (phase >= phases) {
      phase -= phases;
      base++;
    }
  }
  return out;
}

function random(n: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = (x / 2147483648 - 0.5) * scale;
  }
  return out;
}

describe("polyphaseSimd", () => {
  it("computes every output's dot product with its phase's row, as the plain loop does", () => {
    assert.ok(polyphaseSimdAvailable(), "this Node has WebAssembly SIMD");
    for (const [phases, step, stride, start, phase] of [
      [441, 160, 24, 0, 0],
      [441, 160, 24, 17, 300],
      [160, 441, 60, 3, 159],
      [3, 1, 8, 5, 2],
    ] as const) {
      const bank = random(phases * stride, 1, phases + stride);
      const input = random(6000, 60000, start + 1);
      const count = Math.floor(((input.length - start - stride) * phases) / step) - 1;
      const out = new Float32Array(count);
      assert.equal(polyphaseSimd(bank, stride, input, start, out, phase, phases, step), true);
      const want = reference(bank, stride, input, start, count, phase, phases, step);
      for (let k = 0; k < count; k++) {
        assert.ok(Math.abs(out[k]! - want[k]!) < 0.05, `output ${k}: ${out[k]} vs ${want[k]}`);
      }
    }
  });

  it("counts inputs past the end as silence, works in bounded memory, and switches banks", () => {
    const stride = 8;
    const small = random(2 * stride, 1, 7);
    const input = random(20, 1000, 9);
    const tail = new Float32Array(30);
    polyphaseSimd(small, stride, input, 0, tail, 0, 2, 1);
    const want = reference(small, stride, input, 0, 30, 0, 2, 1);
    for (let k = 0; k < 30; k++) assert.ok(Math.abs(tail[k]! - want[k]!) < 0.01);

    // Half a million outputs at once (a whole upload) run in blocks: the memory stays small.
    const big = random(441 * 24, 1, 3);
    const long = random(200_000, 1000, 4);
    const out = new Float32Array(500_000);
    polyphaseSimd(big, 24, long, 0, out, 0, 441, 160);
    const check = reference(big, 24, long, 0, 500_000, 0, 441, 160);
    for (let k = 0; k < 500_000; k += 997) assert.ok(Math.abs(out[k]! - check[k]!) < 0.05);
    assert.ok(Math.abs(out[499_999]! - check[499_999]!) < 0.05);
    assert.ok(polyphaseSimdMemoryBytes() < 512 * 1024, `${polyphaseSimdMemoryBytes()} bytes`);

    // Back to the first bank: it is copied in again, not read from what the second left.
    polyphaseSimd(small, stride, input, 0, tail, 0, 2, 1);
    for (let k = 0; k < 30; k++) assert.ok(Math.abs(tail[k]! - want[k]!) < 0.01);
  });

  it("writes nothing for no outputs", () => {
    const out = new Float32Array(0);
    assert.equal(polyphaseSimd(new Float32Array(8), 4, new Float32Array(8), 0, out, 0, 2, 1), true);
  });
});
