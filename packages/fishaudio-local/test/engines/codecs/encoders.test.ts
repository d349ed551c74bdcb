import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { decodeAudio } from "../../../src/engines/codecs/decode.js";
import {
  createEncoder,
  mp3Bitrate,
  mp3SampleRate,
  opusBitrate,
} from "../../../src/engines/codecs/encoders.js";
import { idleMp3, prepareMp3, warmMp3 } from "../../../src/engines/codecs/mp3-encoder.js";
import { oggCrc } from "../../../src/engines/codecs/ogg.js";
import { parseWav } from "../../../src/engines/codecs/wav.js";
import { estimatePitch } from "../../../src/engines/signal/pitch.js";
import type { AudioEncoder, EncoderOptions } from "../../../src/engines/types.js";
import { fixture } from "../../helpers/fixtures.js";
import { tone } from "../fixtures.js";

/** 1.5 s of a 200 Hz tone at 16 kHz, fed in 100 ms chunks like engine output. */
const SOURCE = tone(200, 1.5, 16000, 12000);

async function encodeAll(options: EncoderOptions, samples = SOURCE, rate = 16000) {
  const enc: AudioEncoder = await createEncoder(options);
  const writes: Uint8Array[] = [];
  for (let i = 0; i < samples.length; i += rate / 10) {
    writes.push(enc.write({ samples: samples.subarray(i, i + rate / 10), sampleRate: rate }));
  }
  const tail = enc.end();
  const all = new Uint8Array(writes.reduce((n, w) => n + w.length, 0) + tail.length);
  let offset = 0;
  for (const w of [...writes, tail]) {
    all.set(w, offset);
    offset += w.length;
  }
  return { enc, writes, bytes: all };
}

const MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_RATES_V1 = [44100, 48000, 32000];

/** Walks MPEG-1 Layer III frame headers; returns each frame's bitrate and sample rate. */
function mp3Frames(bytes: Uint8Array): { kbps: number; rate: number }[] {
  const frames: { kbps: number; rate: number }[] = [];
  let i = 0;
  while (i + 4 <= bytes.length) {
    assert.equal(bytes[i], 0xff, `frame sync at ${i}`);
    assert.equal(bytes[i + 1]! & 0xfe, 0xfa, "MPEG-1 Layer III");
    const kbps = MP3_BITRATES_V1[bytes[i + 2]! >> 4]!;
    const rate = MP3_RATES_V1[(bytes[i + 2]! >> 2) & 3]!;
    const padding = (bytes[i + 2]! >> 1) & 1;
    frames.push({ kbps, rate });
    i += Math.floor((144000 * kbps) / rate) + padding;
  }
  assert.equal(i, bytes.length, "frames tile the file exactly");
  return frames;
}

interface OggPage {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  packets: Uint8Array[];
}

/** Parses Ogg pages, checking every CRC. */
function oggPages(bytes: Uint8Array): OggPage[] {
  const pages: OggPage[] = [];
  let i = 0;
  while (i < bytes.length) {
    assert.equal(new TextDecoder().decode(bytes.subarray(i, i + 4)), "OggS");
    const view = new DataView(bytes.buffer, bytes.byteOffset + i);
    const count = bytes[i + 26]!;
    const lacing = bytes.subarray(i + 27, i + 27 + count);
    const size = 27 + count + lacing.reduce((a, b) => a + b, 0);
    const page = bytes.slice(i, i + size);
    const crc = view.getUint32(22, true);
    new DataView(page.buffer).setUint32(22, 0, true);
    assert.equal(oggCrc(page), crc, `CRC of page ${pages.length}`);
    const packets: Uint8Array[] = [];
    let offset = i + 27 + count;
    let current = 0;
    for (const l of lacing) {
      current += l;
      if (l < 255) {
        packets.push(bytes.subarray(offset, offset + current));
        offset += current;
        current = 0;
      }
    }
    pages.push({
      flags: bytes[i + 5]!,
      granule: view.getBigUint64(6, true),
      serial: view.getUint32(14, true),
      sequence: view.getUint32(18, true),
      packets,
    });
    i += size;
  }
  return pages;
}

