/**
 * Walks the frames of an MPEG audio layer III stream: how many seconds of audio the bytes hold,
 * and whether they are a clean run of frames. The capacity bench uses it to place each received
 * byte on the playback timeline.
 */
import assert from "node:assert/strict";

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES_V1 = [44100, 48000, 32000];

interface Frame {
  bytes: number;
  seconds: number;
}

/** The layer III frame whose header starts at `at`, or undefined when none does. */
function frameAt(b: Uint8Array, at: number): Frame | undefined {
  if (at + 4 > b.length || b[at] !== 0xff || ((b[at + 1] as number) & 0xe0) !== 0xe0)
    return undefined;
  const h1 = b[at + 1] as number;
  const h2 = b[at + 2] as number;
  const version = (h1 >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  if (version === 1 || ((h1 >> 1) & 3) !== 1) return undefined; // reserved, or not layer III
  const kbps = (version === 3 ? BITRATES_V1 : BITRATES_V2)[h2 >> 4];
  const rateIndex = (h2 >> 2) & 3;
  if (!kbps || rateIndex === 3) return undefined;
  const rate = (RATES_V1[rateIndex] as number) / (version === 3 ? 1 : version === 2 ? 2 : 4);
  const samples = version === 3 ? 1152 : 576;
  const bytes = Math.floor(((samples / 8) * kbps * 1000) / rate) + ((h2 >> 1) & 1);
  return { bytes, seconds: samples / rate };
}

/** Seconds of audio in a complete mp3 stream, and the bytes that were not frames. */
export function mp3Duration(bytes: Uint8Array): { seconds: number; frames: number; junk: number } {
  let at = 0;
  // An ID3v2 tag: 10-byte header with a syncsafe size.
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33 && bytes.length >= 10) {
    at =
      10 +
      (((bytes[6]! & 0x7f) << 21) |
        ((bytes[7]! & 0x7f) << 14) |
        ((bytes[8]! & 0x7f) << 7) |
        (bytes[9]! & 0x7f));
  }
  let seconds = 0;
  let frames = 0;
  let junk = 0;
  while (at < bytes.length) {
    const f = frameAt(bytes, at);
    if (!f || at + f.bytes > bytes.length) {
      junk++;
      at++;
      continue;
    }
    seconds += f.seconds;
    frames++;
    at += f.bytes;
  }
  return { seconds, frames, junk };
}

// Self-check: two 128 kbps 44.1 kHz frames (417 bytes each, no padding) are 2 × 1152 samples.
{
  const frame = new Uint8Array(417);
  frame.set([0xff, 0xfb, 0x90, 0x00]);
  const two = new Uint8Array(834);
  two.set(frame, 0);
  two.set(frame, 417);
  const d = mp3Duration(two);
  assert.equal(d.frames, 2);
  assert.equal(d.junk, 0);
  assert.ok(Math.abs(d.seconds - 2304 / 44100) < 1e-9);
}
