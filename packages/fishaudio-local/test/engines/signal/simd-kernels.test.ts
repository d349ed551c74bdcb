import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  peakSimd,
  polyphaseSimd,
  scaleClipSimd,
  simdKernelsAvailable,
  simdKernelsMemoryBytes,
} from "../../../src/engines/signal/simd-kernels.js";

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

describe("SIMD kernels", () => {
  it("computes every output's dot product with its phase's row, as the plain loop does", () => {
    assert.ok(simdKernelsAvailable(), "this Node has WebAssembly SIMD");
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
    assert.ok(simdKernelsMemoryBytes() < 512 * 1024, `${simdKernelsMemoryBytes()} bytes`);

    // Back to the first bank: it is copied in again, not read from what the second left.
    polyphaseSimd(small, stride, input, 0, tail, 0, 2, 1);
    for (let k = 0; k < 30; k++) assert.ok(Math.abs(tail[k]! - want[k]!) < 0.01);
  });

  it("writes nothing for no outputs", () => {
    const out = new Float32Array(0);
    assert.equal(polyphaseSimd(new Float32Array(8), 4, new Float32Array(8), 0, out, 0, 2, 1), true);
  });

  it("finds the peak of any length, with its floor, as Math.abs and Math.max do", () => {
    for (const n of [1, 3, 4, 7, 11025, 40_001]) {
      const x = random(n, 60000, n);
      x[n >> 1] = -31000.5;
      const want = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.equal(peakSimd(x, 0), want, `length ${n}`);
      assert.equal(peakSimd(x, 40000), 40000, `length ${n}, floor above the peak`);
    }
    assert.equal(peakSimd(new Float32Array(0), 5), 5);
  });

  it("scales and clips in place to [-1, 1], touching nothing past the end", () => {
    for (const n of [1, 5, 16384, 40_003]) {
      const backing = random(n + 3, 60000, n + 1);
      const x = backing.subarray(0, n);
      const before = Float32Array.from(backing);
      assert.equal(scaleClipSimd(x, 1 / 20000), true);
      for (let i = 0; i < n; i++) {
        const want = Math.min(1, Math.max(-1, Math.fround(before[i]! * Math.fround(1 / 20000))));
        assert.ok(Math.abs(x[i]! - want) < 1e-6, `sample ${i} of ${n}: ${x[i]} vs ${want}`);
      }
      assert.deepEqual(backing.subarray(n), before.subarray(n));
      if (n > 1000) assert.ok(x.some((v) => v === 1) && x.some((v) => v === -1), "it clips");
    }
  });

  it("keeps the resampler's bank intact around the level kernels", () => {
    const bank = random(441 * 32, 1, 11);
    const input = random(3000, 30000, 12);
    const first = new Float32Array(5000);
    polyphaseSimd(bank, 32, input, 0, first, 0, 441, 160);
    peakSimd(random(50_000, 1, 13), 0);
    scaleClipSimd(random(50_000, 1, 14), 0.5);
    const again = new Float32Array(5000);
    polyphaseSimd(bank, 32, input, 0, again, 0, 441, 160);
    assert.deepEqual(again, first);
  });
});
