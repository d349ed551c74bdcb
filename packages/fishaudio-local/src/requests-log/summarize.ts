import { PLAYABLE_AUDIO } from "./audio-clips.js";
import type { BinarySummary } from "./entry.js";

/** Longest text kept per field; longer text is cut and marked. */
const MAX_TEXT = 4000;
/** Deepest nesting kept (references inside references…). */
const MAX_DEPTH = 6;
/** Most items kept per list or object. */
const MAX_ITEMS = 50;

/** Keeps a playable audio value elsewhere and returns its clip id (undefined: not kept). */
export type KeepAudio = (bytes: Uint8Array, kind: string) => string | undefined;

/**
 * Turns a decoded request body (JSON/msgpack value or form field map) into a JSON-safe summary:
 * binary values become `{ $binary, bytes, kind }`, long strings are cut, deep or long structures
 * are trimmed. The log keeps only this, so it never holds audio bytes; `keep`, when given, may
 * store playable audio apart and the summary then names its `clip`.
 * @example summarizeBody({ text: "hi", audio: new Uint8Array(10) })
 */
export function summarizeBody(value: unknown, keep?: KeepAudio): unknown {
  return summarize(value, keep, 0);
}

function summarize(value: unknown, keep: KeepAudio | undefined, depth: number): unknown {
  if (value instanceof Uint8Array) return binary(value, keep);
  if (value instanceof ArrayBuffer) return binary(new Uint8Array(value), keep);
  if (typeof value === "string") {
    return value.length > MAX_TEXT
      ? `${value.slice(0, MAX_TEXT)}… (${value.length} characters)`
      : value;
  }
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" ? value.toString() : (value ?? null);
  }
  if (depth >= MAX_DEPTH) return "…";
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, list] of [...value.entries()].slice(0, MAX_ITEMS)) {
      const items = Array.isArray(list) ? list : [list];
      out[String(key)] =
        items.length === 1
          ? summarize(items[0], keep, depth + 1)
          : summarize(items, keep, depth + 1);
    }
    return out;
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => summarize(item, keep, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… (${value.length} items)`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_ITEMS)) {
    out[key] = summarize(item, keep, depth + 1);
  }
  return out;
}

function binary(bytes: Uint8Array, keep: KeepAudio | undefined): BinarySummary {
  const kind = sniffKind(bytes);
  const clip = keep && kind in PLAYABLE_AUDIO ? keep(bytes, kind) : undefined;
  return clip === undefined
    ? { $binary: true, bytes: bytes.length, kind }
    : { $binary: true, bytes: bytes.length, kind, clip };
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/**
 * The container a byte string starts like (enough to label it; the server sniffs for real).
 * @example sniffKind(wavBytes) // "wav"
 */
export function sniffKind(b: Uint8Array): string {
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WAVE") return "wav";
  if (ascii(b, 0, 3) === "ID3" || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return "mp3";
  if (ascii(b, 0, 4) === "OggS") return "ogg";
  if (ascii(b, 0, 4) === "fLaC") return "flac";
  if (ascii(b, 4, 4) === "ftyp") return "m4a";
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "webm";
  if (b[0] === 0x89 && ascii(b, 1, 3) === "PNG") return "png";
  if (b[0] === 0xff && b[1] === 0xd8) return "jpeg";
  return "unknown";
}
