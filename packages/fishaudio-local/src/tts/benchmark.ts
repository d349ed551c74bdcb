import { HttpError } from "../http/errors.js";
import type { AudioFormat } from "./request.js";

/** The voice id whose "speech" is a generated tone: the engine out of the way, for benchmarks. */
export const BENCHMARK_VOICE_ID = "benchmark";
export const BENCHMARK_SAMPLE_RATE = 44100;
const MAX_BYTES = 16 * 1024 ** 3;

/**
 * The number of PCM bytes a benchmark request asks for: its text is the decimal byte count.
 * @example benchmarkByteCount("1048576") // 1048576
 */
export function benchmarkByteCount(text: string, format: AudioFormat): number {
  if (format !== "wav" && format !== "pcm") {
    throw new HttpError(422, `The benchmark voice produces wav or pcm only, not ${format}`);
  }
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) > MAX_BYTES) {
    throw new HttpError(
      422,
      `The benchmark voice expects the text to be a decimal byte count (0..${MAX_BYTES}), got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return Number(trimmed);
}

/**
 * A 44-byte WAV header for 16-bit mono PCM with the cloud's placeholder sizes (streamed WAV).
 * @example res.write(wavHeader(44100));
 */
export function wavHeader(sampleRate: number): Uint8Array {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(4294967076, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(4294967040, 40);
  return new Uint8Array(header.buffer, header.byteOffset, 44);
}

// 441 Hz at 44.1 kHz: a period is 100 samples (200 bytes), so 328 periods tile 65 600 bytes seamlessly.
const TONE_BYTES = 65_600;
let toneBlock: Uint8Array | undefined;

/** The shared tone block, made on first use (not at import: most servers never need it). */
function tone(): Uint8Array {
  if (!toneBlock) {
    const block = Buffer.alloc(TONE_BYTES);
    for (let i = 0; i < block.length / 2; i++) {
      block.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * i) / 100)), i * 2);
    }
    toneBlock = new Uint8Array(block.buffer, block.byteOffset, block.length);
  }
  return toneBlock;
}

/**
 * Yields `total` bytes of tone PCM in blocks of at most `blockSize` (the blocks are shared,
 * read-only views: cheap to produce, so a benchmark measures the transport, not the generator).
 * @example for (const block of tonePcm(1_000_000, 60_000)) socket.write(block);
 */
export function* tonePcm(total: number, blockSize = TONE_BYTES): Generator<Uint8Array> {
  const block = tone();
  const size = Math.min(blockSize - (blockSize % 2), block.length);
  let left = total;
  while (left > 0) {
    const n = Math.min(size, left);
    yield block.subarray(0, n);
    left -= n;
  }
}

/**
 * Whether a request speaks with the benchmark voice: true when every speaker is it, false when
 * none is; 422 when it is mixed with other voices.
 * @example if (usesBenchmark(speakers)) bytes = benchmarkByteCount(text, format);
 */
export function usesBenchmark(speakers: readonly { benchmark: boolean }[]): boolean {
  if (!speakers.some((s) => s.benchmark)) return false;
  if (!speakers.every((s) => s.benchmark)) {
    throw new HttpError(422, "The benchmark voice cannot be mixed with other voices");
  }
  return true;
}
