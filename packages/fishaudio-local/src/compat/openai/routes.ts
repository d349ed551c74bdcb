import type { Call } from "../../routes/table.js";
import type { Principal } from "../../store/accounts.js";
import { admit, bearerKey } from "../admit.js";
import { handleListModels } from "./models.js";
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
