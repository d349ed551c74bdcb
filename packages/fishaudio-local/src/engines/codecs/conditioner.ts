import { Resampler, toInt16 } from "../signal/resample.js";
import type { PcmChunk } from "../types.js";

/** Peak level loudness normalisation aims for: -1 dBFS. */
const TARGET_PEAK = 32768 * 0.89;
/** Normalisation never boosts more than this (+12 dB), so near-silence is not blown up. */
const MAX_NORMALIZE_GAIN = 4;
/** Peaks below this are treated as this when normalising (a quiet first syllable is not the level). */
const PEAK_FLOOR = 32768 * 0.25;

/**
 * Brings engine PCM to the output format's rate and level: band-limited resampling, then
 * volume (dB) and optional running peak normalisation, clipped to Int16.
 * @example
 * const c = new Conditioner({ sampleRate: 44100, volumeDb: 0, normalize: true });
 * const out = c.process({ samples, sampleRate: 16000 });
 */
export class Conditioner {
  private readonly outRate: number;
  private readonly gain: number;
  private readonly normalize: boolean;
  private resampler: Resampler | undefined;
  private peak = PEAK_FLOOR;

  constructor(options: { sampleRate: number; volumeDb?: number; normalize?: boolean }) {
    this.outRate = options.sampleRate;
    this.gain = 10 ** ((options.volumeDb ?? 0) / 20);
    this.normalize = options.normalize ?? false;
  }

  /** Converts one chunk; the output may lag the input by the resampler's kernel reach. */
  process(chunk: PcmChunk): Int16Array {
    if (chunk.samples.length === 0) return new Int16Array(0);
    const parts: Float32Array[] = [];
    if (!this.resampler || this.resampler.inRate !== chunk.sampleRate) {
      if (this.resampler) parts.push(this.resampler.flush());
      this.resampler =
        chunk.sampleRate === this.outRate
          ? undefined
          : new Resampler(chunk.sampleRate, this.outRate);
    }
    parts.push(
      this.resampler ? this.resampler.push(chunk.samples) : Float32Array.from(chunk.samples),
    );
    return this.level(parts);
  }

  /** Returns whatever the resampler still holds. */
  flush(): Int16Array {
    if (!this.resampler) return new Int16Array(0);
    const rest = this.resampler.flush();
    this.resampler = undefined;
    return this.level([rest]);
  }

  private level(parts: Float32Array[]): Int16Array {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const all = parts.length === 1 ? parts[0]! : new Float32Array(total);
    if (parts.length > 1) {
      let offset = 0;
      for (const p of parts) {
        all.set(p, offset);
        offset += p.length;
      }
    }
    let gain = this.gain;
    if (this.normalize) {
      for (let i = 0; i < all.length; i++) {
        const a = Math.abs(all[i]!);
        if (a > this.peak) this.peak = a;
      }
      gain *= Math.min(MAX_NORMALIZE_GAIN, TARGET_PEAK / this.peak);
    }
    return toInt16(all, gain);
  }
}
