import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import { admit, bearerKey } from "../admit.js";
import { CompatError } from "../errors.js";
import { handleListModels } from "./models.js";
import { handleSpeech } from "./speech.js";
import { handleTranscription } from "./transcriptions.js";

/**
 * Routes one OpenAI-protocol request; `rest` is the path after the protocol's base
 * (`/compat/v1`, `/compat/api/v1` or `/compat/openai/v1`), e.g. "/audio/speech".
 * @example await routeOpenAi(ctx, req, res, "/models");
 */
export async function routeOpenAi(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
): Promise<void> {
  const method = req.method ?? "GET";
  if (rest === "/models") {
    // Unauthenticated, as on the cloud: it is not a way to check a key.
    if (method !== "GET") throw notAllowed(method, rest, "GET");
    return handleListModels(res);
  }
  const handler =
    rest === "/audio/speech"
      ? handleSpeech
      : rest === "/audio/transcriptions"
        ? handleTranscription
        : undefined;
  if (!handler) {
    throw new CompatError(
      404,
      "not_found",
      `Not found: ${method} ${rest} (this protocol answers /audio/speech, /audio/transcriptions, /models)`,
    );
  }
  if (method !== "POST") throw notAllowed(method, rest, "POST");
  const principal = admit(ctx, res, bearerKey(req), "Authorization: Bearer <api key>");
  return handler(ctx, req, res, principal);
}

function notAllowed(method: string, path: string, allowed: string): CompatError {
  return new CompatError(
    405,
    "invalid_request",
    `Method ${method} not allowed on ${path}; use ${allowed}`,
    {
      Allow: allowed,
    },
  );
}
