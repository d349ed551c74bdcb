/**
 * Where sound starts in PCM: the reference the word-timing tests hold the engines' word starts
 * against. Frames of 5 ms; a frame is "sound" when its RMS level reaches 4 % of the loudest frame.
 */

const FRAME_SECONDS = 0.005;
const THRESHOLD = 0.04;

/**
 * The time of the first sound after `from` that follows a stretch of silence (so the tail of the
 * word before is skipped), or undefined if none.
 * @example energyOnsetAfter(samples, 16000, 0.4)
 */
export function energyOnsetAfter(
  samples: Int16Array,
  sampleRate: number,
  from: number,
): number | undefined {
  const frame = Math.round(sampleRate * FRAME_SECONDS);
  const levels: number[] = [];
  for (let i = 0; i + frame <= samples.length; i += frame) {
    let sum = 0;
    for (let j = i; j < i + frame; j++) sum += samples[j]! * samples[j]!;
    levels.push(Math.sqrt(sum / frame));
  }
  const loudest = Math.max(...levels);
  const threshold = loudest * THRESHOLD;
  let i = Math.max(0, Math.floor(from / FRAME_SECONDS));
  while (i < levels.length && levels[i]! >= threshold) i++;
  while (i < levels.length && levels[i]! < threshold) i++;
  return i < levels.length ? i * FRAME_SECONDS : undefined;
}
