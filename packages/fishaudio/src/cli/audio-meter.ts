/**
 * Seconds of audio in a byte stream, counted as the chunks arrive, for the progress line. It
 * reads only container and frame headers (mp3 frames, WAV fmt/data, Ogg granule positions), so
 * it costs nothing next to the download and never holds more than one header in memory.
 */

/** The formats the meter understands. */
export type MeterFormat = "mp3" | "wav" | "pcm" | "opus";

/**
 * Counts audio duration incrementally.
 * @example const meter = new AudioMeter("mp3"); meter.push(chunk); meter.seconds;
 */
export class AudioMeter {
  readonly #format: MeterFormat;
  readonly #queue = new ByteQueue();
  #skip = 0;
  #samples = 0;
  #rate = 0;
  // wav/pcm: bytes per second of the sample data, once known.
  #byteRate = 0;
  #dataBytes = 0;
  #inData = false;
  // opus: the last granule position and the pre-skip from OpusHead.
  #granule = 0;
  #preSkip = 0;
  #broken = false;

  /** `sampleRate` is needed for headerless pcm (16-bit mono); default 44100. */
  constructor(format: MeterFormat, sampleRate?: number) {
    this.#format = format;
    if (format === "pcm") this.#byteRate = (sampleRate ?? 44_100) * 2;
  }

