import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AudioStream, FishAudioError } from "fishaudio";

/** A source that yields the given chunks, then blocks until returned; records calls. */
function blockingSource(chunks: Uint8Array[]) {
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const source: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        next() {
          calls.push("next");
          const chunk = chunks[index++];
          if (chunk) return Promise.resolve({ done: false, value: chunk });
          return new Promise((resolve) => {
            release = () => resolve({ done: true, value: undefined });
          });
        },
        return() {
          calls.push("return");
          release?.();
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  return { source, calls };
}

describe("AudioStream", () => {
  it("skips empty chunks and collects the rest in order", async () => {
    const stream = new AudioStream(
      (async function* () {
        yield new Uint8Array([1, 2]);
        yield new Uint8Array(0);
        yield new Uint8Array([3]);
      })(),
    );
    assert.deepEqual([...(await stream.collect())], [1, 2, 3]);
  });

  it("can be read only once", async () => {
    const stream = new AudioStream((async function* () {})());
    await stream.collect();
    await assert.rejects(stream.collect(), FishAudioError);
  });

  it("passes return() to the source even while a read is pending", async () => {
    const { source, calls } = blockingSource([new Uint8Array([7])]);
    const reader = new AudioStream(source).toReadableStream().getReader();
    assert.deepEqual([...((await reader.read()).value ?? [])], [7]);
    const pending = reader.read(); // blocks inside the source
    await reader.cancel();
    assert.ok(calls.includes("return"), "cancel reached the source");
    assert.equal((await pending).done, true);
  });
});
