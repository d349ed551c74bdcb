/**
 * Unsigned LEB128, the variable-length integers WebAssembly binaries spell sizes, counts and
 * indices with. Shared by the code that writes a module (signal/simd-kernels.ts) and the code that
 * rewrites one (speech/wasi-instance.ts).
 */

/**
 * `n` (0 to 2^32 - 1) as unsigned LEB128 bytes.
 * @example leb(624485); // [0xe5, 0x8e, 0x26]
 */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/**
 * The unsigned LEB128 number at `at` in `bytes`, and the offset just after it.
 * @example readLeb(Uint8Array.of(0xe5, 0x8e, 0x26), 0); // [624485, 3]
 */
export function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}
