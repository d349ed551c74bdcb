/** A query value: lists repeat the key, booleans are `true`/`false`, undefined is left out. */
export type QueryValue = string | number | boolean | readonly (string | number | boolean)[];
export type Query = Record<string, QueryValue | null | undefined>;

/**
 * Serialises like the Python SDK (httpx): insertion order, repeated keys for lists, and
 * form encoding (`+` for spaces, `%26` for `&`), which is what URLSearchParams produces.
 */
export function toSearchParams(...queries: (Query | undefined)[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const query of queries) {
    if (!query) continue;
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      // A later layer (per-request `query`) replaces an earlier value of the same key.
      params.delete(key);
      const list = Array.isArray(value) ? value : [value];
      for (const item of list) params.append(key, String(item));
    }
  }
  return params;
}
