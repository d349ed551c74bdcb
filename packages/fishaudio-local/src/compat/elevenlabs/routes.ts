import type { IncomingMessage } from "node:http";
import { HttpError } from "../../http/errors.js";
import type { Call, Handshake } from "../../routes/table.js";
import type { Principal } from "../../store/accounts.js";
import { admit, bearerKey } from "../admit.js";
import { CompatError } from "../errors.js";
import { elevenLabsFormat } from "../formats.js";
import { resolveModel } from "../models.js";
import { handleSpeechToText } from "./speech-to-text.js";
import { runStreamInput } from "./stream-input.js";
import { handleTextToSpeech, type TtsVariant } from "./tts.js";
import { handleGetVoice, handleModels, handleVoicesV1, handleVoicesV2 } from "./voices.js";

/**
 * The key of a request: ElevenLabs' `xi-api-key` header (or a Bearer token).
 * @example elevenLabsKey(req)
 */
export function elevenLabsKey(req: IncomingMessage, url?: URL): string | undefined {
  const header = req.headers["xi-api-key"];
  const key = Array.isArray(header) ? header[0] : header;
  return key?.trim() || bearerKey(req) || url?.searchParams.get("xi_api_key") || undefined;
}

/** The key of an ElevenLabs-protocol request, admitted as the native endpoints admit theirs. */
function principalOf(c: Call): Principal {
  return admit(c.ctx, c.res, elevenLabsKey(c.req), "xi-api-key: <api key>");
}

function tts(variant: TtsVariant) {
  return (c: Call) =>
    handleTextToSpeech(c.ctx, c.req, c.res, principalOf(c), c.params.voice_id!, variant, c.url);
}

/**
 * The ElevenLabs protocol's entries of the route table (under `/compat/elevenlabs`).
 * @example { method: "GET", path: "/compat/elevenlabs/v1/voices", …, handler: elevenLabs.voicesV1 }
 */
export const elevenLabs = {
  convert: tts("convert"),
  stream: tts("stream"),
  withTimestamps: tts("with-timestamps"),
  streamWithTimestamps: tts("stream-with-timestamps"),
  speechToText: (c: Call) => handleSpeechToText(c.ctx, c.req, c.res, principalOf(c)),
  voicesV1: (c: Call) => handleVoicesV1(c.ctx, c.res, principalOf(c)),
  voicesV2: (c: Call) => handleVoicesV2(c.ctx, c.res, principalOf(c), c.url),
  voice: (c: Call) => handleGetVoice(c.ctx, c.res, principalOf(c), c.params.voice_id!),
  models: (c: Call) => {
    principalOf(c);
    return handleModels(c.ctx, c.res);
  },
  streamInput: upgradeStreamInput,
};

/**
 * Checks what can be checked at the `stream-input` handshake, then upgrades: the key (when sent
 * there; else the init message carries it), the model and an `output_format` that is invalid on
 * its face. A rate the codec doesn't take is reported in band.
 */
function upgradeStreamInput(h: Handshake): void {
  const { ctx, req, url, socket } = h;
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
  const voiceId = h.params.voice_id!;
  h.accept((ws) => runStreamInput(ctx, ws, req, { voiceId, url, principal, deferred }));
}
