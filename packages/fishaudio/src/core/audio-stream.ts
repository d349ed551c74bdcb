import { FishAudioError } from "./error.js";

/**
 * Audio as it arrives: an async iterable of byte chunks that can also be collected whole or
 * handed to web APIs as a ReadableStream. Single-use, because the bytes are not kept.
 *
 * @example
 * for await (const chunk of await client.tts.convert({ text: "Hi" })) sink.write(chunk);
 */
export class AudioStream implements AsyncIterable<Uint8Array> {
  #source: AsyncIterable<Uint8Array> | undefined;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source;
  }

  /**
   * Yields each non-empty chunk in order, as soon as it arrives.
   *
   * Written by hand rather than as an async generator: a generator queues `return()` behind a
   * pending `next()`, so cancelling a reader mid-read would wait for the next chunk. Here
   * `return()` reaches the source at once, which closes the socket or request promptly.
   */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const source = this.#take()[Symbol.asyncIterator]();
    return {
      async next() {
        for (;;) {
          const result = await source.next();
          if (result.done || result.value.byteLength > 0) return result;
        }
      },
      async return(value?: unknown) {
        if (source.return) await source.return(value);
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * Reads the whole stream into one buffer.
   * @example const mp3 = await (await client.tts.convert({ text: "Hi" })).collect();
   */
  async collect(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this) {
      chunks.push(chunk);
      total += chunk.byteLength;
    }
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  /**
   * The same bytes as a web ReadableStream; cancelling it stops the underlying request.
   * @example new Response((await client.tts.convert({ text: "Hi" })).toReadableStream())
   */
  toReadableStream(): ReadableStream<Uint8Array> {
    const iterator = this[Symbol.asyncIterator]();
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await iterator.next();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    });
  }

  #take(): AsyncIterable<Uint8Array> {
    const source = this.#source;
    if (!source) {
      throw new FishAudioError(
        "This AudioStream was already consumed; an AudioStream can be read only once.",
      );
    }
    this.#source = undefined;
    return source;
  }
}