describe("createEncoder: wav and pcm", () => {
  it("wav starts with the placeholder header at the default 44.1 kHz and round-trips", async () => {
    const { bytes, writes, enc } = await encodeAll({ format: "wav" });
    assert.equal(enc.contentType, "audio/wav");
    assert.ok(writes[0]!.length > 44, "first write already carries header and audio");
    const v = new DataView(bytes.buffer);
    assert.equal(v.getUint32(4, true), 0xffffff24);
    assert.equal(v.getUint32(40, true), 0xffffff00);
    const parsed = parseWav(bytes);
    assert.equal(parsed.sampleRate, 44100);
    assert.ok(Math.abs(parsed.samples.length - 1.5 * 44100) <= 1);
    const back = await decodeAudio(bytes);
    assert.ok(Math.abs(back.samples.length - SOURCE.length) <= 1);
    let worst = 0;
    for (let i = 500; i < SOURCE.length - 500; i++)
      worst = Math.max(worst, Math.abs(back.samples[i]! - SOURCE[i]!));
    assert.ok(worst < 30, `max deviation ${worst}`);
  });

  it("wav with no audio is still a header", async () => {
    const enc = await createEncoder({ format: "wav", sampleRate: 8000 });
    const out = enc.end();
    assert.equal(out.length, 44);
    assert.equal(new DataView(out.buffer).getUint32(24, true), 8000);
  });

  it("pcm is headerless s16le at the requested rate", async () => {
    const { bytes, enc } = await encodeAll({ format: "pcm", sampleRate: 16000 });
    assert.equal(enc.contentType, "application/octet-stream");
    assert.equal(bytes.length, SOURCE.length * 2);
    const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    assert.deepEqual(samples, SOURCE);
  });

  it("rejects bad sample rates and formats with clear errors", async () => {
    await assert.rejects(createEncoder({ format: "wav", sampleRate: 100 }), /sample_rate must be/);
    await assert.rejects(
      createEncoder({ format: "flac" as "wav" }),
      /Unsupported audio format "flac"/,
    );
    await assert.rejects(createEncoder({ format: "mp3", mp3Bitrate: -5 }), /mp3_bitrate/);
    await assert.rejects(createEncoder({ format: "opus", opusBitrate: 0 }), /opus_bitrate/);
  });

  it("refuses writes after end()", async () => {
    const enc = await createEncoder({ format: "pcm" });
    enc.end();
    assert.throws(() => enc.write({ samples: SOURCE, sampleRate: 16000 }), /already ended/);
  });
});

