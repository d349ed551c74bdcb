import { createWriteStream } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Writes audio to `path` as it arrives, holding only a chunk or two in memory; a stream that
 * fails part-way leaves no truncated file behind.
 *
 * @example
 * await save(await client.tts.convert({ text: "Hello" }), "hello.mp3");
 */
export async function save(
  audio: AsyncIterable<Uint8Array> | Uint8Array,
  path: string,
): Promise<void> {
  if (audio instanceof Uint8Array) {
    await writeFile(path, audio);
    return;
  }
  try {
    await pipeline(Readable.from(audio, { objectMode: false }), createWriteStream(path));
  } catch (error) {
    await rm(path, { force: true }).catch(() => {});
    throw error;
  }
}
