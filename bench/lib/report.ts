/**
 * What a suite hands back, and how the run turns it into the terminal table and BENCHMARKS.md.
 */
import assert from "node:assert/strict";

/** One target from issue #5 and whether this run met it. */
export interface TargetResult {
  /** Short id, e.g. "sdk.stream". */
  id: string;
  /** What was measured, e.g. "Streaming throughput, SDK / plain fetch". */
  what: string;
  /** The target in words, e.g. "≥ 0.95". */
  target: string;
  /** The measured figure in words, e.g. "0.98 (p10 0.96, p90 1.01)". */
  measured: string;
  /** Whether the run met the target; "reported" for figures without a target. */
  met: Verdict;
  /** For an unmet or unmeasured target: why, and what would close it. */
  note?: string;
}

/** A table of supporting figures (per voice, per format, per size, …). */
export interface DetailTable {
  title: string;
  head: string[];
  rows: string[][];
  /** A sentence under the table: how it was measured. */
  note?: string;
}

export interface SuiteResult {
  name: string;
  targets: TargetResult[];
  tables: DetailTable[];
  /** Set when the suite could not run at all. */
  error?: string;
  seconds: number;
}

/** Pads cells into aligned columns for the terminal. */
export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A GitHub-flavoured Markdown table; pipes inside cells are escaped. */
export function markdownTable(head: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const line = (cells: string[]) => `| ${cells.map(esc).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export type Verdict = "met" | "NOT met" | "inconclusive" | "not measured" | "reported";

/** "met" or "NOT met" from a comparison. */
export function verdict(ok: boolean): Verdict {
  return ok ? "met" : "NOT met";
}

/**
 * A "higher is better" ratio against its target: met when the median reaches it; inconclusive
 * when the median misses but the run's own spread (p90) reaches it, so the noise cannot tell;
 * NOT met when even p90 misses.
 */
export function ratioVerdict(ratio: { median: number; p90: number }, atLeast: number): Verdict {
  if (ratio.median >= atLeast) return "met";
  return ratio.p90 >= atLeast ? "inconclusive" : "NOT met";
}

assert.equal(textTable(["a", "bb"], [["xyz", "1"]]), "a    bb\n---  --\nxyz  1");
assert.equal(verdict(false), "NOT met");
assert.equal(ratioVerdict({ median: 0.96, p90: 1.1 }, 0.95), "met");
assert.equal(ratioVerdict({ median: 0.9, p90: 1.1 }, 0.95), "inconclusive");
assert.equal(ratioVerdict({ median: 0.9, p90: 0.94 }, 0.95), "NOT met");
assert.equal(markdownTable(["a"], [["x|y"]]), "| a |\n| --- |\n| x\\|y |");