describe("createEncoder: mp3", () => {
  it("maps requested rates and bitrates onto what MP3 offers", async () => {
    assert.equal(mp3SampleRate(undefined), 44100);
    assert.equal(mp3SampleRate(16000), 32000);
    assert.equal(mp3SampleRate(24000), 32000);
    assert.equal(mp3SampleRate(44100), 44100);
    assert.equal(mp3SampleRate(48000), 48000);
    assert.equal(mp3Bitrate(undefined), 128);
    assert.equal(mp3Bitrate(64), 64);
    assert.equal(mp3Bitrate(100), 128);
    assert.equal(mp3Bitrate(320), 192);
  });

  for (const [kbps, rate] of [
    [64, 32000],
    [128, 44100],
    [192, 44100],
    [128, 32000],
  ] as const) {
    it(`writes ${kbps} kbps CBR frames at ${rate} Hz that decode back to the tone`, async () => {
      const { bytes, enc } = await encodeAll({ format: "mp3", mp3Bitrate: kbps, sampleRate: rate });
      assert.equal(enc.contentType, "audio/mpeg");
      const frames = mp3Frames(bytes);
      assert.ok(frames.length > 30);
      for (const f of frames) assert.deepEqual(f, { kbps, rate });
      const back = await decodeAudio(bytes);
      assert.ok(
        Math.abs(back.samples.length / 16000 - 1.5) < 0.1,
        `${back.samples.length} samples`,
      );
      const hz = estimatePitch(back);
      assert.ok(hz !== undefined && Math.abs(hz - 200) < 5, `pitch ${hz}`);
    });
  }

  it("returns bytes during the stream, not only at the end", async () => {
    const { writes } = await encodeAll({ format: "mp3" });
    assert.ok(writes.slice(0, 5).some((w) => w.length > 0));
  });

  it("encodes real speech that decodes back to the same waveform", async () => {
    const speech = parseWav(readFileSync(fixture("jfk.wav")));
    const { bytes } = await encodeAll({ format: "mp3" }, speech.samples, speech.sampleRate);
    mp3Frames(bytes);
    const back = await decodeAudio(bytes);
    assert.equal(back.sampleRate, 16000);
    const seconds = speech.samples.length / speech.sampleRate;
    assert.ok(Math.abs(back.samples.length / 16000 - seconds) < 0.1, `${back.samples.length}`);
    // The decoder's and encoder's delays shift the audio by some samples: find the shift that
    // lines the two up best, then the decoded speech must follow the original closely.
    const original = speech.sampleRate === 16000 ? speech.samples : undefined;
    assert.ok(original, "jfk.wav is 16 kHz");
    let best = { lag: 0, corr: -1 };
    for (let lag = 0; lag <= 3000; lag++) {
      const corr = correlation(original, back.samples, lag);
      if (corr > best.corr) best = { lag, corr };
    }
    assert.ok(best.corr > 0.95, `correlation ${best.corr.toFixed(3)} at lag ${best.lag}`);
  });

  it("gives the same bytes whether encoders run interleaved, alone, or reused", async () => {
    const other = tone(330, 1.5, 16000, 9000);
    const alone = (await encodeAll({ format: "mp3" })).bytes;
    // Two live encoders fed in turn, then each finished: no shared state between them.
    const a = await createEncoder({ format: "mp3" });
    const b = await createEncoder({ format: "mp3" });
    const outA: Uint8Array[] = [];
    const outB: Uint8Array[] = [];
    for (let i = 0; i < SOURCE.length; i += 1600) {
      outA.push(a.write({ samples: SOURCE.subarray(i, i + 1600), sampleRate: 16000 }));
      outB.push(b.write({ samples: other.subarray(i, i + 1600), sampleRate: 16000 }));
    }
    outA.push(a.end());
    outB.push(b.end());
    assert.deepEqual(Buffer.concat(outA), Buffer.from(alone));
    assert.notDeepEqual(Buffer.concat(outB), Buffer.from(alone));
    // Finished encoders are reused: a reused one starts from a clean state.
    const again = (await encodeAll({ format: "mp3" })).bytes;
    assert.deepEqual(Buffer.from(again), Buffer.from(alone));
  });

  it("keeps encoders configured ahead of need, and one taken from them writes the same bytes", async () => {
    const alone = (await encodeAll({ format: "mp3" })).bytes;
    // Default settings (44.1 kHz, 128 kbps): prepare until three are ready, one step at a time.
    let steps = 0;
    while (await prepareMp3(44100, 128, 3)) steps++;
    assert.ok(steps <= 3, `${steps} steps for three encoders`);
    assert.equal(idleMp3(44100, 128).ready, 3);
    assert.equal(await prepareMp3(44100, 128, 3), false, "nothing left to do");

    const prepared = (await encodeAll({ format: "mp3" })).bytes;
    assert.deepEqual(Buffer.from(prepared), Buffer.from(alone));
    // The stream took a ready one; the one it gave back must be configured again before reuse.
    assert.equal(idleMp3(44100, 128).ready, 2);
    // Other settings reconfigure an idle encoder and leave the ready ones for the default.
    const at32k = await encodeAll({ format: "mp3", sampleRate: 32000, mp3Bitrate: 64 });
    assert.ok(at32k.bytes.length > 0);
    assert.equal(idleMp3(44100, 128).ready, 2);
    assert.ok(await prepareMp3(44100, 128, 4), "one more to go after this step");
    assert.equal(idleMp3(44100, 128).ready, 3);
    // Warming takes a ready encoder, encodes with it and hands it back spent.
    const before = idleMp3(44100, 128);
    await warmMp3(44100, 128);
    assert.deepEqual(idleMp3(44100, 128), { idle: before.idle, ready: before.ready - 1 });
  });
});

