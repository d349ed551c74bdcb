import type { IncomingMessage } from "node:http";
import { isConsoleAsset, wantsPage } from "./assets.js";
import { LOCAL_PREFIX } from "./local-api.js";

/**
 * Whether a request is the console's own traffic (its page, and the `/local/` endpoints it
 * polls): served by this server but kept out of the request log, which is about the API.
 * @example if (!isConsoleTraffic(req)) trackRequest(log, req, res, id);
 */
export function isConsoleTraffic(req: IncomingMessage): boolean {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path === "/") return wantsPage(req);
  return path.startsWith(LOCAL_PREFIX) || isConsoleAsset(path);
}
