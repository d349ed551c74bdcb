import { encode } from "@msgpack/msgpack";

/** Largest audio payload per WebSocket frame: the whole msgpack frame stays under 64 KiB. */
export const MAX_AUDIO_PAYLOAD = 65_000;

// {"event":"audio","audio":<bin>} up to the bin header.
const AUDIO_PREFIX = Buffer.from([
  0x82,
  0xa5,
  ...Buffer.from("event"),
  0xa5,
  ...Buffer.from("audio"),
  0xa5,
  ...Buffer.from("audio"),
]);

/**
 * Encodes one `audio` event (msgpack map with a bin payload) without a generic encoder pass.
 * @example ws.send(audioFrame(bytes));
 */
export function audioFrame(audio: Uint8Array): Buffer {
  const n = audio.length;
  let header: Buffer;
  if (n < 0x100) header = Buffer.from([0xc4, n]);
  else if (n < 0x10000) header = Buffer.from([0xc5, n >> 8, n & 0xff]);
  else {
    header = Buffer.alloc(5);
    header[0] = 0xc6;
    header.writeUInt32BE(n, 1);
  }
  return Buffer.concat([AUDIO_PREFIX, header, audio], AUDIO_PREFIX.length + header.length + n);
}

/**
 * Encodes the closing `finish` event; `message` accompanies `reason: "error"`.
 * @example ws.send(finishFrame("stop"));
 */
export function finishFrame(reason: "stop" | "error", message?: string): Uint8Array {
  return encode(
    message === undefined ? { event: "finish", reason } : { event: "finish", reason, message },
  );
}
