import type { AsyncAudioEncoder, AudioEncoder } from "../types.js";

/**
 * A synchronous encoder behind the asynchronous interface (wav and pcm, one-shot commands, and
 * engines without encoder threads): the work runs on the caller's thread, as before.
 * @example const enc = inlineEncoder(await createEncoder({ format: "wav" }));
 */
export function inlineEncoder(encoder: AudioEncoder): AsyncAudioEncoder {
  return {
    contentType: encoder.contentType,
    write: async (chunk) => encoder.write(chunk),
    end: async () => encoder.end(),
    discard: () => undefined,
  };
}