  /** Seconds of audio received so far, or undefined when the stream is not understood. */
  get seconds(): number | undefined {
    if (this.#broken) return undefined;
    if (this.#format === "mp3") return this.#rate ? this.#samples / this.#rate : 0;
    if (this.#format === "opus") return Math.max(0, this.#granule - this.#preSkip) / 48_000;
    return this.#byteRate ? this.#dataBytes / this.#byteRate : 0;
  }

  /** Feeds the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    if (this.#broken || chunk.byteLength === 0) return;
    if (this.#format === "pcm" || (this.#format === "wav" && this.#inData)) {
      this.#dataBytes += chunk.byteLength;
      return;
    }
    this.#queue.push(chunk);
    if (this.#format === "mp3") this.#mp3();
    else if (this.#format === "wav") this.#wav();
    else this.#ogg();
  }

  #mp3(): void {
    const q = this.#queue;
    for (;;) {
      if (this.#skip > 0) {
        this.#skip -= q.skip(this.#skip);
        if (this.#skip > 0) return;
      }
      const head = q.peek(10);
      if (head.length < 4) return;
      if (head[0] === 0x49 && head[1] === 0x44 && head[2] === 0x33) {
        if (head.length < 10) return;
        // ID3v2: a 10-byte header and a 28-bit "syncsafe" size.
        const size = (head[6]! << 21) | (head[7]! << 14) | (head[8]! << 7) | head[9]!;
        this.#skip = 10 + size + (head[5]! & 0x10 ? 10 : 0);
        continue;
      }
      const frame = mp3Frame(head);
      if (!frame) {
        q.skip(1); // resynchronise on the next byte
        continue;
      }
      this.#rate = frame.sampleRate;
      this.#samples += frame.samples;
      this.#skip = frame.length;
    }
  }

  #wav(): void {
    const q = this.#queue;
    for (;;) {
      if (this.#skip > 0) {
        this.#skip -= q.skip(this.#skip);
        if (this.#skip > 0) return;
      }
      const head = q.peek(12);
      if (q.consumed === 0) {
        if (head.length < 12) return;
        if (ascii(head, 0, 4) !== "RIFF" || ascii(head, 8, 4) !== "WAVE") {
          this.#broken = true;
          return;
        }
        q.skip(12);
        continue;
      }
      if (head.length < 8) return;
      const id = ascii(head, 0, 4);
      const size = u32le(head, 4);
      if (id === "data") {
        q.skip(8);
        this.#inData = true;
        this.#dataBytes = q.drain();
        return;
      }
      if (id === "fmt ") {
        const fmt = q.peek(8 + 16);
        if (fmt.length < 24) return;
        const channels = u16le(fmt, 10);
        const rate = u32le(fmt, 12);
        const bits = u16le(fmt, 22);
        this.#byteRate = (rate * channels * bits) / 8;
      }
      this.#skip = 8 + size + (size % 2);
    }
  }

  #ogg(): void {
    const q = this.#queue;
    for (;;) {
      if (this.#skip > 0) {
        this.#skip -= q.skip(this.#skip);
        if (this.#skip > 0) return;
      }
      const head = q.peek(27);
      if (head.length < 27) return;
      if (ascii(head, 0, 4) !== "OggS") {
        this.#broken = true;
        return;
      }
      const segments = head[26]!;
      const full = q.peek(27 + segments + 19);
      if (full.length < 27 + segments) return;
      let body = 0;
      for (let i = 0; i < segments; i++) body += full[27 + i]!;
      const firstPage = (head[5]! & 0x02) !== 0;
      if (firstPage) {
        if (full.length < 27 + segments + 12) return;
        const packet = full.subarray(27 + segments);
        if (ascii(packet, 0, 8) === "OpusHead") this.#preSkip = u16le(packet, 10);
      }
      // Granule position -1 (all bits set) means "no packet ends on this page".
      const low = u32le(head, 6);
      const high = u32le(head, 10);
      if (!(low === 0xffffffff && high === 0xffffffff)) this.#granule = high * 2 ** 32 + low;
      this.#skip = 27 + segments + body;
    }
  }
}

const MPEG_RATES: Record<number, number[]> = {
  3: [44_100, 48_000, 32_000], // MPEG 1
  2: [22_050, 24_000, 16_000], // MPEG 2
  0: [11_025, 12_000, 8_000], // MPEG 2.5
};
const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/** The length and sample count of the MPEG layer III frame whose header starts `bytes`. */
function mp3Frame(
  bytes: Uint8Array,
): { length: number; samples: number; sampleRate: number } | undefined {
  if (bytes[0] !== 0xff || (bytes[1]! & 0xe0) !== 0xe0) return undefined;
  const version = (bytes[1]! >> 3) & 0x03;
  const layer = (bytes[1]! >> 1) & 0x03;
  if (version === 1 || layer !== 1) return undefined; // reserved version, or not layer III
  const bitrateIndex = bytes[2]! >> 4;
  const rateIndex = (bytes[2]! >> 2) & 0x03;
  const padding = (bytes[2]! >> 1) & 0x01;
  const sampleRate = MPEG_RATES[version]?.[rateIndex];
  const kbps = (version === 3 ? BITRATES_V1_L3 : BITRATES_V2_L3)[bitrateIndex];
  if (!sampleRate || !kbps) return undefined;
  const samples = version === 3 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding;
  return { length, samples, sampleRate };
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}
function u16le(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}
function u32le(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
  );
}

/** A queue of chunks that can be peeked at and skipped across chunk boundaries. */
class ByteQueue {
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #available = 0;
  /** Bytes skipped so far since the start of the stream. */
  consumed = 0;

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#available += chunk.byteLength;
  }

  /** Up to `n` bytes from the front, without consuming them. */
  peek(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first && first.byteLength - this.#offset >= n) {
      return first.subarray(this.#offset, this.#offset + n);
    }
    const out = new Uint8Array(Math.min(n, this.#available));
    let filled = 0;
    let offset = this.#offset;
    for (const chunk of this.#chunks) {
      if (filled >= out.length) break;
      const part = chunk.subarray(offset, offset + out.length - filled);
      out.set(part, filled);
      filled += part.length;
      offset = 0;
    }
    return out;
  }

  /** Drops up to `n` bytes; returns how many were dropped. */
  skip(n: number): number {
    let dropped = 0;
    while (dropped < n && this.#chunks.length > 0) {
      const first = this.#chunks[0]!;
      const take = Math.min(n - dropped, first.byteLength - this.#offset);
      dropped += take;
      this.#offset += take;
      if (this.#offset >= first.byteLength) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    this.#available -= dropped;
    this.consumed += dropped;
    return dropped;
  }

  /** Drops everything; returns how many bytes that was. */
  drain(): number {
    return this.skip(this.#available);
  }
}
