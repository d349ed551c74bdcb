import { HttpError } from "./errors.js";
import type { FieldBag, FieldValue } from "./forms.js";

function values(bag: FieldBag, name: string): FieldValue[] {
  return (bag.fields.get(name) ?? []).filter((v) => v !== null && v !== undefined);
}

function invalid(name: string, expected: string): HttpError {
  return new HttpError(422, `Field '${name}' must be ${expected}`);
}

/**
 * A single optional text field; `null`/absent gives undefined, a non-string gives 422.
 * @example const title = textField(bag, "title");
 */
export function textField(bag: FieldBag, name: string): string | undefined {
  const list = values(bag, name);
  if (list.length === 0) return undefined;
  if (list.length > 1) throw invalid(name, "a single string, not a list");
  const value = list[0];
  if (typeof value !== "string") throw invalid(name, "a string");
  return value;
}

/**
 * A list of strings sent as repeated fields, an array, or one comma-joined string.
 * `split` decides whether a single comma-joined value is taken apart.
 * @example const tags = listField(bag, "tags", () => true);
 */
export function listField(
  bag: FieldBag,
  name: string,
  split: (parts: string[]) => boolean,
): string[] | undefined {
  const raw = bag.fields.get(name);
  if (raw === undefined) return undefined;
  const list = raw.filter((v) => v !== null && v !== undefined);
  if (list.some((v) => typeof v !== "string")) throw invalid(name, "a string or a list of strings");
  const strings = list as string[];
  if (strings.length === 1) {
    const parts = strings[0]!.split(",").map((p) => p.trim());
    if (parts.length > 1 && split(parts)) return parts.filter((p) => p.length > 0);
  }
  return strings;
}

/**
 * An optional boolean: true/false values, or the strings "true"/"false"/"1"/"0".
 * @example const enhance = boolField(bag, "enhance_audio_quality");
 */
export function boolField(bag: FieldBag, name: string): boolean | undefined {
  const list = values(bag, name);
  if (list.length === 0) return undefined;
  const value = list[0];
  if (typeof value === "boolean") return value;
  if (typeof value === "number" && (value === 0 || value === 1)) return value === 1;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (lower === "true" || lower === "1") return true;
    if (lower === "false" || lower === "0") return false;
  }
  throw invalid(name, "a boolean (true or false)");
}

/**
 * File fields: file parts in forms; bytes (msgpack bin) or base64 strings in objects.
 * @example const voices = fileField(bag, "voices");
 */
export function fileField(bag: FieldBag, name: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const value of values(bag, name)) {
    if (value instanceof Uint8Array) out.push(value);
    else if (typeof value === "string" && bag.kind === "object") out.push(base64(value, name));
    else if (typeof value === "string") {
      throw invalid(name, "a file part (multipart/form-data), not a text field");
    } else throw invalid(name, "binary audio (msgpack bin, base64 in JSON, or a file part)");
  }
  return out;
}

function base64(text: string, name: string): Uint8Array {
  const clean = text.replace(/^data:[^,]*,/, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length === 0) {
    throw invalid(name, "binary data; in JSON send it as a base64 string");
  }
  return new Uint8Array(Buffer.from(clean, "base64"));
}
