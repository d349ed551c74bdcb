import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { HttpError } from "../http/errors.js";

// The page is bundled at build time (scripts/build-console.mjs) into dist/console/public. The
// built server finds it beside this file; the TypeScript sources (tests, fishaudio-source) look
// in dist, so a `npm run build` is needed once before the console can be opened from src.
const CANDIDATES = [
  new URL("./public/", import.meta.url),
  new URL("../../dist/console/public/", import.meta.url),
];

const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/console/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/console/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};

/**
 * What the page may load and talk to: only this server (no CDN, no third party), audio and
 * images from blob: URLs it makes itself, no inline scripts, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const cache = new Map<string, Buffer>();

async function load(file: string): Promise<Buffer> {
  const cached = cache.get(file);
  if (cached) return cached;
  for (const dir of CANDIDATES) {
    try {
      const bytes = await readFile(fileURLToPath(new URL(file, dir)));
      cache.set(file, bytes);
      return bytes;
    } catch {
      // try the next place
    }
  }
  throw new HttpError(
    503,
    "The console page is not built: run `npm run build` in packages/fishaudio-local",
  );
}

/** Whether `path` is one of the page's files. @example isConsoleAsset("/console/app.js") */
export function isConsoleAsset(path: string): boolean {
  return path in FILES;
}

/**
 * Whether a request for `/` wants the page (a browser) rather than the health answer (a
 * client checking that the server is up).
 * @example wantsPage(req)
 */
export function wantsPage(req: IncomingMessage): boolean {
  return (req.headers.accept ?? "").includes("text/html");
}

/**
 * Answers one of the page's files; they hold no data, so they need no key.
 * @example await serveConsoleAsset(req, res, "/console/app.js");
 */
export async function serveConsoleAsset(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const entry = FILES[path]!;
  const bytes = await load(entry.file);
  res.writeHead(200, {
    "Content-Type": entry.type,
    "Content-Length": bytes.length,
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
  });
  res.end(req.method === "HEAD" ? undefined : bytes);
}
