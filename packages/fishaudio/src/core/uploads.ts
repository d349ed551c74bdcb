import { ValidationError } from "./error.js";

/**
 * Audio or image data to send: bytes, a Blob/File, or a web ReadableStream. (From Node, read a
 * file with `fromFile(path)` from `fishaudio/node`.)
 */
export type Uploadable =
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | ReadableStream<Uint8Array>;

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as ReadableStream | null)?.getReader === "function";
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

function invalid(field: string, value: unknown): ValidationError {
  const got =
    value === null ? "null" : typeof value === "object" ? value.constructor?.name : typeof value;
  return new ValidationError(
    field,
    `expected a Uint8Array, ArrayBuffer, Blob or ReadableStream<Uint8Array>, got ${got ?? "an object"}.`,
  );
}

/** Throws ValidationError unless `value` is something `toBytes`/`toBlob` can read. */
export function checkUploadable(field: string, value: unknown): asserts value is Uploadable {
  if (
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    isBlob(value) ||
    isReadableStream(value)
  ) {
    return;
  }
  throw invalid(field, value);
}

/** The bytes of an upload, read fully (streams are drained). */
export async function toBytes(field: string, value: Uploadable): Promise<Uint8Array> {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (isBlob(value)) return new Uint8Array(await value.arrayBuffer());
  if (isReadableStream(value)) return new Uint8Array(await new Response(value).arrayBuffer());
  throw invalid(field, value);
}

/**
 * A Blob for a multipart part. Bytes become `application/octet-stream` (as the Python SDK
 * sends them); a Blob or File is kept as it is, so its own name and type travel with it.
 */
export async function toBlob(field: string, value: Uploadable): Promise<Blob> {
  if (isBlob(value)) return value;
  const bytes = await toBytes(field, value);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" });
}
