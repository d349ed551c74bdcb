/**
 * How bytes arrive in each body encoding. Every other field is checked against the published
 * schema (schema/validate.ts); a file is decoding, not validation: a file part in a form, msgpack
 * bin, or base64 text in JSON.
 */
import { HttpError } from "./errors.js";
import type { FieldBag, FieldValue } from "./forms.js";

function values(bag: FieldBag, name: string): FieldValue[] {
  return (bag.fields.get(name) ?? []).filter((v) => v !== null && v !== undefined);
}

function invalid(name: string, expected: string): HttpError {
  return new HttpError(422, `Field '${name}' must be ${expected}`);
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
