import type { ServerResponse } from "node:http";

/** GET / and /v1/health: `{status: "ok"}` without a key, for scripts waiting on the server. */
export function handleHealth(res: ServerResponse): void {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ status: "ok" }));
}
