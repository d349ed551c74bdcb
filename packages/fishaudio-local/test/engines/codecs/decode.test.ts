import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { decodeAudio, sniffContainer } from "../../../src/engines/codecs/decode.js";
import { createEncoder } from "../../../src/engines/codecs/encoders.js";
import { estimatePitch } from "../../../src/engines/signal/pitch.js";
import { type EncoderOptions, UnsupportedAudioError } from "../../../src/engines/types.js";
import { silentFlac } from "../../faults/silent-flac.js";
import { fixture } from "../../helpers/fixtures.js";
import { flacFile, m4aAlacFile, oggVorbisSilence, rms, tone } from "../fixtures.js";

const JFK = fixture("jfk.wav");
/** 1 s of a 180 Hz tone at 22.05 kHz (espeak's rate). */
const SOURCE = tone(180, 1, 22050, 12000);

async function encode(options: EncoderOptions): Promise<Uint8Array> {
  const enc = await createEncoder(options);
  const parts = [enc.write({ samples: SOURCE, sampleRate: 22050 }), enc.end()];
  return Buffer.concat(parts);
}

async function assertTone(bytes: Uint8Array, seconds = 1, tolerance = 0.06) {
  const pcm = await decodeAudio(bytes);
  assert.equal(pcm.sampleRate, 16000);
  assert.ok(
    Math.abs(pcm.samples.length / 16000 - seconds) < tolerance,
    `${pcm.samples.length} samples`,
  );
  const hz = estimatePitch(pcm);
  assert.ok(hz !== undefined && Math.abs(hz - 180) < 5, `pitch ${hz}`);
  return pcm;
}

describe("decodeAudio", () => {
  it("reads a real 16 kHz speech WAV (with a LIST chunk) to 11 s of 16 kHz PCM", async () => {
    const pcm = await decodeAudio(readFileSync(JFK));
    assert.equal(pcm.sampleRate, 16000);
    assert.ok(Math.abs(pcm.samples.length / 16000 - 11) < 0.01);
    assert.ok(rms(pcm.samples) > 500);
  });

  it("reads our own placeholder-header WAV output", async () => {
    const bytes = await encode({ format: "wav", sampleRate: 44100 });
    assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(40, true), 0xffffff00);
    const pcm = await assertTone(bytes, 1, 0.01);
    // Level survives 22.05k -> 44.1k -> 16k.
    assert.ok(Math.abs(rms(pcm.samples.subarray(800, 15200)) / rms(SOURCE) - 1) < 0.03);
  });

  it("reads mp3", async () => {
    await assertTone(await encode({ format: "mp3", mp3Bitrate: 128 }));
  });

  it("reads Ogg Opus", async () => {
    await assertTone(await encode({ format: "opus" }), 1, 0.01);
  });

  it("reads FLAC", async () => {
    const pcm = await assertTone(flacFile(SOURCE, 22050), 1, 0.01);
    assert.ok(Math.abs(rms(pcm.samples.subarray(800, 15200)) / rms(SOURCE) - 1) < 0.03);
  });

  it("reads m4a (ISO BMFF, moov at the end; Apple Lossless track)", async () => {
    const pcm = await assertTone(m4aAlacFile(SOURCE, 22050), 1, 0.01);
    assert.ok(Math.abs(rms(pcm.samples.subarray(800, 15200)) / rms(SOURCE) - 1) < 0.03);
  });

  it("reads Ogg Vorbis (a silent stream built from the spec)", async () => {
    const bytes = oggVorbisSilence(16000, 20);
    assert.equal(sniffContainer(bytes), "ogg");
    const pcm = await decodeAudio(bytes);
    // 19 full 2048-sample blocks after the priming one, 1024 new samples each.
    assert.equal(pcm.samples.length, 19 * 1024);
    assert.equal(rms(pcm.samples), 0);
  });

  // Issue 17 item 3: the length limit was checked after decoding; 30 minutes of silence in 100 KB
  // of FLAC cost +1.4 GB first. Decoding now stops as soon as it passes the limit.
  it("stops decoding a tiny FLAC of 30 minutes of silence at the limit", async () => {
    const flac = silentFlac(1800);
    assert.ok(flac.length < 128 * 1024, `${flac.length} bytes`);
    await assert.rejects(decodeAudio(flac, 60), (error: Error) => {
      assert.equal(error.name, "AudioTooLongError", error.message);
      return true;
    });
    const short = await decodeAudio(silentFlac(2), 60);
    assert.equal(short.samples.length, 2 * 16000);
  });

  it("identifies containers by their magic numbers", () => {
    const ascii = (s: string) => new TextEncoder().encode(s);
    assert.equal(sniffContainer(ascii("ID3\u0004rest")), "mp3");
    assert.equal(sniffContainer(Uint8Array.from([0xff, 0xfb, 0x90, 0x00])), "mp3");
    assert.equal(sniffContainer(ascii("fLaC....")), "flac");
    assert.equal(sniffContainer(ascii("\u0000\u0000\u0000\u0020ftypM4A ")), "m4a");
    assert.equal(sniffContainer(Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0])), "webm");
    assert.equal(sniffContainer(ascii("hello, world")), undefined);
  });

  it("rejects non-audio with UnsupportedAudioError naming the accepted formats", async () => {
    await assert.rejects(
      decodeAudio(new TextEncoder().encode("this is not audio at all")),
      (err: Error) => {
        assert.ok(err instanceof UnsupportedAudioError);
        assert.match(err.message, /wav, mp3, ogg .*flac or m4a/);
        return true;
      },
    );
    await assert.rejects(decodeAudio(new Uint8Array(0)), UnsupportedAudioError);
  });

  it("rejects a corrupt file of a known container with UnsupportedAudioError", async () => {
    const garbage = new Uint8Array(4000).map((_, i) => (i * 37) & 0xff);
    garbage.set(new TextEncoder().encode("fLaC"), 0);
    await assert.rejects(decodeAudio(garbage), UnsupportedAudioError);
    const ftyp = new Uint8Array(64);
    ftyp.set(new TextEncoder().encode("ftypM4A "), 4);
    await assert.rejects(decodeAudio(ftyp), UnsupportedAudioError);
  });
});
