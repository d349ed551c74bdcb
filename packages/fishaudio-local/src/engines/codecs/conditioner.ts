import { Resampler, toInt16 } from "../signal/resample.js";
import { peakSimd, scaleClipSimd } from "../signal/simd-kernels.js";
import type { PcmChunk } from "../types.js";

/** Peak level loudness normalisation aims for: -1 dBFS. */
const TARGET_PEAK = 32768 * 0.89;
/** Normalisation never boosts more than this (+12 dB), so near-silence is not blown up. */
const MAX_NORMALIZE_GAIN = 4;
/** Peaks below this are treated as this when normalising (a quiet first syllable is not the level). */
const PEAK_FLOOR = 32768 * 0.25;

/**
 * Brings engine PCM to the output format's rate and level: band-limited resampling, then
 * volume (dB) and optional running peak normalisation, clipped to Int16 (or, for encoders that
 * take floats, to [-1, 1] without a round trip through Int16).
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
    const samples = this.resample(chunk);
    return toInt16(samples, this.levelGain(samples));
  }

  /** As `process`, as floats in [-1, 1] (full scale 32768). */
  processFloat(chunk: PcmChunk): Float32Array {
    if (chunk.samples.length === 0) return new Float32Array(0);
    return this.toUnit(this.resample(chunk));
  }

  /** Returns whatever the resampler still holds. */
  flush(): Int16Array {
    const rest = this.rest();
    return toInt16(rest, this.levelGain(rest));
  }

  /** As `flush`, as floats in [-1, 1]. */
  flushFloat(): Float32Array {
    return this.toUnit(this.rest());
  }

  /** The chunk at the output rate, in the Int16 range, in an array of its own. */
  private resample(chunk: PcmChunk): Float32Array {
    let pending: Float32Array | undefined;
    if (!this.resampler || this.resampler.inRate !== chunk.sampleRate) {
      if (this.resampler) pending = this.resampler.flush();
      this.resampler =
        chunk.sampleRate === this.outRate
          ? undefined
          : new Resampler(chunk.sampleRate, this.outRate);
    }
    const out = this.resampler
      ? this.resampler.push(chunk.samples)
      : Float32Array.from(chunk.samples);
    if (!pending?.length) return out;
    const all = new Float32Array(pending.length + out.length);
    all.set(pending, 0);
    all.set(out, pending.length);
    return all;
  }

  private rest(): Float32Array {
    if (!this.resampler) return new Float32Array(0);
    const rest = this.resampler.flush();
    this.resampler = undefined;
    return rest;
  }

  /** The gain for this block: volume, times normalisation from the running peak. */
  private levelGain(samples: Float32Array): number {
    if (!this.normalize) return this.gain;
    let peak = peakSimd(samples, this.peak);
    if (peak === undefined) {
      peak = this.peak;
      for (let i = 0; i < samples.length; i++) {
        const a = Math.abs(samples[i]!);
        if (a > peak) peak = a;
      }
    }
    this.peak = peak;
    return this.gain * Math.min(MAX_NORMALIZE_GAIN, TARGET_PEAK / peak);
  }

  /** Scales to [-1, 1] in place, clipping. */
  private toUnit(samples: Float32Array): Float32Array {
    const gain = this.levelGain(samples) / 32768;
    if (scaleClipSimd(samples, gain)) return samples;
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i]! * gain;
      samples[i] = v > 1 ? 1 : Math.max(v, -1);
    }
    return samples;
  }
}
