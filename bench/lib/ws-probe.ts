/**
 * Timestamps on the `ws` socket itself, below any client: when a flush frame is handed to
 * `send`, and when the first audio frame after it is emitted as a message. With these, the
 * time a client spends on its own (from the caller's flush to the socket, and from the socket
 * to the caller's loop) is measured without the server's jitter in it.
 */
import { decode } from "@msgpack/msgpack";
import WebSocket from "ws";

export const probe = {
  /** When the flush frame reached `WebSocket.prototype.send` (0 = not yet). */
  flushSentAt: 0,
  /** When the first non-empty audio frame after the flush was emitted (0 = not yet). */
  audioReceivedAt: 0,
  armed: false,
  /** Clears the timestamps and starts watching for the next flush and audio. */
  arm(): void {
    this.flushSentAt = 0;
    this.audioReceivedAt = 0;
    this.armed = true;
  },
};

function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return undefined;
}

function eventOf(data: unknown): { event?: string; audio?: Uint8Array } | undefined {
  const bytes = bytesOf(data);
  if (!bytes) return undefined;
  try {
    return decode(bytes) as { event?: string; audio?: Uint8Array };
  } catch {
    return undefined;
  }
}

let installed = false;

/** Wraps `ws`'s send and emit once per process (the SDK loads the same `ws` module). */
export function installProbe(): void {
  if (installed) return;
  installed = true;
  const proto = WebSocket.prototype as unknown as {
    send: (data: unknown, ...rest: unknown[]) => void;
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
  };
  const send = proto.send;
  proto.send = function (this: unknown, data: unknown, ...rest: unknown[]) {
    if (probe.armed && probe.flushSentAt === 0) {
      const bytes = bytesOf(data);
      if (bytes && bytes.byteLength < 64 && eventOf(bytes)?.event === "flush") {
        probe.flushSentAt = performance.now();
      }
    }
    return send.call(this, data, ...rest);
  };
  const emit = proto.emit;
  proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
    if (
      event === "message" &&
      probe.armed &&
      probe.flushSentAt > 0 &&
      probe.audioReceivedAt === 0
    ) {
      const now = performance.now();
      const msg = eventOf(args[0]);
      if (msg?.event === "audio" && msg.audio && msg.audio.byteLength > 0)
        probe.audioReceivedAt = now;
    }
    return emit.call(this, event, ...args);
  };
}
