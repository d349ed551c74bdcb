/**
 * A small MessagePack writer for request bodies. `@msgpack/msgpack` picks the float or int
 * encoding from the number's value, but the Python SDK sends some fields as float64 even when
 * the value is integral (`volume: -3` -> `cb c0 08 …`). Byte-compatibility therefore needs the
 * type chosen per field: wrap such values in `float64()`.
 * Decoding stays with `@msgpack/msgpack`.
 */

/** A number that must be written as a msgpack float64 (0xcb), whatever its value. */
export class Float64 {
  constructor(readonly value: number) {}
}

/** Marks `value` to be written as float64. */
export function float64(value: number): Float64 {
  return new Float64(value);
}

/** What the writer understands. Integral numbers become the smallest int; others float64. */
export type MsgValue =
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | Float64
  | readonly MsgValue[]
  | { readonly [key: string]: MsgValue | undefined };

const encoder = new TextEncoder();

class ByteWriter {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.#reserve(1);
    this.#view.setUint8(this.#pos, v);
    this.#pos += 1;
  }
  u16(v: number): void {
    this.#reserve(2);
    this.#view.setUint16(this.#pos, v);
    this.#pos += 2;
  }
  u32(v: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#pos, v);
    this.#pos += 4;
  }
  i8(v: number): void {
    this.#reserve(1);
    this.#view.setInt8(this.#pos, v);
    this.#pos += 1;
  }
  i16(v: number): void {
    this.#reserve(2);
    this.#view.setInt16(this.#pos, v);
    this.#pos += 2;
  }
  i32(v: number): void {
    this.#reserve(4);
    this.#view.setInt32(this.#pos, v);
    this.#pos += 4;
  }
  u64(v: number): void {
    this.#reserve(8);
    this.#view.setBigUint64(this.#pos, BigInt(v));
    this.#pos += 8;
  }
  i64(v: number): void {
    this.#reserve(8);
    this.#view.setBigInt64(this.#pos, BigInt(v));
    this.#pos += 8;
  }
  f64(v: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#pos, v);
    this.#pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }
  result(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }
}

/**
 * Encodes `value` as MessagePack. Map keys keep insertion order; `undefined` map values are
 * left out (never written as nil), `null` is nil.
 */
export function encodeMsgpack(value: MsgValue): Uint8Array {
  const w = new ByteWriter();
  write(w, value);
  return w.result();
}

function write(w: ByteWriter, value: MsgValue): void {
  if (value === null) w.u8(0xc0);
  else if (value === true) w.u8(0xc3);
  else if (value === false) w.u8(0xc2);
  else if (typeof value === "string") writeStr(w, value);
  else if (typeof value === "number") {
    if (Number.isSafeInteger(value)) writeInt(w, value);
    else writeFloat(w, value);
  } else if (value instanceof Float64) writeFloat(w, value.value);
  else if (value instanceof Uint8Array) writeBin(w, value);
  else if (Array.isArray(value)) {
    const items = value as readonly MsgValue[];
    writeLength(w, items.length, 0x90, 0xdc, 0xdd);
    for (const item of items) write(w, item);
  } else {
    const entries = Object.entries(value as Record<string, MsgValue | undefined>).filter(
      (entry): entry is [string, MsgValue] => entry[1] !== undefined,
    );
    writeLength(w, entries.length, 0x80, 0xde, 0xdf);
    for (const [key, item] of entries) {
      writeStr(w, key);
      write(w, item);
    }
  }
}

function writeFloat(w: ByteWriter, v: number): void {
  w.u8(0xcb);
  w.f64(v);
}

/** The smallest encoding that holds `v`, as ormsgpack and @msgpack/msgpack choose it. */
function writeInt(w: ByteWriter, v: number): void {
  if (v >= 0 && v < 0x80) w.u8(v);
  else if (v < 0 && v >= -0x20) w.i8(v);
  else if (v >= 0) {
    if (v < 0x100) {
      w.u8(0xcc);
      w.u8(v);
    } else if (v < 0x10000) {
      w.u8(0xcd);
      w.u16(v);
    } else if (v < 0x100000000) {
      w.u8(0xce);
      w.u32(v);
    } else {
      w.u8(0xcf);
      w.u64(v);
    }
  } else if (v >= -0x80) {
    w.u8(0xd0);
    w.i8(v);
  } else if (v >= -0x8000) {
    w.u8(0xd1);
    w.i16(v);
  } else if (v >= -0x80000000) {
    w.u8(0xd2);
    w.i32(v);
  } else {
    w.u8(0xd3);
    w.i64(v);
  }
}

function writeStr(w: ByteWriter, s: string): void {
  const bytes = encoder.encode(s);
  const n = bytes.length;
  if (n < 32) w.u8(0xa0 | n);
  else if (n < 0x100) {
    w.u8(0xd9);
    w.u8(n);
  } else writeSized(w, n, 0xda, 0xdb);
  w.bytes(bytes);
}

function writeBin(w: ByteWriter, b: Uint8Array): void {
  if (b.length < 0x100) {
    w.u8(0xc4);
    w.u8(b.length);
  } else writeSized(w, b.length, 0xc5, 0xc6);
  w.bytes(b);
}

function writeLength(w: ByteWriter, n: number, fix: number, c16: number, c32: number): void {
  if (n < 16) w.u8(fix | n);
  else writeSized(w, n, c16, c32);
}

function writeSized(w: ByteWriter, n: number, c16: number, c32: number): void {
  if (n < 0x10000) {
    w.u8(c16);
    w.u16(n);
  } else {
    w.u8(c32);
    w.u32(n);
  }
}
