import type { ServerContext } from "../context.js";
import { HttpError } from "../http/errors.js";
import type { Principal } from "../store/accounts.js";
import { visibleVoice } from "../tts/voice-plan.js";
import { CompatError } from "./errors.js";

/** OpenAI's built-in voice names (`alloy` in lower case is handled apart: see below). */
const OPENAI_PRESETS = [
  "alloy",
  "ash",
  "ballad",
  "cedar",
  "coral",
  "echo",
  "fable",
  "marin",
  "nova",
  "onyx",
  "sage",
  "shimmer",
  "verse",
];

/** ElevenLabs' premade voice names that code copied from its examples sends. */
const ELEVENLABS_PRESETS = [
  "Rachel",
  "Adam",
  "Antoni",
  "Arnold",
  "Aria",
  "Bella",
  "Bill",
  "Brian",
  "Callum",
  "Charlie",
  "Charlotte",
  "Chris",
  "Daniel",
  "Domi",
  "Dorothy",
  "Elli",
  "Emily",
  "Eric",
  "George",
  "Jessica",
  "Josh",
  "Laura",
  "Liam",
  "Lily",
  "Matilda",
  "River",
  "Roger",
  "Sam",
  "Sarah",
  "Will",
];

const PRESETS = new Set(
  [...OPENAI_PRESETS, ...ELEVENLABS_PRESETS].flatMap((n) => [n, n.toLowerCase(), capital(n)]),
);

function capital(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1).toLowerCase();
}

/** The word the cloud matches to a real (unrelated) voice; locally it names an engine voice. */
const ALLOY = "alloy";

/**
 * The native `reference_id` for a protocol's voice: undefined for the model's default voice
 * (empty, `default`, or ElevenLabs' `-`); a Fish voice id (engine or stored, visible to the
 * caller) as is. Preset names of other vendors are a 400 from this layer; an id that names no
 * voice is the 400 synthesis itself gives ("Reference not found").
 * @example resolveVoice(ctx, principal, "") // undefined
 */
export function resolveVoice(
  ctx: ServerContext,
  principal: Principal,
  voice: unknown,
): string | undefined {
  let id = voice;
  if (id !== null && typeof id === "object" && !Array.isArray(id)) {
    id = (id as Record<string, unknown>).id; // OpenAI's custom-voice form: {"id": "..."}
  }
  if (id === undefined || id === null) return undefined;
  if (typeof id !== "string") {
    throw new CompatError(400, "invalid_request", "'voice' must be a Fish voice id (a string)");
  }
  const trimmed = id.trim();
  if (trimmed === "" || trimmed === "default" || trimmed === "-") return undefined;
  const engineVoices = ctx.engines.voices();
  if (engineVoices.some((v) => v.id === trimmed)) return trimmed;
  if (visibleVoice(ctx, principal, trimmed)) return trimmed;
  if (trimmed === ALLOY) {
    // The cloud happens to have a voice with this id, unrelated to OpenAI's Alloy; locally it
    // is an engine voice, so that code written for OpenAI's default still speaks.
    return (engineVoices.find((v) => v.gender === "female") ?? engineVoices[0])?.id;
  }
  if (PRESETS.has(trimmed)) {
    throw new CompatError(
      400,
      "invalid_request",
      `'${trimmed}' is a preset voice name of another vendor; voices here are Fish voice ids (list them with GET /model, or leave the voice empty or 'default' for the default voice)`,
    );
  }
  throw new HttpError(
    400,
    `Reference not found: no voice '${trimmed}' (voices are Fish voice ids from GET /model)`,
  );
}
