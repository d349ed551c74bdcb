import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isWav,
  PLACEHOLDER_DATA_SIZE,
  PLACEHOLDER_RIFF_SIZE,
  parseWav,
  wavHeader,
} from "../../../src/engines/codecs/wav.js";
import { UnsupportedAudioError } from "../../../src/engines/types.js";

function wavFile(opts: {
  format: number;
  channels: number;
  bits: number;
  rate: number;
  data: Uint8Array;
  extraChunk?: boolean;
}) {
  const chunks: Uint8Array[] = [];
  const fmt = new Uint8Array(24);
  const v = new DataView(fmt.buffer);
  fmt.set(new TextEncoder().encode("fmt "), 0);
  v.setUint32(4, 16, true);
  v.setUint16(8, opts.format, true);
  v.setUint16(10, opts.channels, true);
  v.setUint32(12, opts.rate, true);
  v.setUint32(16, (opts.rate * opts.channels * opts.bits) / 8, true);
  v.setUint16(20, (opts.channels * opts.bits) / 8, true);
  v.setUint16(22, opts.bits, true);
  chunks.push(fmt);
  if (opts.extraChunk) {
    // An odd-sized LIST chunk: its pad byte must be skipped.
    const list = new Uint8Array(8 + 3 + 1);
    list.set(new TextEncoder().encode("LIST"), 0);
    new DataView(list.buffer).setUint32(4, 3, true);
    chunks.push(list);
  }
  const dataHeader = new Uint8Array(8);
  dataHeader.set(new TextEncoder().encode("data"), 0);
  new DataView(dataHeader.buffer).setUint32(4, opts.data.length, true);
  chunks.push(dataHeader, opts.data);
  const body = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(12 + body);
  out.set(new TextEncoder().encode("RIFF"), 0);
  new DataView(out.buffer).setUint32(4, 4 + body, true);
  out.set(new TextEncoder().encode("WAVE"), 8);
  let offset = 12;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

describe("wavHeader", () => {
  it("writes the service's placeholder sizes and 16-bit mono PCM fields", () => {
    const h = wavHeader(24000);
    const v = new DataView(h.buffer);
    assert.equal(h.length, 44);
    assert.equal(new TextDecoder().decode(h.subarray(0, 4)), "RIFF");
    assert.equal(v.getUint32(4, true), 4294967076);
    assert.equal(PLACEHOLDER_RIFF_SIZE, 4294967076);
    assert.equal(new TextDecoder().decode(h.subarray(8, 16)), "WAVEfmt ");
    assert.equal(v.getUint16(20, true), 1);
    assert.equal(v.getUint16(22, true), 1);
    assert.equal(v.getUint32(24, true), 24000);
    assert.equal(v.getUint32(28, true), 48000);
    assert.equal(v.getUint16(32, true), 2);
    assert.equal(v.getUint16(34, true), 16);
    assert.equal(new TextDecoder().decode(h.subarray(36, 40)), "data");
    assert.equal(v.getUint32(40, true), 4294967040);
    assert.equal(PLACEHOLDER_DATA_SIZE, 4294967040);
  });
});

describe("parseWav", () => {
  it("reads a placeholder-header stream, clamping the data size to what is there", () => {
    const samples = Int16Array.from([1, -2, 300, -32768, 32767]);
    const bytes = new Uint8Array(44 + samples.byteLength);
    bytes.set(wavHeader(16000), 0);
    bytes.set(new Uint8Array(samples.buffer), 44);
    const parsed = parseWav(bytes);
    assert.equal(parsed.sampleRate, 16000);
    assert.deepEqual(Array.from(parsed.samples), Array.from(samples));
  });

  it("downmixes 24-bit stereo and skips unknown (odd-sized) chunks", () => {
    // Left = +0.5 full scale, right = -0.25: mean +0.125 -> 4096.
    const data = Uint8Array.from([0x00, 0x00, 0x40, 0x00, 0x00, 0xe0]);
    const parsed = parseWav(
      wavFile({ format: 1, channels: 2, bits: 24, rate: 48000, data, extraChunk: true }),
    );
    assert.equal(parsed.sampleRate, 48000);
    assert.deepEqual(Array.from(parsed.samples), [4096]);
  });

  it("reads 8-bit unsigned and 32-bit float", () => {
    assert.deepEqual(
      Array.from(
        parseWav(
          wavFile({
            format: 1,
            channels: 1,
            bits: 8,
            rate: 8000,
            data: Uint8Array.from([128, 192, 0]),
          }),
        ).samples,
      ),
      [0, 16384, -32768],
    );
    const floats = new Float32Array([0.5, -1]);
    const parsed = parseWav(
      wavFile({
        format: 3,
        channels: 1,
        bits: 32,
        rate: 8000,
        data: new Uint8Array(floats.buffer),
      }),
    );
    assert.deepEqual(Array.from(parsed.samples), [16384, -32768]);
  });

  it("rejects non-WAV bytes and unsupported encodings with UnsupportedAudioError", () => {
    assert.equal(isWav(new TextEncoder().encode("hello world!")), false);
    assert.throws(() => parseWav(new TextEncoder().encode("hello world!")), UnsupportedAudioError);
    const alaw = wavFile({ format: 6, channels: 1, bits: 8, rate: 8000, data: new Uint8Array(4) });
    assert.throws(() => parseWav(alaw), /Unsupported WAV encoding/);
  });
});
