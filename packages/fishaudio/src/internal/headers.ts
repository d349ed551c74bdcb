/** Header values as callers give them: `null` removes a header set by an earlier layer. */
export type HeadersLike = Record<string, string | null | undefined> | Headers;

/**
 * Merges header layers left to right (later wins, case-insensitively) into a plain object,
 * dropping headers set to null. Names keep the spelling of the layer that set them last.
 */
export function mergeHeaders(...layers: (HeadersLike | undefined)[]): Record<string, string> {
  const out = new Map<string, [string, string]>();
  for (const layer of layers) {
    if (!layer) continue;
    // Told apart by shape, not `instanceof Headers`: on Node that global loads all of undici
    // (tens of ms at start), which a client given its own fetch may never otherwise need.
    const entries: [string, string | null | undefined][] = isHeaders(layer)
      ? [...layer.entries()]
      : Object.entries(layer);
    for (const [name, value] of entries) {
      const key = name.toLowerCase();
      if (value === null) out.delete(key);
      else if (value !== undefined) out.set(key, [name, value]);
    }
  }
  return Object.fromEntries(out.values());
}

/** A Headers object (or one like it): a record of header values has no `get` method. */
function isHeaders(layer: HeadersLike): layer is Headers {
  return typeof (layer as { get?: unknown }).get === "function";
}
