import type { ServerResponse } from "node:http";

/**
 * Writes a chunk and, when the socket buffer is full, waits until it drains (or the client
 * goes away), so a fast producer never piles up memory behind a slow reader.
 * @example await writeWithBackpressure(res, bytes);
 */
export function writeWithBackpressure(
  res: ServerResponse,
  chunk: Uint8Array,
): Promise<void> | void {
  if (chunk.length === 0 || res.destroyed) return;
  if (res.write(chunk)) return;
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
