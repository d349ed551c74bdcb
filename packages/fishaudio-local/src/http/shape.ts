import { HttpError } from "./errors.js";

/**
 * Bounds on the shape of a decoded JSON or msgpack value, checked on the raw bytes before any
 * decoder runs. Decoders build one object per nested container: 40 MB of `[[[[…` costs gigabytes
 * of heap (and its error message once overflowed the stack). No request of the API nests deeper
 * than a few levels or holds more than a few hundred values.
 */
export interface ShapeLimits {
  /** Deepest nesting of arrays and maps. */
  maxDepth: number;
  /** Most values (containers, scalars, strings and byte strings) in the whole payload. */
  maxValues: number;
}

/** The limits every body and realtime frame gets. */
export const PAYLOAD_SHAPE: ShapeLimits = { maxDepth: 32, maxValues: 100_000 };

function tooDeep(limits: ShapeLimits): HttpError {
  return new HttpError(
    400,
    `The payload nests arrays or maps deeper than ${limits.maxDepth} levels; flatten it`,
  );
}

function tooMany(limits: ShapeLimits): HttpError {
  return new HttpError(
    400,
    `The payload holds more than ${limits.maxValues} values; send fewer fields or list items`,
  );
}

/**
 * Walks msgpack bytes (one pass, no allocation) and throws 400 when they nest too deep, hold
 * too many values or declare more items than bytes remain. Malformed bytes are left for the
 * decoder to report.
 * @example assertMsgpackShape(bytes, PAYLOAD_SHAPE);
 */
export function assertMsgpackShape(bytes: Uint8Array, limits: ShapeLimits = PAYLOAD_SHAPE): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  // Items still expected by each open container, innermost last.
  const pending: number[] = [];
  let values = 0;
  let pos = 0;
  const uint = (size: number): number => {
    if (pos + size > end) return Number.NaN;
    const at = pos;
    pos += size;
    if (size === 1) return view.getUint8(at);
    if (size === 2) return view.getUint16(at);
    return view.getUint32(at);
  };
  while (pos < end) {
    if (++values > limits.maxValues) throw tooMany(limits);
    const byte = bytes[pos++]!;
    // A container's item count, or (for scalars) how many bytes follow the type byte.
    let items = -1;
    let skip = 0;
    if (byte <= 0x7f || byte >= 0xe0 || byte === 0xc0 || byte === 0xc2 || byte === 0xc3) skip = 0;
    else if (byte <= 0x8f) items = 2 * (byte & 0x0f);
    else if (byte <= 0x9f) items = byte & 0x0f;
    else if (byte <= 0xbf) skip = byte & 0x1f;
    else if (byte === 0xc4 || byte === 0xd9) skip = uint(1);
    else if (byte === 0xc5 || byte === 0xda) skip = uint(2);
    else if (byte === 0xc6 || byte === 0xdb) skip = uint(4);
    else if (byte === 0xc7) skip = uint(1) + 1;
    else if (byte === 0xc8) skip = uint(2) + 1;
    else if (byte === 0xc9) skip = uint(4) + 1;
    else if (byte === 0xca || byte === 0xce || byte === 0xd2) skip = 4;
    else if (byte === 0xcb || byte === 0xcf || byte === 0xd3) skip = 8;
    else if (byte === 0xcc || byte === 0xd0) skip = 1;
    else if (byte === 0xcd || byte === 0xd1) skip = 2;
    else if (byte >= 0xd4 && byte <= 0xd8) skip = 1 + 2 ** (byte - 0xd4);
    else if (byte === 0xdc) items = uint(2);
    else if (byte === 0xdd) items = uint(4);
    else if (byte === 0xde) items = 2 * uint(2);
    else if (byte === 0xdf) items = 2 * uint(4);
    else return; // 0xc1 (never used): the decoder says what is wrong.
    if (Number.isNaN(items) || Number.isNaN(skip)) return; // Truncated: the decoder reports it.
    if (items > 0) {
      // Every item takes at least one byte: a larger count is a lie the decoder would allocate for.
      if (items > end - pos) {
        throw new HttpError(
          400,
          `The payload declares ${items} items but only ${end - pos} bytes follow`,
        );
      }
      if (pending.length >= limits.maxDepth) throw tooDeep(limits);
      pending.push(items);
      continue;
    }
    pos += skip;
    // This value completes an item of its container, which may complete the containers around it.
    while (pending.length > 0) {
      const top = pending.length - 1;
      const left = pending[top]! - 1;
      pending[top] = left;
      if (left > 0) break;
      pending.pop();
    }
  }
}

/**
 * Scans JSON text (one pass over the bytes, strings skipped) and throws 400 when it nests too
 * deep or holds too many values. Invalid JSON is left for JSON.parse to report.
 * @example assertJsonShape(bytes, PAYLOAD_SHAPE);
 */
export function assertJsonShape(bytes: Uint8Array, limits: ShapeLimits = PAYLOAD_SHAPE): void {
  let depth = 0;
  let values = 1;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > limits.maxDepth) throw tooDeep(limits);
    } else if (byte === 0x5d || byte === 0x7d) depth--;
    else if (byte === 0x2c && ++values > limits.maxValues) throw tooMany(limits);
  }
}
