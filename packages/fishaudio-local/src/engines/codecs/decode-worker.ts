/**
 * Worker thread that decodes uploads (mp3, ogg, flac, m4a… to 16 kHz PCM). Decoding a long file
 * takes long enough to stall the server's event loop, so it happens here.
 */
import { parentPort } from "node:worker_threads";
import { AudioTooLongError, UnsupportedAudioError } from "../types.js";
import { decodeAudio } from "./decode.js";

export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
  maxSeconds: number;
}

export type DecodeReply =
  | { id: number; samples: Int16Array; sampleRate: number }
  | { id: number; error: string; unsupported: boolean; tooLong?: boolean };

const port = parentPort!;

port.on("message", async (msg: DecodeRequest | { close: true }) => {
  if ("close" in msg) process.exit(0);
  try {
    const pcm = await decodeAudio(msg.bytes, msg.maxSeconds);
    port.postMessage(
      { id: msg.id, samples: pcm.samples, sampleRate: pcm.sampleRate } satisfies DecodeReply,
      [pcm.samples.buffer as ArrayBuffer],
    );
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    port.postMessage({
      id: msg.id,
      error,
      unsupported: err instanceof UnsupportedAudioError,
      tooLong: err instanceof AudioTooLongError,
    } satisfies DecodeReply);
  }
});
port.postMessage({ ready: true });
