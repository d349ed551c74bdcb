import type { FieldBag, FieldValue } from "../http/forms.js";
import { refused } from "./errors.js";

/**
 * The raw value(s) of a form or JSON field, also under its array spelling (`name[]`, as SDKs
 * encode lists in multipart); undefined when absent.
 * @example field(bag, "timestamp_granularities") // ["word"]
 */
export function field(bag: FieldBag, name: string): FieldValue | FieldValue[] | undefined {
  const list = [...(bag.fields.get(name) ?? []), ...(bag.fields.get(`${name}[]`) ?? [])].filter(
    (v) => v !== null && v !== undefined,
  );
  if (list.length === 0) return undefined;
  return list.length === 1 ? list[0] : list;
}

/**
 * A single text field (numbers and booleans from JSON are turned into text).
 * @example text(bag, "language") // "en"
 */
export function text(bag: FieldBag, name: string): string | undefined {
  const value = field(bag, name);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw refused(`'${name}' must be a single value, not a list`);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw refused(`'${name}' must be a string`);
}
