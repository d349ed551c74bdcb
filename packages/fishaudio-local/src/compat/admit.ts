import type { IncomingMessage } from "node:http";
import type { ServerContext } from "../context.js";
import { authenticateKey, enterConcurrency } from "../http/auth.js";
import type { Principal } from "../store/accounts.js";
import { CompatError } from "./errors.js";

/**
 * Admits a request sent with `key` exactly as the native endpoints do (same keys, rate limit and
 * concurrency slots); no key at all is a 401 of this layer, a key that fails validation the
 * native 401.
 * @example const principal = admit(ctx, res, bearerKey(req), "Authorization: Bearer <key>");
 */
export function admit(
  ctx: ServerContext,
  /** Whatever ends the request (the response, or an upgraded socket): frees the slot on close. */
  res: { once(event: "close", listener: () => void): unknown },
  key: string | undefined,
  howToSend: string,
): Principal {
  if (key === undefined || key === "") {
    throw new CompatError(401, "unauthorized", `Missing API key: send '${howToSend}'`);
  }
  const principal = authenticateKey(ctx, key);
  const release = enterConcurrency(ctx, principal);
  res.once("close", release);
  return principal;
}

/**
 * The key of an `Authorization: Bearer <key>` header ("" when the header can't be parsed,
 * undefined when there is none).
 * @example bearerKey(req)
 */
export function bearerKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? "";
}
