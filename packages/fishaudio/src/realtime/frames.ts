import { Decoder } from "@msgpack/msgpack";
import { ValidationError, WebSocketError } from "../core/error.js";
import { encodeMsgpack } from "../internal/msgpack.js";
import { msgpackShapeProblem } from "../internal/msgpack-shape.js";

/**
 * The largest server frame the client accepts (also `ws`'s maxPayload, so a larger one is never
 * buffered): audio frames are a few KiB; 16 MiB leaves room and keeps a hostile server from
 * making the client hold 100 MiB per frame.
 */
export const MAX_SERVER_FRAME_BYTES = 16 * 1024 * 1024;
/** Server frames are flat maps; nothing legitimate nests this deep or holds this many values. */
const MAX_FRAME_DEPTH = 32;
const MAX_FRAME_VALUES = 100_000;

/** One chunk of text to speak, as sent on `/v1/tts/live`. */
export type TextEvent = { event: "text"; text: string };
/** Asks the server to synthesise whatever text it has buffered, without waiting for more. */
export type FlushEvent = { event: "flush" };
/** What a live session reads from: plain strings are shorthand for text events. */
export type LiveInputItem = string | TextEvent | FlushEvent;

// One decoder for the module: `decode()` builds a new one per call, which shows up when a long
// session moves thousands of frames. Frames are written by the SDK's own msgpack writer (the
// one that writes request bodies), so the bundle carries one encoder, not two.
const decoder = new Decoder();

// The client frames are tiny, fixed-shape maps; encoding them once keeps the sender cheap and
// makes the byte layout (section 12.2 of the protocol notes) easy to test.
export const FLUSH_FRAME: Uint8Array = encodeMsgpack({ event: "flush" });
export const STOP_FRAME: Uint8Array = encodeMsgpack({ event: "stop" });

/**
 * `{event:"text", text}` as msgpack.
 * @example ws.send(encodeTextFrame("Hello"));
 */
export function encodeTextFrame(text: string): Uint8Array {
  return encodeMsgpack({ event: "text", text });
}

/**
 * The frame for one input item, or undefined for an empty string (nothing to say). Anything
 * else in the input is a caller bug, reported before it reaches the wire.
 * @example const frame = encodeInputItem({ event: "flush" }); // FLUSH_FRAME
 */
export function encodeInputItem(item: unknown): Uint8Array | undefined {
  if (typeof item === "string") return item === "" ? undefined : encodeTextFrame(item);
  if (item && typeof item === "object") {
    const { event, text } = item as { event?: unknown; text?: unknown };
    if (event === "flush") return FLUSH_FRAME;
    if (event === "text" && typeof text === "string") {
      return text === "" ? undefined : encodeTextFrame(text);
    }
  }
  throw new ValidationError(
    "input",
    `each item must be a string, { event: "text", text: string } or { event: "flush" }; got ${describe(item)}`,
  );
}

/** A decoded server frame, reduced to what the client acts on. */
export type ServerEvent =
  | { type: "audio"; audio: Uint8Array }
  | { type: "finish"; reason: string; message: string | undefined }
  | { type: "other" };

/**
 * Decodes one binary server frame. Bytes that are not a single msgpack value are a protocol
 * failure; well-formed values that are not known events are ignored, as the AsyncAPI asks.
 * @example if (parseServerFrame(bytes).type === "audio") play(bytes);
 */
export function parseServerFrame(bytes: Uint8Array): ServerEvent {
  if (bytes.byteLength > MAX_SERVER_FRAME_BYTES) {
    throw new WebSocketError(
      `The server sent a ${bytes.byteLength}-byte frame, over the ${MAX_SERVER_FRAME_BYTES}-byte limit; the session was closed.`,
    );
  }
  const problem = msgpackShapeProblem(bytes, MAX_FRAME_DEPTH, MAX_FRAME_VALUES);
  if (problem) {
    throw new WebSocketError(
      `The server sent a frame that was not decoded because ${problem}; the session was closed.`,
    );
  }
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (cause) {
    throw new WebSocketError(
      `The server sent a binary frame that is not valid msgpack (${bytes.byteLength} bytes); the session was closed.`,
      { cause },
    );
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { type: "other" };
  const map = value as Record<string, unknown>;
  if (map.event === "audio") {
    return map.audio instanceof Uint8Array
      ? { type: "audio", audio: map.audio }
      : { type: "other" };
  }
  if (map.event === "finish") {
    const reason = typeof map.reason === "string" ? map.reason : "unknown";
    const message = typeof map.message === "string" && map.message ? map.message : undefined;
    return { type: "finish", reason, message };
  }
  return { type: "other" };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  try {
    return JSON.stringify(value).slice(0, 80);
  } catch {
    return "an object";
  }
}
