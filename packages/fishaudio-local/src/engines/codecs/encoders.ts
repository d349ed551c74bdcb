import type { AudioEncoder, EncoderOptions, PcmChunk } from "../types.js";
import { Conditioner } from "./conditioner.js";
import { Mp3Encoder } from "./mp3-encoder.js";
import { OggWriter, opusHead, opusTags } from "./ogg.js";
import { OpusFrameEncoder } from "./opus-frame-encoder.js";
import { wavHeader } from "./wav.js";

const DEFAULT_SAMPLE_RATE = 44100;
const OPUS_RATE = 48000;
/** libopus look-ahead at 48 kHz (2.5 ms + 4 ms), written as the OpusHead pre-skip. */
const OPUS_PRE_SKIP = 312;
/** 20 ms Opus frames. */
const OPUS_FRAME = 960;
const MP3_RATES = [32000, 44100, 48000];
const MP3_BITRATES = [64, 128, 192];

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function int16Bytes(samples: Int16Array): Uint8Array {
  // Int16Array is little-endian on every platform Node supports.
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

function checkRate(rate: number): number {
  if (!Number.isInteger(rate) || rate < 8000 || rate > 192000) {
    throw new RangeError(`sample_rate must be an integer from 8000 to 192000 Hz, got ${rate}.`);
  }
  return rate;
}

/**
 * The sample rate an MP3 is written at: the nearest of 32, 44.1 and 48 kHz (the service offers
 * 32 kHz and 44.1 kHz; every bitrate tier is valid at those MPEG-1 rates).
 * @example
 * mp3SampleRate(16000); // 32000
 */
export function mp3SampleRate(requested: number | undefined): number {
  const rate = requested ?? DEFAULT_SAMPLE_RATE;
  return MP3_RATES.reduce((best, r) => (Math.abs(r - rate) < Math.abs(best - rate) ? r : best));
}

/**
 * The MP3 bitrate in kbps: 64, 128 or 192; other values snap up to the next tier (192 at most).
 * @example
 * mp3Bitrate(100); // 128
 */
export function mp3Bitrate(requested: number | undefined): number {
  const kbps = requested ?? 128;
  if (!Number.isFinite(kbps) || kbps <= 0) {
    throw new RangeError(`mp3_bitrate must be 64, 128 or 192 (kbps), got ${requested}.`);
  }
  return MP3_BITRATES.find((b) => b >= kbps) ?? 192;
}

/**
 * The Opus bitrate in bps for libopus: kbps (24/32/48/64) or bps (24000..64000) are accepted,
 * -1000 means automatic.
 * @example
 * opusBitrate(32); // 32000
 */
export function opusBitrate(requested: number | undefined): number {
  if (requested === undefined || requested === -1000) return -1000;
  if (!Number.isFinite(requested) || requested <= 0) {
    throw new RangeError(
      `opus_bitrate must be -1000 (auto), 24/32/48/64 (kbps) or 24000..64000 (bps), got ${requested}.`,
    );
  }
  const bps = requested < 1000 ? requested * 1000 : requested;
  return Math.round(Math.min(510_000, Math.max(6000, bps)));
}

/**
 * Throws the RangeError createEncoder would for these options, without starting an encoder (an
 * encoder on another thread is checked here first, so a client's mistake stays a RangeError).
 * @example checkEncoderOptions({ format: "mp3", mp3Bitrate: -1 }); // throws RangeError
 */
export function checkEncoderOptions(options: EncoderOptions): void {
  if (options.volumeDb !== undefined && !Number.isFinite(options.volumeDb)) {
    throw new RangeError(`volume must be a number of dB, got ${options.volumeDb}.`);
  }
  switch (options.format) {
    case "wav":
    case "pcm":
      checkRate(options.sampleRate ?? DEFAULT_SAMPLE_RATE);
      return;
    case "mp3":
      mp3SampleRate(options.sampleRate);
      mp3Bitrate(options.mp3Bitrate);
      return;
    case "opus":
      checkRate(options.sampleRate ?? OPUS_RATE);
      opusBitrate(options.opusBitrate);
      return;
    default:
      throw new RangeError(
        `Unsupported audio format "${String(options.format)}"; use wav, pcm, mp3 or opus.`,
      );
  }
}

/**
 * A streaming encoder for the requested format; feed PCM at any rate, get bytes back at once.
 * Asynchronous because the mp3 encoder is a WASM instance, started (or reused) on demand.
 * @example
 * const enc = await createEncoder({ format: "mp3", mp3Bitrate: 128 });
 * const bytes = [enc.write(pcm), enc.end()];
 */
export async function createEncoder(options: EncoderOptions): Promise<AudioEncoder> {
  checkEncoderOptions(options);
  const level = {
    ...(options.volumeDb !== undefined ? { volumeDb: options.volumeDb } : {}),
    ...(options.normalize !== undefined ? { normalize: options.normalize } : {}),
  };
  switch (options.format) {
    case "wav":
    case "pcm": {
      const rate = checkRate(options.sampleRate ?? DEFAULT_SAMPLE_RATE);
      return new PcmEncoder(new Conditioner({ sampleRate: rate, ...level }), rate, options.format);
    }
    case "mp3": {
      const rate = mp3SampleRate(options.sampleRate);
      return Mp3Encoder.create(rate, mp3Bitrate(options.mp3Bitrate), level);
    }
    case "opus": {
      const requestedRate = checkRate(options.sampleRate ?? OPUS_RATE);
      return new OpusStreamEncoder(
        new Conditioner({ sampleRate: OPUS_RATE, ...level }),
        requestedRate,
        opusBitrate(options.opusBitrate),
      );
    }
    default:
      throw new RangeError(
        `Unsupported audio format "${String(options.format)}"; use wav, pcm, mp3 or opus.`,
      );
  }
}

class PcmEncoder implements AudioEncoder {
  readonly contentType: string;
  private headerSent: boolean;
  private done = false;

  constructor(
    private readonly conditioner: Conditioner,
    private readonly rate: number,
    format: "wav" | "pcm",
  ) {
    this.contentType = format === "wav" ? "audio/wav" : "application/octet-stream";
    this.headerSent = format === "pcm";
  }

  write(chunk: PcmChunk): Uint8Array {
    if (this.done) throw new Error("The encoder has already ended.");
    return this.emit(this.conditioner.process(chunk));
  }

  end(): Uint8Array {
    if (this.done) throw new Error("The encoder has already ended.");
    const out = this.emit(this.conditioner.flush());
    this.done = true;
    return out;
  }

  private emit(samples: Int16Array): Uint8Array {
    const body = int16Bytes(samples);
    if (this.headerSent) return body;
    this.headerSent = true;
    return concat([wavHeader(this.rate), body]);
  }
}

class OpusStreamEncoder implements AudioEncoder {
  readonly contentType = "audio/ogg";
  private readonly opus: OpusFrameEncoder;
  private readonly ogg = new OggWriter((Math.random() * 0x100000000) >>> 0);
  private headers: Uint8Array | undefined;
  /** Input not yet making up a whole 20 ms frame. */
  private pending = new Int16Array(0);
  /** The last encoded packet is held back so the final page (EOS) is never empty. */
  private held: Uint8Array | undefined;
  private packetsOut = 0;
  private realSamples = 0;
  private done = false;

  constructor(
    private readonly conditioner: Conditioner,
    requestedRate: number,
    bitrate: number,
  ) {
    this.opus = new OpusFrameEncoder(OPUS_RATE, bitrate);
    this.headers = concat([
      this.ogg.page([opusHead(OPUS_PRE_SKIP, requestedRate)], 0n, { bos: true }),
      this.ogg.page([opusTags("fishaudio-local")], 0n),
    ]);
  }

  write(chunk: PcmChunk): Uint8Array {
    if (this.done) throw new Error("The encoder has already ended.");
    const samples = this.conditioner.process(chunk);
    this.realSamples += samples.length;
    return this.pages(this.encode(samples, false), false);
  }

  end(): Uint8Array {
    if (this.done) throw new Error("The encoder has already ended.");
    this.done = true;
    const rest = this.conditioner.flush();
    this.realSamples += rest.length;
    // Pre-skip worth of silence pushes the encoder's look-ahead out, then pad to a whole frame.
    const tail = new Int16Array(rest.length + OPUS_PRE_SKIP);
    tail.set(rest, 0);
    const packets = this.encode(tail, true);
    const out = this.pages(packets, true);
    this.opus.delete();
    return out;
  }

  private encode(samples: Int16Array, final: boolean): Uint8Array[] {
    let input = samples;
    if (this.pending.length) {
      input = new Int16Array(this.pending.length + samples.length);
      input.set(this.pending, 0);
      input.set(samples, this.pending.length);
    }
    const packets: Uint8Array[] = [];
    let offset = 0;
    while (input.length - offset >= OPUS_FRAME || (final && offset < input.length)) {
      let frame = input.subarray(offset, offset + OPUS_FRAME);
      if (frame.length < OPUS_FRAME) {
        const padded = new Int16Array(OPUS_FRAME);
        padded.set(frame, 0);
        frame = padded;
      }
      packets.push(this.opus.encode(frame, OPUS_FRAME));
      offset += OPUS_FRAME;
    }
    this.pending = input.slice(Math.min(offset, input.length));
    return packets;
  }

  private pages(packets: Uint8Array[], final: boolean): Uint8Array {
    const out: Uint8Array[] = [];
    if (this.headers) {
      out.push(this.headers);
      this.headers = undefined;
    }
    const queue = this.held ? [this.held, ...packets] : packets;
    this.held = final ? undefined : queue.pop();
    let page: Uint8Array[] = [];
    let segments = 0;
    const emit = (eos: boolean) => {
      this.packetsOut += page.length;
      let granule = BigInt(this.packetsOut * OPUS_FRAME);
      if (eos) granule = BigInt(OPUS_PRE_SKIP + this.realSamples);
      out.push(this.ogg.page(page, granule, { eos }));
      page = [];
      segments = 0;
    };
    for (let i = 0; i < queue.length; i++) {
      const packet = queue[i]!;
      const need = OggWriter.segments(packet);
      if (segments + need > 255) emit(false);
      page.push(packet);
      segments += need;
    }
    if (page.length) emit(final);
    return concat(out);
  }
}
