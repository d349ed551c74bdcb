import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Resampler, resampleInt16 } from "../../../src/engines/signal/resample.js";
import { rms, tone } from "../fixtures.js";

describe("Resampler", () => {
  it("keeps a tone's level and length when upsampling 16 kHz to 44.1 kHz", () => {
    const input = tone(440, 1, 16000);
    const out = resampleInt16(input, 16000, 44100);
    assert.equal(out.length, 44100);
    const ratio = rms(out.subarray(1000, 43000)) / rms(input.subarray(400, 15600));
    assert.ok(Math.abs(ratio - 1) < 0.02, `level ratio ${ratio}`);
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

  it("handles rates with no small common divisor", () => {
    const out = resampleInt16(tone(440, 0.5, 16000), 16000, 22051);
    assert.ok(Math.abs(out.length - 11026) <= 1);
    assert.ok(rms(out) > 6000);
  });

  it("rejects non-positive rates", () => {
    assert.throws(() => new Resampler(0, 16000), RangeError);
  });
});
