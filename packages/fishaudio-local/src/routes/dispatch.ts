import type { IncomingMessage } from "node:http";
import { assertContentType } from "../http/decode.js";
import { HttpError } from "../http/errors.js";
import {
  type HttpRoute,
  type ProtocolSocketRoute,
  ROUTES,
  type Route,
  type SocketRoute,
} from "./table.js";

/**
 * A request the table itself turns away before any handler runs (no entry has the path: 404;
 * other methods only: 405; plain HTTP on a WebSocket path: 426; a malformed path escape: 400).
 */
export class RouteMiss extends HttpError {
  override name = "RouteMiss";
}

interface Segment {
  literal?: string;
  param?: string;
  digits?: boolean;
}

interface Compiled {
  route: Route;
  segments: Segment[];
}

function compile(path: string): Segment[] {
  return path
    .split("/")
    .slice(1)
    .filter((s) => s !== "")
    .map((s) => {
      const param = /^\{(\w+)(:int)?\}$/.exec(s);
      return param ? { param: param[1]!, digits: param[2] !== undefined } : { literal: s };
    });
}

const COMPILED: Compiled[] = ROUTES.map((route) => ({ route, segments: compile(route.path) }));

/** The request path without trailing slashes ("/" for the root). */
export function normalPath(url: URL): string {
  return url.pathname.replace(/\/+$/, "") || "/";
}

/**
 * Holds a request to its entry's body encodings (415 for another declared Content-Type) before
 * the handler runs, so no handler names its encodings.
 * @example enforceBody(route, req);
 */
export function enforceBody(route: HttpRoute, req: IncomingMessage): void {
  if (route.body.length > 0) assertContentType(req, route.body, route.jsonIs400 ? 400 : 415);
}

function matches(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const raw: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if (segment.literal !== undefined) {
      if (segment.literal !== part) return undefined;
    } else {
      if (part === "" || (segment.digits && !/^\d+$/.test(part))) return undefined;
      raw[segment.param!] = part;
    }
  }
  return raw;
}

/** Percent-decodes path parameters (400 on a malformed escape). */
export function decodeParams(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      throw new RouteMiss(400, "Malformed percent-encoding in the path");
    }
  }
  return out;
}

/** The entries whose path matches `path`, with their raw (still encoded) parameters. */
function candidates(path: string): { route: Route; raw: Record<string, string> }[] {
  const parts = path === "/" ? [] : path.split("/").slice(1);
  const found: { route: Route; raw: Record<string, string> }[] = [];
  for (const { route, segments } of COMPILED) {
    const raw = matches(segments, parts);
    if (raw) found.push({ route, raw });
  }
  return found;
}

/** What the table says about an HTTP request: its entry, a 405, a 426, or (thrown) a 404. */
export type HttpMatch =
  | { kind: "route"; route: HttpRoute; raw: Record<string, string> }
  | { kind: "method"; allowed: string[]; auth: boolean }
  | { kind: "upgrade"; route: SocketRoute | ProtocolSocketRoute };

/**
 * Looks a plain HTTP request up in the table; throws 404 when no entry has its path.
 * @example const match = matchHttp("GET", "/model/abc");
 */
export function matchHttp(method: string, path: string): HttpMatch {
  const found = candidates(path);
  if (found.length === 0) throw new RouteMiss(404, `Not found: ${method} ${path}`);
  const wanted = method === "HEAD" ? "GET" : method;
  for (const { route, raw } of found) {
    if (route.method !== "WS" && route.method === wanted) return { kind: "route", route, raw };
  }
  const socket = found.find((f) => f.route.method === "WS");
  if (socket) return { kind: "upgrade", route: socket.route as SocketRoute | ProtocolSocketRoute };
  return {
    kind: "method",
    allowed: [...new Set(found.map((f) => f.route.method))],
    auth: found.some((f) => f.route.auth === "key"),
  };
}

/**
 * The WebSocket entry for an upgrade request's path; throws 404 when there is none.
 * @example const { route } = matchUpgrade("/v1/tts/live");
 */
export function matchUpgrade(path: string): {
  route: SocketRoute | ProtocolSocketRoute;
  raw: Record<string, string>;
} {
  const found = candidates(path).find((f) => f.route.method === "WS");
  if (!found) throw new RouteMiss(404, `Not found: WebSocket ${path}`);
  return { route: found.route as SocketRoute | ProtocolSocketRoute, raw: found.raw };
}

/** The 405 for a path served under other methods. */
export function methodNotAllowed(allowed: string[]): HttpError {
  return new RouteMiss(405, `Method not allowed; use ${allowed.join(" or ")}`, {
    Allow: allowed.join(", "),
  });
}
