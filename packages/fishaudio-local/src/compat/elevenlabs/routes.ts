import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import type { ServerContext } from "../../context.js";
import { HttpError } from "../../http/errors.js";
import type { Principal } from "../../store/accounts.js";
import { admit, bearerKey } from "../admit.js";
import { CompatError } from "../errors.js";
import { elevenLabsFormat } from "../formats.js";
import { resolveModel } from "../models.js";
import { handleSpeechToText } from "./speech-to-text.js";
import { runStreamInput } from "./stream-input.js";
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

/**
 * Upgrades `/v1/text-to-speech/{voice_id}/stream-input` after checking what can be checked at
 * the handshake: the key (when sent there; else the init message carries it), the model and an
 * `output_format` that is invalid on its face. A rate the codec doesn't take is reported in band.
 * @example upgradeElevenLabs(ctx, wss, req, socket, head, "/v1/text-to-speech/default/stream-input", url);
 */
export function upgradeElevenLabs(
  ctx: ServerContext,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  rest: string,
  url: URL,
): void {
  const route = /^\/v1\/text-to-speech\/([^/]+)\/stream-input$/.exec(rest);
  if (!route) throw new CompatError(404, "not_found", `Not found: WebSocket ${rest}`);
  const voiceId = decode(route[1]!);
  const key = elevenLabsKey(req, url);
  const principal: Principal | undefined = key
    ? admit(ctx, socket, key, "xi-api-key: <api key>")
    : undefined;
  resolveModel(url.searchParams.get("model_id") ?? undefined, "tts", (n) =>
    n.startsWith("eleven_"),
  );
  let deferred: HttpError | undefined;
  try {
    elevenLabsFormat(url.searchParams.get("output_format") ?? undefined);
  } catch (error) {
    if (error instanceof CompatError || !(error instanceof HttpError)) throw error;
    deferred = error;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ctx.log(`WS /compat/elevenlabs${rest} opened`);
    runStreamInput(ctx, ws, req, { voiceId, url, principal, deferred });
  });
}
