import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import { CompatError } from "../errors.js";

/**
 * Routes one ElevenLabs-protocol request; `rest` is the path after `/compat/elevenlabs`.
 * @example await routeElevenLabs(ctx, req, res, "/v1/voices");
 */
export async function routeElevenLabs(
  _ctx: ServerContext,
  req: IncomingMessage,
  _res: ServerResponse,
  rest: string,
): Promise<void> {
  throw new CompatError(404, "not_found", `Not found: ${req.method} ${rest}`);
}
