/**
 * Word timings from flite's own segment durations. Flite prints each segment with its end time
 * (`-psdur`) but not which word it belongs to, so a second, much cheaper pass (the fast kal16
 * voice, compressed, no audio kept) speaks the words one phrase each (`-ps`): its pauses separate
 * the words' phones. Aligning those phones with the real segments (edit distance, so a word said
 * differently in context still lands right) gives every word its first and last segment.
 */
import type { WordTiming } from "../types.js";

/** One flite segment: a phone (or "pau") and its span in seconds. */
export interface Segment {
  phone: string;
  start: number;
  end: number;
}

/**
 * Parses flite's `-psdur` output ("pau:0.119 hh:0.212 …", end times) into timed segments.
 * @example parseSegmentEnds("pau:0.1 hh:0.2") // [{ phone: "pau", start: 0, end: 0.1 }, { phone: "hh", start: 0.1, end: 0.2 }]
 */
export function parseSegmentEnds(output: string): Segment[] {
  const segments: Segment[] = [];
  let previous = 0;
  let base = 0;
  let last = 0;
  for (const item of output.trim().split(/\s+/)) {
    const colon = item.lastIndexOf(":");
    if (colon <= 0) continue;
    const raw = Number(item.slice(colon + 1));
    if (!Number.isFinite(raw)) continue;
    // Each utterance of a multi-sentence text counts from zero again; its audio follows on.
    if (raw < last) base = previous;
    last = raw;
    const end = Math.max(previous, base + raw);
    segments.push({ phone: item.slice(0, colon), start: previous, end });
    previous = end;
  }
  return segments;
}

/**
 * Parses flite's `-ps` output of words spoken one phrase each into each word's phones.
 * @example parsePhoneGroups("pau hh ax l ow pau w er l d pau") // [["hh","ax","l","ow"],["w","er","l","d"]]
 */
export function parsePhoneGroups(output: string): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  for (const phone of output.trim().split(/\s+/)) {
    if (!phone) continue;
    if (phone === "pau") {
      if (current.length) groups.push(current);
      current = [];
    } else current.push(phone);
  }
  if (current.length) groups.push(current);
  return groups;
}

/**
 * Times each word from the real segments. `groups[i]` are word i's phones from the per-word pass;
 * when the pass did not give one group per word, phones are shared out by word length instead
 * (still on flite's own segment times and pauses).
 * @example fliteWordTimings(["Hello", "world"], parseSegmentEnds(psdur), parsePhoneGroups(ps))
 */
export function fliteWordTimings(
  words: readonly string[],
  segments: readonly Segment[],
  groups: readonly string[][],
): WordTiming[] {
  const spoken = segments.filter((s) => s.phone !== "pau");
  if (words.length === 0 || spoken.length === 0) return [];
  const owner =
    groups.length === words.length
      ? alignOwners(spoken, groups)
      : shareByLength(
          spoken.length,
          words.map((w) => Array.from(w).length),
        );
  const timings: WordTiming[] = [];
  let previousEnd = 0;
  for (let word = 0; word < words.length; word++) {
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    for (let i = 0; i < spoken.length; i++) {
      if (owner[i] !== word) continue;
      start = Math.min(start, spoken[i]!.start);
      end = Math.max(end, spoken[i]!.end);
    }
    // A word no segment was matched to (spoken as nothing) gets an empty span where it sits.
    if (!Number.isFinite(start)) start = end = previousEnd;
    timings.push({ text: words[word]!, start, end });
    previousEnd = end;
  }
  return timings;
}

/**
 * For each real segment, the index of the word it belongs to: a Levenshtein alignment of the
 * real phones with the per-word phones; unmatched real phones join the word before them.
 */
function alignOwners(spoken: readonly Segment[], groups: readonly string[][]): number[] {
  const reference: { phone: string; word: number }[] = [];
  groups.forEach((group, word) => {
    for (const phone of group) reference.push({ phone, word });
  });
  const n = spoken.length;
  const m = reference.length;
  const cost = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = 0; i <= n; i++) cost[i]![0] = i;
  for (let j = 0; j <= m; j++) cost[0]![j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const same = spoken[i - 1]!.phone === reference[j - 1]!.phone ? 0 : 1;
      cost[i]![j] = Math.min(
        cost[i - 1]![j - 1]! + same,
        cost[i - 1]![j]! + 1,
        cost[i]![j - 1]! + 1,
      );
    }
  }
  const owner = new Array<number>(n).fill(-1);
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const same = spoken[i - 1]!.phone === reference[j - 1]!.phone ? 0 : 1;
    if (cost[i]![j] === cost[i - 1]![j - 1]! + same) {
      owner[i - 1] = reference[j - 1]!.word;
      i--;
      j--;
    } else if (cost[i]![j] === cost[i - 1]![j]! + 1) i--;
    else j--;
  }
  let last = 0;
  for (let k = 0; k < n; k++) {
    if (owner[k]! < 0) owner[k] = last;
    last = owner[k]!;
  }
  return owner;
}

/** Phones shared out over words in proportion to their length, in order. */
function shareByLength(phones: number, lengths: readonly number[]): number[] {
  const total = lengths.reduce((a, b) => a + b, 0) || 1;
  const owner: number[] = [];
  let seen = 0;
  for (let word = 0; word < lengths.length; word++) {
    seen += lengths[word]!;
    const upTo = word === lengths.length - 1 ? phones : Math.round((seen / total) * phones);
    while (owner.length < upTo) owner.push(word);
  }
  return owner;
}
