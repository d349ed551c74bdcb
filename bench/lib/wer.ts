/** Word error rate: word-level Levenshtein distance over the reference length. */
import assert from "node:assert/strict";

/** Lower-cases, drops punctuation and splits into words. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, " ")
    .replace(/'(?!\p{L})/gu, " ")
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

/** Edit distance between two word lists (substitutions, insertions, deletions each cost 1). */
export function editDistance(ref: readonly string[], hyp: readonly string[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const sub = (prev[j - 1] as number) + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] as number) + 1, (cur[j - 1] as number) + 1));
    }
    prev = cur;
  }
  return prev[hyp.length] as number;
}

/** Word error rate of `hypothesis` against `reference` (0 = identical; can exceed 1). */
export function wer(reference: string, hypothesis: string): number {
  const ref = words(reference);
  const hyp = words(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  return editDistance(ref, hyp) / ref.length;
}

/** Word errors and reference words, for pooling WER over several utterances. */
export function werCounts(
  reference: string,
  hypothesis: string,
): { errors: number; words: number } {
  const ref = words(reference);
  return { errors: editDistance(ref, words(hypothesis)), words: ref.length };
}

assert.equal(wer("Ask not, what your country can do!", "ask not what your country can do"), 0);
assert.equal(wer("a b c d", "a x c d"), 0.25);
assert.equal(wer("a b c d", "a c d"), 0.25);
assert.equal(wer("a b", "a b c d"), 1);
assert.equal(editDistance([], ["x"]), 1);
