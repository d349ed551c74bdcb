/**
 * Small statistics for benchmark samples. Every figure the bench reports is a distribution
 * (median with p10/p90) or a ratio of two distributions measured in the same run.
 */
import assert from "node:assert/strict";

/** Linear-interpolated percentile (p in 0..100) of the samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export interface Summary {
  n: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

/** Median, p10, p90, min and max of the samples. */
export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    median: percentile(samples, 50),
    p10: percentile(samples, 10),
    p90: percentile(samples, 90),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

/**
 * Runs `a` and `b` `reps` times each, alternating which goes first (ABBA…) so that slow drift
 * of a shared machine lands on both sides equally. Returns the paired results.
 */
export async function interleave<T>(
  reps: number,
  a: () => Promise<T>,
  b: () => Promise<T>,
): Promise<Array<{ a: T; b: T }>> {
  const pairs: Array<{ a: T; b: T }> = [];
  for (let i = 0; i < reps; i++) {
    if (i % 2 === 0) {
      const ra = await a();
      const rb = await b();
      pairs.push({ a: ra, b: rb });
    } else {
      const rb = await b();
      const ra = await a();
      pairs.push({ a: ra, b: rb });
    }
  }
  return pairs;
}

/**
 * Runs every function `reps` times in rounds, rotating which goes first from round to round
 * (ABC, BCA, CAB…), so drift of a shared machine lands on each alike. Returns each round's
 * results in the order of `fns`.
 */
export async function rotate<T>(reps: number, fns: Array<() => Promise<T>>): Promise<T[][]> {
  const rounds: T[][] = [];
  for (let i = 0; i < reps; i++) {
    const results = new Array<T>(fns.length);
    for (let k = 0; k < fns.length; k++) {
      const j = (i + k) % fns.length;
      results[j] = await (fns[j] as () => Promise<T>)();
    }
    rounds.push(results);
  }
  return rounds;
}

/** Formats a number with `digits` significant decimals, or "–" when it is not finite. */
export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return "–";
  return value.toFixed(digits);
}

/** "median (p10–p90)" with a unit suffix. */
export function fmtSummary(s: Summary, digits = 2, unit = ""): string {
  return `${fmt(s.median, digits)}${unit} (p10 ${fmt(s.p10, digits)}, p90 ${fmt(s.p90, digits)})`;
}

/**
 * A prefix for the note of an unmet "at least" target whose p90 still reaches it: the run's
 * noise is larger than the gap, so the verdict is not conclusive.
 */
export function noiseCaveat(s: Summary, atLeast: number): string {
  return s.p90 >= atLeast
    ? `Inconclusive at this run's noise: the median misses the target but p90 (${fmt(s.p90, 3)}) reaches it. `
    : "";
}

/** Sleeps for `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Self-checks: cheap enough to run at every import, and they keep the helpers honest.
assert.equal(percentile([3, 1, 2], 50), 2);
assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
assert.equal(percentile([5], 90), 5);
assert.ok(Number.isNaN(percentile([], 50)));
assert.equal(percentile([0, 10], 10), 1);
assert.equal(summarize([1, 2, 3, 4, 5]).median, 3);
{
  const order: string[] = [];
  const calls = ["a", "b", "c"].map((x) => async () => {
    order.push(x);
    return x;
  });
  const rounds = await rotate(2, calls);
  assert.deepEqual(rounds, [
    ["a", "b", "c"],
    ["a", "b", "c"],
  ]);
  assert.deepEqual(order, ["a", "b", "c", "b", "c", "a"]);
}
