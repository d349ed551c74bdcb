import { HttpError } from "../../http/errors.js";
import type { Call, Handshake } from "../../routes/table.js";
import type { Principal } from "../../store/accounts.js";
import { admit, bearerKey } from "../admit.js";
import { handleListModels } from "./models.js";
import { runRealtime } from "./realtime.js";
import { initialConfig } from "./realtime-config.js";
import { handleSpeech } from "./speech.js";
import { handleTranscription } from "./transcriptions.js";

/** The key of an OpenAI-protocol request, admitted as the native endpoints admit theirs. */
function principalOf(c: Call): Principal {
  return admit(c.ctx, c.res, bearerKey(c.req), "Authorization: Bearer <api key>");
}

/**
 * The OpenAI protocol's HTTP entries of the route table (under each of its bases).
 * @example { method: "GET", path: "/compat/v1/models", …, handler: openAi.models }
 */
export const openAi = {
  /** GET /models: unauthenticated, as on the cloud (it is not a way to check a key). */
  models: (c: Call) => handleListModels(c.res),
  /** POST /audio/speech. */
  speech: (c: Call) => handleSpeech(c.ctx, c.req, c.res, principalOf(c)),
  /** POST /audio/transcriptions. */
  transcriptions: (c: Call) => handleTranscription(c.ctx, c.req, c.res, principalOf(c)),
};

/**
 * The Realtime handshake: the key (`Authorization: Bearer`, or `?api_key=`), the model (`?model=`;
 * `?intent=transcription` opens a transcription session), credit; refusals are HTTP answers in
 * OpenAI's error shape, before the upgrade.
 * @example { method: "WS", path: "/compat/v1/realtime", …, handshake: openAiRealtime }
 */
export function openAiRealtime(h: Handshake): void {
  const { ctx, req, url, socket } = h;
  const key = bearerKey(req) || url.searchParams.get("api_key") || undefined;
  const principal = admit(ctx, socket, key, "Authorization: Bearer <api key> (or ?api_key=)");
  const kind = url.searchParams.get("intent") === "transcription" ? "transcription" : "realtime";
  const config = initialConfig(url.searchParams.get("model") ?? undefined, kind);
  if (principal.user.creditMicro <= 0) throw new HttpError(402, "Insufficient API credit");
  h.accept((ws) => runRealtime(ctx, ws, req, { principal, config }));
}
