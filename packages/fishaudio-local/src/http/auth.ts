import type { IncomingMessage } from "node:http";
import type { ServerContext } from "../context.js";
import { notePrincipal } from "../requests-log/track.js";
import type { Principal } from "../store/accounts.js";
import { HttpError } from "./errors.js";

/**
 * Resolves the `Authorization: Bearer <key>` header to a user (401 otherwise), then counts the
 * request against the key's rate limit (429 with Retry-After when over).
 * @example const principal = authenticate(ctx, req);
 */
export function authenticate(ctx: ServerContext, req: IncomingMessage): Principal {
  const header = req.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new HttpError(
      401,
      header === ""
        ? "Missing API key: send 'Authorization: Bearer <api key>'"
        : "Malformed Authorization header: expected 'Bearer <api key>'",
    );
  }
  return authenticateKey(ctx, match[1]!);
}

/**
 * Resolves an API key however it was sent (the compatibility protocols use other headers) to a
 * user (401 otherwise), then counts the request against the key's rate limit (429 when over).
 * @example const principal = authenticateKey(ctx, String(req.headers["xi-api-key"]));
 */
export function authenticateKey(ctx: ServerContext, key: string): Principal {
  const principal = ctx.accounts.authenticate(key);
  if (!principal) throw new HttpError(401, "Invalid API key");
  notePrincipal(principal);
  const retryAfter = ctx.limiter.take(principal.keyId);
  if (retryAfter !== undefined) {
    throw new HttpError(429, `Rate limit exceeded for this API key; retry in ${retryAfter} s`, {
      "Retry-After": String(retryAfter),
    });
  }
  return principal;
}

/**
 * Holds one of the key's concurrent slots until `release` is called; 429 when none is free.
 * @example const release = enterConcurrency(ctx, principal); res.on("close", release);
 */
export function enterConcurrency(ctx: ServerContext, principal: Principal): () => void {
  const release = ctx.limiter.enter(principal.keyId);
  if (!release) {
    throw new HttpError(
      429,
      "Too many concurrent requests for this API key; retry when one finishes",
      {
        "Retry-After": "1",
      },
    );
  }
  return release;
}
