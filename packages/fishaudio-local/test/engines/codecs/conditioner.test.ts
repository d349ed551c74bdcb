import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Conditioner } from "../../../src/engines/codecs/conditioner.js";
import { rms, tone } from "../fixtures.js";

function run(c: Conditioner, samples: Int16Array, rate: number): Int16Array {
  const a = c.process({ samples, sampleRate: rate });
  const b = c.flush();
  const out = new Int16Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function peak(samples: Int16Array): number {
  return samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
}

describe("Conditioner", () => {
  it("passes audio through unchanged at the same rate and 0 dB", () => {
    const input = tone(440, 0.1, 16000);
    assert.deepEqual(run(new Conditioner({ sampleRate: 16000 }), input, 16000), input);
  });

  it("applies volume in dB", () => {
    const input = tone(440, 0.2, 16000, 4000);
    const louder = run(new Conditioner({ sampleRate: 16000, volumeDb: 6 }), input, 16000);
    const quieter = run(new Conditioner({ sampleRate: 16000, volumeDb: -20 }), input, 16000);
    assert.ok(Math.abs(rms(louder) / rms(input) - 1.995) < 0.01);
    assert.ok(Math.abs(rms(quieter) / rms(input) - 0.1) < 0.005);
  });

  it("clips instead of wrapping around when the gain overflows Int16", () => {
    const out = run(
      new Conditioner({ sampleRate: 16000, volumeDb: 20 }),
      tone(440, 0.1, 16000, 20000),
      16000,
    );
    assert.equal(Math.max(...out), 32767);
    assert.equal(Math.min(...out), -32768);
  });

  it("normalises a quiet voice up toward -1 dBFS, by at most +12 dB", () => {
    const mid = run(
      new Conditioner({ sampleRate: 16000, normalize: true }),
      tone(200, 0.5, 16000, 10000),
      16000,
    );
    assert.ok(Math.abs(peak(mid) - 29164) < 50, `peak ${peak(mid)}`);
    const faint = run(
      new Conditioner({ sampleRate: 16000, normalize: true }),
      tone(200, 0.5, 16000, 1000),
      16000,
    );
    assert.ok(peak(faint) > 3000 && peak(faint) <= 4000, `peak ${peak(faint)}`);
  });

  it("resamples to the output rate, across chunks of a changing input rate", () => {
    const c = new Conditioner({ sampleRate: 48000 });
    const a = c.process({ samples: tone(300, 0.5, 16000), sampleRate: 16000 });
    const b = c.process({ samples: tone(300, 0.5, 22050), sampleRate: 22050 });
    const total = a.length + b.length + c.flush().length;
    assert.ok(Math.abs(total - 48000) <= 2, `got ${total}`);
  });

  it("gives the same audio as floats in [-1, 1], clipped there instead of at Int16", () => {
    const input = tone(440, 0.3, 16000, 12000);
    const options = { sampleRate: 44100, volumeDb: 9, normalize: true };
    const ints = run(new Conditioner(options), input, 16000);
    const c = new Conditioner(options);
    const a = c.processFloat({ samples: input, sampleRate: 16000 });
    const b = c.flushFloat();
    assert.equal(a.length + b.length, ints.length);
    let worst = 0;
    for (let i = 0; i < ints.length; i++) {
      const f = i < a.length ? a[i]! : b[i - a.length]!;
      assert.ok(f >= -1 && f <= 1, `sample ${i} is ${f}`);
      worst = Math.max(worst, Math.abs(f * 32768 - ints[i]!));
    }
    assert.ok(worst <= 1, `floats differ from Int16 output by ${worst}`);
    assert.ok(Math.max(...a) === 1 && Math.min(...a) === -1, "a +9 dB boost clips");
  });
});
