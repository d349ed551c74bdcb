/**
 * What is wrong with the shape of msgpack `bytes` before any decoder builds them: nesting
 * deeper than `maxDepth`, more than `maxValues` values, or a container that declares more items
 * than bytes remain (undefined when none of these). One pass, no allocation. A decoder builds
 * one object per nested container, so 40 MB of `0x91 0x91 …` would cost gigabytes of heap.
 * Malformed bytes are left for the decoder to report. (The local server has the same walk.)
 * @example const problem = msgpackShapeProblem(frame, 32, 100_000);
 */
export function msgpackShapeProblem(
  bytes: Uint8Array,
  maxDepth: number,
  maxValues: number,
): string | undefined {
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
    if (++values > maxValues) return `it holds more than ${maxValues} values`;
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
    else return undefined; // 0xc1 (never used): the decoder says what is wrong.
    if (Number.isNaN(items) || Number.isNaN(skip)) return undefined; // Truncated.
    if (items > 0) {
      // Every item takes at least one byte: a larger count is a lie a decoder would allocate for.
      if (items > end - pos) return `it declares ${items} items but only ${end - pos} bytes follow`;
      if (pending.length >= maxDepth) return `it nests deeper than ${maxDepth} levels`;
      pending.push(items);
      continue;
    }
    pos += skip;
    // This value completes an item of its container, which may complete the ones around it.
    while (pending.length > 0) {
      const top = pending.length - 1;
      const left = pending[top]! - 1;
      pending[top] = left;
      if (left > 0) break;
      pending.pop();
    }
  }
  return undefined;
}
