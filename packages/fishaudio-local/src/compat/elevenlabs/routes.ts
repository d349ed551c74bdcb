import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import { admit, bearerKey } from "../admit.js";
import { CompatError } from "../errors.js";
import { handleSpeechToText } from "./speech-to-text.js";
import { handleTextToSpeech, type TtsVariant } from "./tts.js";
import { handleGetVoice, handleModels, handleVoicesV1, handleVoicesV2 } from "./voices.js";

const TTS_VARIANTS: Record<string, TtsVariant> = {
  "": "convert",
  "/stream": "stream",
  "/with-timestamps": "with-timestamps",
  "/stream/with-timestamps": "stream-with-timestamps",
};

/**
 * The key of a request: ElevenLabs' `xi-api-key` header (or a Bearer token).
 * @example elevenLabsKey(req)
 */
export function elevenLabsKey(req: IncomingMessage, url?: URL): string | undefined {
  const header = req.headers["xi-api-key"];
  const key = Array.isArray(header) ? header[0] : header;
  return key?.trim() || bearerKey(req) || url?.searchParams.get("xi_api_key") || undefined;
}

/**
 * Routes one ElevenLabs-protocol request; `rest` is the path after `/compat/elevenlabs`.
 * @example await routeElevenLabs(ctx, req, res, "/v1/voices", url);
 */
export async function routeElevenLabs(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
  url: URL,
): Promise<void> {
  const method = req.method ?? "GET";
  const route = match(rest);
  if (!route) throw new CompatError(404, "not_found", `Not found: ${method} ${rest}`);
  if (method !== route.method) {
    throw new CompatError(
      405,
      "invalid_request",
      `Method ${method} not allowed on ${rest}; use ${route.method}`,
      {
        Allow: route.method,
      },
    );
  }
  const principal = admit(ctx, res, elevenLabsKey(req), "xi-api-key: <api key>");
  switch (route.name) {
    case "tts":
      return handleTextToSpeech(ctx, req, res, principal, route.id!, route.variant!, url);
    case "stt":
      return handleSpeechToText(ctx, req, res, principal);
    case "voices-v1":
      return handleVoicesV1(ctx, res, principal);
    case "voices-v2":
      return handleVoicesV2(ctx, res, principal, url);
    case "voice":
      return handleGetVoice(ctx, res, principal, route.id!);
    case "models":
      return handleModels(ctx, res);
  }
}

interface Route {
  name: "tts" | "stt" | "voices-v1" | "voices-v2" | "voice" | "models";
  method: "GET" | "POST";
  id?: string;
  variant?: TtsVariant;
}

function match(rest: string): Route | undefined {
  const tts =
    /^\/v1\/text-to-speech\/([^/]+)(|\/stream|\/with-timestamps|\/stream\/with-timestamps)$/.exec(
      rest,
    );
  if (tts)
    return { name: "tts", method: "POST", id: decode(tts[1]!), variant: TTS_VARIANTS[tts[2]!] };
  if (rest === "/v1/speech-to-text") return { name: "stt", method: "POST" };
  if (rest === "/v1/voices") return { name: "voices-v1", method: "GET" };
  if (rest === "/v2/voices") return { name: "voices-v2", method: "GET" };
  if (rest === "/v1/models") return { name: "models", method: "GET" };
  const voice = /^\/v1\/voices\/([^/]+)$/.exec(rest);
  if (voice) return { name: "voice", method: "GET", id: decode(voice[1]!) };
  return undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new CompatError(400, "invalid_request", "Malformed percent-encoding in the path");
  }
}
