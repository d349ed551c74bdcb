/** The README's runtime table, built from the matrix's results (one row per runtime). */

const COLUMNS: [cell: string, title: string][] = [
  ["convert", "convert"],
  ["streaming", "streaming"],
  ["pagination", "pagination"],
  ["voices", "voices CRUD"],
  ["asr", "ASR"],
  ["account", "credits, package"],
  ["realtime", "realtime WebSocket"],
  ["auth", "401 → `AuthenticationError`"],
  ["abort", "abort mid-stream"],
];

export interface RuntimeRow {
  name: string;
  results: Record<string, string>;
  /** What a refused cell means on this runtime (shown instead of "refused"). */
  refusal?: string;
}

/**
 * Markdown rows: "yes" for a cell that passed, the runtime's note for one it refuses by design,
 * "FAILED" otherwise (the matrix fails then anyway).
 * @example renderTable([{ name: "Bun", results: { convert: "ok", … } }])
 */
export function renderTable(rows: RuntimeRow[]): string {
  const header = `| runtime | ${COLUMNS.map(([, title]) => title).join(" | ")} |`;
  const rule = `| --- | ${COLUMNS.map(() => "---").join(" | ")} |`;
  const lines = rows.map(({ name, results, refusal }) => {
    const cells = COLUMNS.map(([cell]) => {
      const value = results[cell];
      if (value === "ok") return "yes";
      if (value === "refused") return refusal ?? "refused";
      return "FAILED";
    });
    return `| ${name} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...lines].join("\n");
}