/** Normalised correlation of `a` with `b` shifted left by `lag` samples, over their overlap. */
function correlation(a: Int16Array, b: Int16Array, lag: number): number {
  const n = Math.min(a.length, b.length - lag);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i + lag]!;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb || 1);
}

describe("createEncoder: opus", () => {
  it("accepts opus bitrates in kbps, bps or -1000 (auto)", async () => {
    assert.equal(opusBitrate(undefined), -1000);
    assert.equal(opusBitrate(-1000), -1000);
    assert.equal(opusBitrate(24), 24000);
    assert.equal(opusBitrate(64), 64000);
    assert.equal(opusBitrate(48000), 48000);
  });

  it("writes a valid Ogg Opus stream: headers, CRCs, granules, EOS", async () => {
    const { bytes, writes, enc } = await encodeAll({ format: "opus", opusBitrate: 32 });
    assert.equal(enc.contentType, "audio/ogg");
    assert.ok(writes[0]!.length > 0, "headers go out with the first write");
    const pages = oggPages(bytes);
    assert.ok(pages.length >= 4);
    const head = pages[0]!.packets[0]!;
    assert.equal(new TextDecoder().decode(head.subarray(0, 8)), "OpusHead");
    assert.equal(pages[0]!.flags, 0x02);
    assert.equal(pages[0]!.packets.length, 1);
    const preSkip = new DataView(head.buffer, head.byteOffset).getUint16(10, true);
    assert.equal(preSkip, 312);
    assert.equal(new TextDecoder().decode(pages[1]!.packets[0]!.subarray(0, 8)), "OpusTags");
    assert.equal(pages[1]!.granule, 0n);
    let previous = 0n;
    pages.forEach((p, i) => {
      assert.equal(p.sequence, i);
      assert.equal(p.serial, pages[0]!.serial);
      assert.ok(p.granule >= previous, "granules never decrease");
      previous = p.granule;
      assert.equal((p.flags & 0x04) !== 0, i === pages.length - 1, "EOS only on the last page");
      if (i >= 2) assert.ok(p.packets.length > 0, "no empty audio pages");
    });
    // Final granule = pre-skip + the real 48 kHz sample count (1.5 s).
    assert.equal(pages.at(-1)!.granule, BigInt(312 + 72000));
    const back = await decodeAudio(bytes);
    assert.ok(Math.abs(back.samples.length - 24000) <= 16, `${back.samples.length} samples`);
    const hz = estimatePitch(back);
    assert.ok(hz !== undefined && Math.abs(hz - 200) < 5, `pitch ${hz}`);
  });

  it("encodes at the chosen bitrate (higher bitrate, bigger file)", async () => {
    const small = (await encodeAll({ format: "opus", opusBitrate: 24 })).bytes.length;
    const big = (await encodeAll({ format: "opus", opusBitrate: 64000 })).bytes.length;
    assert.ok(small < big * 0.6, `${small} vs ${big}`);
    // ~24 kbps for 1.5 s is about 4.5 kB of audio plus headers.
    assert.ok(small > 3000 && small < 7000, `${small} bytes`);
  });

  it("an empty stream is still a valid file with an EOS page", async () => {
    const enc = await createEncoder({ format: "opus" });
    const pages = oggPages(enc.end());
    assert.equal(pages.length, 3);
    assert.equal(pages[2]!.flags & 0x04, 0x04);
    assert.equal(pages[2]!.granule, 312n);
  });
});
