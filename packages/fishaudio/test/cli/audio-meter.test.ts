import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { AudioMeter } from "../../src/cli/audio-meter.js";
import { fixture } from "../fixtures/fixtures.js";

/** Feeds `bytes` in pieces of `size` (odd sizes split every header across chunks). */
function feed(meter: AudioMeter, bytes: Uint8Array, size: number): void {
  for (let at = 0; at < bytes.length; at += size) meter.push(bytes.subarray(at, at + size));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** An MPEG-1 layer III frame at 44.1 kHz / 128 kbps (417 or 418 bytes), silent payload. */
function mp3Frame(padding: 0 | 1): Uint8Array {
  const frame = new Uint8Array(417 + padding);
  frame.set([0xff, 0xfb, 0x90 | (padding << 1), 0x64]);
  return frame;
}

/** An MPEG-2 layer III frame at 24 kHz / 64 kbps: 576 samples, 192 bytes. */
function mp3Frame24k(): Uint8Array {
  const frame = new Uint8Array(192);
  frame.set([0xff, 0xf3, 0x84, 0x64]);
  return frame;
}

function oggPage(flags: number, granule: bigint, body: Uint8Array): Uint8Array {
  const segments: number[] = [];
  let left = body.length;
  while (left >= 255) {
    segments.push(255);
    left -= 255;
  }
  segments.push(left);
  const head = new Uint8Array(27 + segments.length);
  head.set([0x4f, 0x67, 0x67, 0x53, 0, flags]);
  new DataView(head.buffer).setBigUint64(6, granule, true);
  head[26] = segments.length;
  head.set(segments, 27);
  return concat([head, body]);
}

describe("AudioMeter", () => {
  it("counts mp3 frames after an ID3 tag, across any chunking", () => {
    const id3 = new Uint8Array(10 + 300);
    id3.set([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 2, 44]); // size 2*128 + 44 = 300
    const frames = Array.from({ length: 100 }, (_, i) => mp3Frame(i % 2 === 0 ? 0 : 1));
    const stream = concat([id3, ...frames]);
    for (const size of [1, 3, 417, 4096, stream.length]) {
      const meter = new AudioMeter("mp3");
      feed(meter, stream, size);
      assert.ok(Math.abs(meter.seconds! - (100 * 1152) / 44_100) < 1e-9, `chunk size ${size}`);
    }
  });

  it("reads the sample rate from MPEG-2 frame headers", () => {
    const meter = new AudioMeter("mp3");
    feed(meter, concat(Array.from({ length: 50 }, mp3Frame24k)), 100);
    assert.ok(Math.abs(meter.seconds! - (50 * 576) / 24_000) < 1e-9);
  });

  it("skips garbage before the first mp3 frame", () => {
    const meter = new AudioMeter("mp3");
    feed(meter, concat([new Uint8Array([1, 2, 3, 0xff, 0x00]), mp3Frame(0), mp3Frame(0)]), 7);
    assert.ok(Math.abs(meter.seconds! - (2 * 1152) / 44_100) < 1e-9);
  });

  it("measures a real WAV file from its fmt chunk and data bytes", () => {
    const wav = new Uint8Array(readFileSync(fixture("jfk.wav")));
    for (const size of [5, 1000, wav.length]) {
      const meter = new AudioMeter("wav");
      feed(meter, wav, size);
      assert.ok(Math.abs(meter.seconds! - 11) < 0.001, `chunk size ${size}: ${meter.seconds}`);
    }
  });

  it("ignores the placeholder sizes of a streamed WAV header", () => {
    const header = new Uint8Array(44);
    const view = new DataView(header.buffer);
    header.set([0x52, 0x49, 0x46, 0x46]);
    view.setUint32(4, 4294967076, true);
    header.set([0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20], 8);
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, 44_100, true);
    view.setUint32(28, 88_200, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    header.set([0x64, 0x61, 0x74, 0x61], 36);
    view.setUint32(40, 4294967040, true);
    const meter = new AudioMeter("wav");
    feed(meter, concat([header, new Uint8Array(88_200 * 3)]), 1024);
    assert.equal(meter.seconds, 3);
  });

  it("gives up (undefined) on a stream that is not WAV", () => {
    const meter = new AudioMeter("wav");
    meter.push(new TextEncoder().encode("this is not a wav file at all"));
    assert.equal(meter.seconds, undefined);
  });

  it("counts headerless pcm at the given sample rate", () => {
    const meter = new AudioMeter("pcm", 16_000);
    feed(meter, new Uint8Array(16_000 * 2 * 2.5), 333);
    assert.equal(meter.seconds, 2.5);
  });

  it("takes Ogg Opus duration from the last granule position minus pre-skip", () => {
    const head = new Uint8Array(19);
    head.set(new TextEncoder().encode("OpusHead"));
    head[8] = 1;
    head[9] = 1;
    new DataView(head.buffer).setUint16(10, 312, true);
    const tags = new TextEncoder().encode("OpusTags\0\0\0\0\0\0\0\0");
    const pages = concat([
      oggPage(0x02, 0n, head),
      oggPage(0x00, 0n, tags),
      oggPage(0x00, 48_000n + 312n, new Uint8Array(600)),
      oggPage(0x00, 0xffffffffffffffffn, new Uint8Array(100)), // no packet ends here
      oggPage(0x04, 96_000n + 312n, new Uint8Array(300)),
    ]);
    for (const size of [1, 50, pages.length]) {
      const meter = new AudioMeter("opus");
      feed(meter, pages, size);
      assert.equal(meter.seconds, 2, `chunk size ${size}`);
    }
  });
});
