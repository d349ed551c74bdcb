import type { HttpError } from "../http/errors.js";
import { RouteMiss } from "../routes/dispatch.js";
import { toElevenLabsError } from "./elevenlabs/errors.js";
import { CompatError } from "./errors.js";
import { toOpenAiError } from "./openai/errors.js";

/** The bases of the OpenAI protocol under /compat (the Groq SDK appends /openai/v1 itself). */
const OPENAI_BASES = ["/compat/v1", "/compat/api/v1", "/compat/openai/v1"];
const ELEVENLABS_BASE = "/compat/elevenlabs";

const under = (path: string, base: string) => path === base || path.startsWith(`${base}/`);

/** Turns a failure into a protocol's error answer. */
export type ErrorShape = (error: unknown, classify: (error: unknown) => HttpError) => HttpError;

/**
 * The error shape of the compatibility protocol `path` belongs to (OpenAI's
 * `{error: {code, message, type}}` or ElevenLabs' `{detail: {status, message}}`); undefined for
 * the native API. The route table's own refusals (404, 405, 426) count as this layer's.
 * @example const shape = compatErrorShape("/compat/v1/audio/speech");
 */
export function compatErrorShape(path: string): ErrorShape | undefined {
  if (under(path, ELEVENLABS_BASE)) {
    return (error, classify) =>
      toElevenLabsError(
        ownMiss(
          error,
          "this protocol answers /v1/text-to-speech, /v1/speech-to-text, /v1/voices, /v2/voices, /v1/models",
        ),
        classify,
      );
  }
  const hint = OPENAI_BASES.some((b) => under(path, b))
    ? "this protocol answers /audio/speech, /audio/transcriptions, /models, /realtime (WebSocket)"
    : under(path, "/compat")
      ? "the compatible protocols live under /compat/v1 and /compat/elevenlabs"
      : undefined;
  if (hint === undefined) return undefined;
  return (error, classify) => toOpenAiError(ownMiss(error, hint), classify);
}

/** A refusal of the route table, restated as this layer's own (404s say where to look). */
function ownMiss(error: unknown, hint: string): unknown {
  if (!(error instanceof RouteMiss)) return error;
  if (error.status === 404) {
    return new CompatError(404, "not_found", `${error.message} (${hint})`, error.headers);
  }
  return new CompatError(error.status, "invalid_request", error.message, error.headers);
}
