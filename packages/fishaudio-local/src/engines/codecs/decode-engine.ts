import {
  AudioTooLongError,
  type DecodeOptions,
  type PcmChunk,
  UnsupportedAudioError,
} from "../types.js";
import { HelperPool } from "../workers/helper-pool.js";
import { workerHelpers } from "../workers/helpers.js";
import { siblingScript } from "../workers/script-url.js";
import type { DecodeReply, DecodeRequest } from "./decode-worker.js";

/**
 * Decodes uploads in a worker thread (jobs queue; one worker).
 * @example
 * const decoder = new DecodeEngine();
 * const pcm = await decoder.decode(bytes);
 */
export class DecodeEngine {
  readonly pool = new HelperPool({
    name: "audio decoder",
    size: 1,
    recycleAfter: 500,
    create: workerHelpers(siblingScript(import.meta.url, "decode-worker"), () => ({ data: {} })),
  });
  private nextId = 1;

  decode(audio: Uint8Array, options: DecodeOptions = {}): Promise<PcmChunk> {
    // Copied, so the caller's buffer is neither detached nor shared with the worker.
    const request: DecodeRequest = {
      id: this.nextId++,
      bytes: Uint8Array.from(audio),
      maxSeconds: options.maxSeconds ?? Number.POSITIVE_INFINITY,
    };
    return new Promise<PcmChunk>((resolve, reject) => {
      this.pool.run({
        payload: request,
        signal: options.signal,
        onMessage: (message) => {
          const reply = message as DecodeReply;
          if (reply.id !== request.id) return false;
          if ("error" in reply) {
            reject(
              reply.tooLong
                ? new AudioTooLongError(request.maxSeconds)
                : reply.unsupported
                  ? new UnsupportedAudioError(reply.error)
                  : new Error(reply.error),
            );
          } else resolve({ samples: reply.samples, sampleRate: reply.sampleRate });
          return true;
        },
        onError: reject,
      });
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
