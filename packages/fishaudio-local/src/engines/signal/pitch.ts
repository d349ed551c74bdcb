import type { PcmChunk } from "../types.js";
import { resampleInt16 } from "./resample.js";

/** Analysis rate: enough for F0 up to 400 Hz and keeps autocorrelation cheap. */
const RATE = 8000;
const MIN_F0 = 60;
const MAX_F0 = 400;
const WINDOW = 320; // 40 ms, two periods of the lowest F0 plus margin
const HOP = 160; // 20 ms
/** At most this much audio is analysed (a voice's median F0 settles within seconds). */
const MAX_SECONDS = 15;
/** Normalised autocorrelation peak a frame needs to count as voiced. */
const VOICING_THRESHOLD = 0.5;

/**
 * Median fundamental frequency (Hz) of the voiced frames in `pcm`, by normalised autocorrelation;
 * undefined when nothing in it is voiced (silence, noise, too short).
 * @example
 * const hz = estimatePitch({ samples, sampleRate: 16000 }); // e.g. 112
 */
export function estimatePitch(pcm: PcmChunk): number | undefined {
  if (pcm.samples.length === 0) return undefined;
  const limited = pcm.samples.subarray(0, Math.floor(pcm.sampleRate * MAX_SECONDS));
  const x = resampleInt16(limited, pcm.sampleRate, RATE);
  const minLag = Math.floor(RATE / MAX_F0);
  const maxLag = Math.ceil(RATE / MIN_F0);
  const span = WINDOW + maxLag;
  if (x.length < span) return undefined;

  // Frames quieter than 1/30 of the loudest frame's RMS are pauses, not speech.
  const energies: number[] = [];
  for (let start = 0; start + span <= x.length; start += HOP) {
    let e = 0;
    for (let i = start; i < start + WINDOW; i++) e += x[i]! * x[i]!;
    energies.push(e);
  }
  const loudest = Math.max(...energies);
  if (loudest === 0) return undefined;
  const floor = loudest / 900;

  const f0s: number[] = [];
  const corr = new Float64Array(maxLag + 2);
  for (let frame = 0; frame < energies.length; frame++) {
    const e0 = energies[frame]!;
    if (e0 < floor || e0 === 0) continue;
    const start = frame * HOP;
    let best = 0;
    let bestLag = 0;
    for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
      let c = 0;
      let el = 0;
      for (let i = start; i < start + WINDOW; i++) {
        const b = x[i + lag]!;
        c += x[i]! * b;
        el += b * b;
      }
      const r = el > 0 ? c / Math.sqrt(e0 * el) : 0;
      corr[lag] = r;
    }
    for (let lag = minLag; lag <= maxLag; lag++) {
      const r = corr[lag]!;
      if (r > best && r >= corr[lag - 1]! && r >= corr[lag + 1]!) {
        best = r;
        bestLag = lag;
      }
    }
    if (best < VOICING_THRESHOLD || bestLag === 0) continue;
    // Prefer the shortest lag whose peak is nearly as strong (avoids octave-down errors).
    for (let lag = minLag; lag < bestLag; lag++) {
      const r = corr[lag]!;
      if (r >= 0.9 * best && r >= corr[lag - 1]! && r >= corr[lag + 1]!) {
        bestLag = lag;
        break;
      }
    }
    // Parabolic interpolation of the peak for sub-sample lag precision.
    const a = corr[bestLag - 1]!;
    const b = corr[bestLag]!;
    const c = corr[bestLag + 1]!;
    const denom = a - 2 * b + c;
    const shift = denom !== 0 ? (0.5 * (a - c)) / denom : 0;
    f0s.push(RATE / (bestLag + Math.max(-0.5, Math.min(0.5, shift))));
  }
  if (f0s.length < 3) return undefined;
  f0s.sort((p, q) => p - q);
  return Math.round(f0s[Math.floor(f0s.length / 2)]!);
}
