/** Hostile payload shapes shared by the fast and stress tests (issue 17, items 1 and 7). */

/** `{<field>: [[[…nil…]]]}` as msgpack, `depth` arrays deep, built without recursion. */
export function nestedMsgpackField(field: string, depth: number): Buffer {
  const name = Buffer.from(field, "utf8");
  return Buffer.concat([
    Buffer.from([0x81, 0xa0 | name.length]),
    name,
    Buffer.alloc(depth, 0x91),
    Buffer.from([0xc0]),
  ]);
}

/** `{"<field>": [[[…]]]}` as JSON, `depth` arrays deep. */
export function nestedJsonField(field: string, depth: number): Buffer {
  return Buffer.from(`{${JSON.stringify(field)}:${"[".repeat(depth)}${"]".repeat(depth)}}`);
}

/** A whole msgpack body of `bytes` bytes: arrays of one array each, ending in nil. */
export function nestedMsgpackBody(bytes: number): Buffer {
  const out = Buffer.alloc(bytes, 0x91);
  out[bytes - 1] = 0xc0;
  return out;
}

/** A whole JSON body of about `bytes` bytes: `[[[…]]]`. */
export function nestedJsonBody(bytes: number): Buffer {
  const depth = Math.floor(bytes / 2);
  return Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`);
}
