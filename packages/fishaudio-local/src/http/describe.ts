/**
 * A short, safe rendering of a client-supplied value for an error message: strings quoted and
 * cut at 60 characters, containers named rather than serialised (JSON.stringify of a deeply
 * nested value overflows the stack, and of a large one makes a huge message).
 * @example describeValue("mp4") // '"mp4"'
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    const cut = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return JSON.stringify(cut);
  }
  if (value === null || value === undefined) return String(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Uint8Array) return `${value.length} bytes of binary data`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  return typeof value;
}
