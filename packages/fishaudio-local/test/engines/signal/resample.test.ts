import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Resampler, resampleInt16 } from "../../../src/engines/signal/resample.js";
import { simdKernelsAvailable } from "../../../src/engines/signal/simd-kernels.js";
import { rms, tone } from "../fixtures.js";

/** Amplitude of the `hz` component over one second of `x` from `start` (whole cycles: no leakage). */
function amplitude(x: ArrayLike<number>, rate: number, hz: number, start: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < rate; i++) {
    const phase = (2 * Math.PI * hz * i) / rate;
    re += x[start + i]! * Math.cos(phase);
    im += x[start + i]! * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / rate;
}

function resampled(input: Int16Array, inRate: number, outRate: number): Float32Array {
  const r = new Resampler(inRate, outRate);
  const a = r.push(input);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const dB = (ratio: number) => 20 * Math.log10(ratio);

describe("Resampler", () => {
  it("keeps a tone's level and length when upsampling 16 kHz to 44.1 kHz", () => {
    const input = tone(440, 1, 16000);
    const out = resampleInt16(input, 16000, 44100);
    assert.equal(out.length, 44100);
    const ratio = rms(out.subarray(1000, 43000)) / rms(input.subarray(400, 15600));
    assert.ok(Math.abs(ratio - 1) < 0.02, `level ratio ${ratio}`);
  });

  it("16 kHz -> 44.1 kHz: flat to 6 kHz, every image from 9 kHz up at least 78 dB down", () => {
    for (const hz of [1000, 4000, 6000, 7000]) {
      const out = resampled(tone(hz, 1.5, 16000, 10000), 16000, 44100);
      assert.equal(out.length, Math.round(1.5 * 44100));
      const level = dB(amplitude(out, 44100, hz, 11025) / 10000);
      if (hz <= 6000) assert.ok(Math.abs(level) < 0.1, `${hz} Hz comes out at ${level} dB`);
      else assert.ok(level > -1 && level < 0, `${hz} Hz comes out at ${level} dB`);
      for (const image of [16000 - hz, 16000 + hz].filter((f) => f < 22050)) {
        const rejection = dB(amplitude(out, 44100, image, 11025) / 10000);
        assert.ok(rejection < -78, `${hz} Hz leaves an image at ${image} Hz of ${rejection} dB`);
      }
    }
  });

  it("44.1 kHz -> 16 kHz: what lies above 9 kHz is filtered out, not folded back", () => {
    for (const hz of [9000, 10000, 13000]) {
      const out = resampled(tone(hz, 1.5, 44100, 10000), 44100, 16000);
      const alias = dB(amplitude(out, 16000, 16000 - hz, 4000) / 10000);
      assert.ok(alias < -78, `${hz} Hz folds to ${16000 - hz} Hz at ${alias} dB`);
    }
    const kept = dB(
      amplitude(resampled(tone(3000, 1.5, 44100), 44100, 16000), 16000, 3000, 4000) / 10000,
    );
    assert.ok(Math.abs(kept) < 0.1, `3 kHz comes out at ${kept} dB`);
  });

  it("round-trips 16 kHz -> 44.1 kHz -> 16 kHz within a few LSB", () => {
    const input = tone(300, 0.5, 16000);
    const back = resampleInt16(resampleInt16(input, 16000, 44100), 44100, 16000);
    assert.equal(back.length, input.length);
    let worst = 0;
    for (let i = 200; i < input.length - 200; i++)
      worst = Math.max(worst, Math.abs(back[i]! - input[i]!));
    assert.ok(worst <= 8, `max error ${worst}`);
  });

  it("low-passes before downsampling: a 10 kHz tone does not alias into 16 kHz output", () => {
    const out = resampleInt16(tone(10000, 1, 44100), 44100, 16000);
    assert.ok(rms(out.subarray(500, 15500)) < 10, `aliased energy ${rms(out)}`);
  });

  it("streams: pushing in pieces gives the same output as one push", () => {
    const input = tone(523, 0.3, 22050);
    const whole = resampleInt16(input, 22050, 48000);
    const r = new Resampler(22050, 48000);
    const parts: Float32Array[] = [];
    for (let i = 0; i < input.length; i += 777) parts.push(r.push(input.subarray(i, i + 777)));
    parts.push(r.flush());
    const joined = parts.flatMap((p) => Array.from(p, Math.round));
    assert.equal(joined.length, whole.length);
    for (let i = 0; i < whole.length; i++) assert.ok(Math.abs(joined[i]! - whole[i]!) <= 1);
  });

  it("gives the same output through WebAssembly SIMD as through the JavaScript loop", () => {
    assert.ok(simdKernelsAvailable(), "this Node has WebAssembly SIMD");
    const input = tone(523, 0.7, 44100);
    for (const [inRate, outRate] of [
      [16000, 44100],
      [22050, 48000],
      [44100, 16000],
      [16000, 48000],
    ] as const) {
      const pcm = input.subarray(0, Math.round(0.7 * inRate));
      const simd = new Resampler(inRate, outRate);
      const js = new Resampler(inRate, outRate, { simd: false });
      for (let i = 0; i < pcm.length; i += 1001) {
        const a = simd.push(pcm.subarray(i, i + 1001));
        const b = js.push(pcm.subarray(i, i + 1001));
        assert.equal(a.length, b.length);
        for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k]! - b[k]!) < 0.05);
      }
      const a = simd.flush();
      const b = js.flush();
      assert.equal(a.length, b.length);
      for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k]! - b[k]!) < 0.05);
    }
  });

  it("handles rates with no small common divisor", () => {
    const out = resampleInt16(tone(440, 0.5, 16000), 16000, 22051);
    assert.ok(Math.abs(out.length - 11026) <= 1);
    assert.ok(rms(out) > 6000);
  });

  it("rejects non-positive rates", () => {
    assert.throws(() => new Resampler(0, 16000), RangeError);
  });
});
