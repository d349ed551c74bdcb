import type { IncomingMessage } from "node:http";
import { decode } from "@msgpack/msgpack";
import { noteBody } from "../requests-log/track.js";
import { mediaType, readBody } from "./body.js";
import { HttpError } from "./errors.js";
import { type FieldBag, objectToBag, parseUrlEncoded, readMultipart } from "./forms.js";
import { assertJsonShape, assertMsgpackShape } from "./shape.js";

const MSGPACK_TYPES = new Set([
  "application/msgpack",
  "application/x-msgpack",
  "application/vnd.msgpack",
]);

/** Body encodings an endpoint may accept. */
export type BodyEncoding = "json" | "msgpack" | "multipart" | "urlencoded";

/**
 * Decodes a msgpack or JSON payload into a plain value (400 when it does not parse, nests too
 * deep or holds too many values: see shape.ts). Every body and realtime frame goes through here.
 * @example const value = decodePayload(bytes, "msgpack");
 */
export function decodePayload(bytes: Uint8Array, encoding: "json" | "msgpack"): unknown {
  if (encoding === "json") {
    assertJsonShape(bytes);
    try {
      return JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch (error) {
      throw new HttpError(400, `The body is not valid JSON: ${(error as Error).message}`);
    }
  }
  assertMsgpackShape(bytes);
  try {
    return decode(bytes);
  } catch (error) {
    throw new HttpError(400, `The body is not valid MessagePack: ${(error as Error).message}`);
  }
}

/** Which encoding a request declares ("" when it declares none), by its Content-Type. */
export function declaredEncoding(req: IncomingMessage): BodyEncoding | "" | "other" {
  const type = mediaType(req);
  if (type === "") return "";
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (MSGPACK_TYPES.has(type)) return "msgpack";
  if (type === "multipart/form-data") return "multipart";
  if (type === "application/x-www-form-urlencoded") return "urlencoded";
  return "other";
}

/** What each encoding is called in messages. */
const NAMES: Record<BodyEncoding, string> = {
  json: "JSON",
  msgpack: "MessagePack",
  multipart: "multipart/form-data",
  urlencoded: "form-urlencoded",
};

function unsupported(req: IncomingMessage, accepted: readonly BodyEncoding[]): HttpError {
  const type = mediaType(req);
  const types = accepted.map(contentTypeOf);
  const what = type === "" ? "Missing Content-Type" : `Unsupported Content-Type '${type}'`;
  const message =
    accepted.length === 1
      ? `${what}: this endpoint accepts ${NAMES[accepted[0]!]} only; send Content-Type: ${types[0]}`
      : `${what}; send one of: ${types.join(", ")}`;
  // As the open-source fish-speech server does: the 415 lists what would be accepted.
  return new HttpError(415, message, { Accept: types.join(", ") });
}

/**
 * Refuses a request whose declared Content-Type is not one of `accepted` (415, listing them),
 * before any of its body is read. A request that declares none is let through: reading it
 * sniffs JSON or msgpack ({@link readObject}), as tolerant clients such as `curl -d` need.
 * `jsonStatus` 400 answers a JSON body as the cloud does on endpoints that never take JSON.
 * @example assertContentType(req, ["json", "msgpack"]);
 */
export function assertContentType(
  req: IncomingMessage,
  accepted: readonly BodyEncoding[],
  jsonStatus: 400 | 415 = 415,
): void {
  const declared = declaredEncoding(req);
  if (declared === "" || accepted.includes(declared as BodyEncoding)) return;
  if (declared === "json" && jsonStatus === 400) {
    const types = accepted.map(contentTypeOf).join(" or ");
    throw new HttpError(400, `This endpoint does not accept JSON: send ${types}`);
  }
  throw unsupported(req, accepted);
}

/**
 * Reads a JSON or msgpack body into a plain value. A body without a Content-Type is sniffed
 * (JSON if it starts with `{`, else msgpack).
 * @example const value = await readObject(req, ["json", "msgpack"], limit);
 */
export async function readObject(
  req: IncomingMessage,
  accepted: readonly ("json" | "msgpack")[],
  limit: number,
): Promise<unknown> {
  const declared = declaredEncoding(req);
  if (declared !== "" && !accepted.includes(declared as "json" | "msgpack")) {
    throw unsupported(req, accepted);
  }
  const bytes = await readBody(req, limit);
  if (bytes.length === 0) throw new HttpError(400, "The request body is empty");
  let encoding = declared as "json" | "msgpack" | "";
  if (encoding === "") {
    const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
    encoding = first === 0x7b && accepted.includes("json") ? "json" : "msgpack";
    if (!accepted.includes(encoding)) throw unsupported(req, accepted);
  }
  const value = decodePayload(bytes, encoding);
  noteBody(value);
  return value;
}

/**
 * Reads a request body in any of the `accepted` encodings into a field bag.
 * @example const bag = await readFields(req, ["multipart", "json", "msgpack"], limit);
 */
export async function readFields(
  req: IncomingMessage,
  accepted: readonly BodyEncoding[],
  limit: number,
): Promise<FieldBag> {
  const encoding = declaredEncoding(req);
  if (encoding === "multipart" && accepted.includes("multipart")) {
    const bag = await readMultipart(req, limit);
    noteBody(bag.fields);
    return bag;
  }
  if (encoding === "urlencoded" && accepted.includes("urlencoded")) {
    const bag = parseUrlEncoded(await readBody(req, limit));
    noteBody(bag.fields);
    return bag;
  }
  const objectEncodings = accepted.filter(
    (e): e is "json" | "msgpack" => e === "json" || e === "msgpack",
  );
  if (
    encoding === "other" ||
    encoding === "multipart" ||
    encoding === "urlencoded" ||
    objectEncodings.length === 0
  ) {
    throw unsupported(req, accepted);
  }
  return objectToBag(await readObject(req, objectEncodings, limit));
}

function contentTypeOf(encoding: BodyEncoding): string {
  switch (encoding) {
    case "json":
      return "application/json";
    case "msgpack":
      return "application/msgpack";
    case "multipart":
      return "multipart/form-data";
    case "urlencoded":
      return "application/x-www-form-urlencoded";
  }
}
