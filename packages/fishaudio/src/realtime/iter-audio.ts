import { AudioStream } from "../core/audio-stream.js";
import { AudioReceiver, DEFAULT_MAX_QUEUED_BYTES } from "./receiver.js";
import { nodeExtras, type WebSocketLike } from "./socket.js";

/**
 * Reads a `/v1/tts/live` socket you opened and drive yourself: yields the bytes of each `audio`
 * event until `finish`, and throws WebSocketError on `finish`/`error` or a close without
 * `finish`. It only reads; sending start/text/stop and closing the socket stay with you.
 *
 * @example
 * const ws = new WebSocket(url, { headers });   // from `ws`
 * ws.on("open", () => { ws.send(start); ws.send(text); ws.send(stop); });
 * for await (const chunk of iterWebsocketAudio(ws)) out.write(chunk);
 */
export function iterWebsocketAudio(
  ws: WebSocketLike,
  options: { maxQueuedBytes?: number } = {},
): AudioStream {
  return new AudioStream({
    [Symbol.asyncIterator]: () => {
      // A WHATWG socket hands binary frames over as Blobs by default; bytes are cheaper to read.
      if (!nodeExtras(ws) && ws.binaryType === "blob") ws.binaryType = "arraybuffer";
      return new AudioReceiver(ws, {
        maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      });
    },
  });
}
