import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { estimatePitch } from "../../../src/engines/signal/pitch.js";
import { tone } from "../fixtures.js";

function voiced(f0: number, seconds: number, rate: number): Int16Array {
  // A harmonic-rich "voice": fundamental plus decaying harmonics.
  const out = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin((2 * Math.PI * f0 * h * i) / rate) / h;
    out[i] = Math.round(6000 * v);
  }
  return out;
}

describe("estimatePitch", () => {
  for (const f0 of [85, 120, 180, 260]) {
    it(`finds ${f0} Hz in a harmonic signal`, () => {
      const hz = estimatePitch({ samples: voiced(f0, 1, 16000), sampleRate: 16000 });
      assert.ok(hz !== undefined && Math.abs(hz - f0) / f0 < 0.03, `got ${hz}`);
    });
  }

  it("works at other input rates", () => {
    const hz = estimatePitch({ samples: tone(150, 1, 44100), sampleRate: 44100 });
    assert.ok(hz !== undefined && Math.abs(hz - 150) < 4, `got ${hz}`);
  });

  it("ignores silent gaps when taking the median", () => {
    const speech = voiced(140, 0.5, 16000);
    const samples = new Int16Array(16000 * 2);
    samples.set(speech, 0);
    samples.set(speech, 24000);
    const hz = estimatePitch({ samples, sampleRate: 16000 });
    assert.ok(hz !== undefined && Math.abs(hz - 140) < 4, `got ${hz}`);
  });

  it("returns undefined for silence, noise-free emptiness and too-short input", () => {
    assert.equal(estimatePitch({ samples: new Int16Array(16000), sampleRate: 16000 }), undefined);
    assert.equal(estimatePitch({ samples: new Int16Array(0), sampleRate: 16000 }), undefined);
    assert.equal(estimatePitch({ samples: tone(150, 0.02, 16000), sampleRate: 16000 }), undefined);
  });

  it("returns undefined for white noise (nothing voiced)", () => {
    let seed = 1;
    const noise = new Int16Array(16000).map(() => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed / 2147483648 - 0.5) * 20000;
    });
    assert.equal(estimatePitch({ samples: noise, sampleRate: 16000 }), undefined);
  });
});
