import type { IncomingMessage } from "node:http";
import type busboy from "busboy";
import { assertDeclaredLength, tooLarge } from "./body.js";
import { type BodyWatch, watchBody } from "./body-budget.js";
import { HttpError } from "./errors.js";
import { PAYLOAD_SHAPE } from "./shape.js";

/** One value of a decoded body field: text from forms, anything from JSON/msgpack, bytes from files. */
export type FieldValue =
  | string
  | number
  | boolean
  | Uint8Array
  | null
  | readonly unknown[]
  | object;

/** The fields of a request body, whatever its encoding; a field may repeat. */
export interface FieldBag {
  /** "form" for multipart/urlencoded (every value is text or a file), "object" for JSON/msgpack. */
  kind: "form" | "object";
  fields: Map<string, FieldValue[]>;
}

/**
 * Parses multipart/form-data with busboy, refusing (413) uploads past `limit` bytes in total.
 * @example const bag = await readMultipart(req, 32 * 1024 * 1024);
 */
export async function readMultipart(req: IncomingMessage, limit: number): Promise<FieldBag> {
  assertDeclaredLength(req, limit);
  // Loaded on the first form: a command whose requests are JSON or msgpack never needs it.
  const { default: parse } = await import("busboy");
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = parse({
        headers: req.headers,
        limits: { fieldSize: limit, fileSize: limit, parts: 1000 },
        defParamCharset: "utf8",
      });
    } catch (error) {
      reject(new HttpError(400, `Malformed multipart request: ${(error as Error).message}`));
      return;
    }
    const fields = new Map<string, FieldValue[]>();
    const add = (name: string, value: FieldValue) => {
      const list = fields.get(name);
      if (list) list.push(value);
      else fields.set(name, [value]);
    };
    let total = 0;
    let settled = false;
    const fail = (error: HttpError) => {
      if (settled) return;
      settled = true;
      watch.done();
      fields.clear();
      req.unpipe(parser);
      req.off("data", count);
      req.pause();
      reject(error);
    };
    let watch: BodyWatch;
    try {
      watch = watchBody(req, fail);
    } catch (error) {
      settled = true;
      reject(error);
      return;
    }
    const count = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) fail(tooLarge(limit));
      else watch.add(chunk.length);
    };
    let pendingFiles = 0;
    let finished = false;
    const maybeDone = () => {
      if (finished && pendingFiles === 0 && !settled) {
        settled = true;
        watch.done();
        resolve({ kind: "form", fields });
      }
    };
    parser.on("field", (name, value) => add(name, value));
    parser.on("file", (name, stream) => {
      pendingFiles++;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => fail(tooLarge(limit)));
      stream.on("error", (error: Error) =>
        fail(new HttpError(400, `Malformed multipart body: ${error.message}`)),
      );
      stream.on("end", () => {
        add(name, new Uint8Array(Buffer.concat(chunks)));
        pendingFiles--;
        maybeDone();
      });
    });
    parser.on("partsLimit", () =>
      fail(new HttpError(413, "Too many multipart parts (limit 1000)")),
    );
    parser.on("error", (error: Error) =>
      fail(new HttpError(400, `Malformed multipart body: ${error.message}`)),
    );
    parser.on("close", () => {
      finished = true;
      maybeDone();
    });
    req.on("data", count);
    req.on("aborted", () => fail(new HttpError(400, "The client aborted the upload")));
    req.pipe(parser);
  });
}

/**
 * Turns an urlencoded body into a field bag (repeated keys keep every value).
 * @example const bag = parseUrlEncoded(Buffer.from("title=x&tags=a&tags=b"));
 */
export function parseUrlEncoded(body: Buffer): FieldBag {
  let pairs = 1;
  for (let at = body.indexOf(0x26); at !== -1; at = body.indexOf(0x26, at + 1)) {
    if (++pairs > PAYLOAD_SHAPE.maxValues) {
      throw new HttpError(400, `The form holds more than ${PAYLOAD_SHAPE.maxValues} fields`);
    }
  }
  const fields = new Map<string, FieldValue[]>();
  for (const [name, value] of new URLSearchParams(body.toString("utf8"))) {
    const list = fields.get(name);
    if (list) list.push(value);
    else fields.set(name, [value]);
  }
  return { kind: "form", fields };
}

/**
 * Wraps a decoded JSON/msgpack map as a field bag; arrays become repeated values.
 * @example const bag = objectToBag({ title: "x", tags: ["a", "b"] });
 */
export function objectToBag(value: unknown): FieldBag {
  if (
    value === null ||
    typeof value !== "object" ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  ) {
    throw new HttpError(400, "The request body must be an object (a JSON object or msgpack map)");
  }
  const fields = new Map<string, FieldValue[]>();
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (raw === undefined) continue;
    fields.set(name, Array.isArray(raw) ? (raw as FieldValue[]) : [raw as FieldValue]);
  }
  return { kind: "object", fields };
}
