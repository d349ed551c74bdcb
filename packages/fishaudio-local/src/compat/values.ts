/**
 * How loosely-typed protocol values (multipart text, JSON, query strings) are read: the SDKs
 * serialise the same option as `true`, `"true"`, `"True"` or `1`.
 */

const FALSE_WORDS = new Set(["", "false", "0", "none", "off", "no", "null"]);

/**
 * Whether an option counts as requested: only a true value does, so an SDK's serialised
 * defaults (`false`, `"False"`, `0`, `none`, `off`) never trigger a refusal.
 * @example requested("False") // false
 */
export function requested(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return !FALSE_WORDS.has(value.trim().toLowerCase());
  if (Array.isArray(value)) return value.some(requested);
  return true;
}

/**
 * Whether a boolean option was explicitly turned off (`enable_logging=false`).
 * @example explicitlyOff("false") // true; explicitlyOff(undefined) // false
 */
export function explicitlyOff(value: unknown): boolean {
  if (value === false || value === 0) return true;
  if (typeof value !== "string") return false;
  return ["false", "0", "off", "no"].includes(value.trim().toLowerCase());
}

/**
 * Whether a list-valued option carries anything (`[]`, `"[]"`, `""` and `null` do not).
 * @example nonEmpty("[]") // false
 */
export function nonEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(nonEmpty);
  if (typeof value === "string") {
    const trimmed = value.trim();
    return trimmed !== "" && trimmed !== "[]" && trimmed !== "{}" && trimmed !== "null";
  }
  if (typeof value === "object") return Object.keys(value).length > 0;
  return requested(value);
}
