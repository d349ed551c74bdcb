import type { IncomingMessage } from "node:http";
import { watchBody } from "./body-budget.js";
import { HttpError } from "./errors.js";

/** The media type of a request, lower-cased and without parameters ("" when absent). */
export function mediaType(req: IncomingMessage): string {
  const header = req.headers["content-type"] ?? "";
  return header.split(";")[0]!.trim().toLowerCase();
}

/**
 * Refuses a body whose declared length exceeds `limit` before reading any of it.
 * @example assertDeclaredLength(req, 1024);
 */
export function assertDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    throw tooLarge(limit);
  }
}

/** The 413 error for a body over `limit` bytes. */
export function tooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    `Request body is larger than the ${formatBytes(limit)} limit; send a smaller file or raise maxBodyBytes`,
  );
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 ? 1 : 0)} KiB`;
  return `${n} bytes`;
}

/**
 * Reads the whole request body, refusing (413) as soon as it passes `limit` bytes, and (when the
 * request is governed, body-budget.ts) dropping it when the server holds too many bodies (503) or
 * it stalls (408). The socket is left open (paused) so that the error response can still be
 * delivered.
 * @example const bytes = await readBody(req, 10 * 1024 * 1024);
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  assertDeclaredLength(req, limit);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const watch = watchBody(req, (error) => {
      cleanup();
      chunks.length = 0;
      req.pause();
      reject(error);
    });
    const cleanup = () => {
      watch.done();
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      if (!watch.add(chunk.length)) return;
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new HttpError(400, `Could not read the request body: ${error.message}`));
    };
    const onAborted = () => onError(new Error("the client aborted the upload"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}
