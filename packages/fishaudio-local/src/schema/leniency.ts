/**
 * Where the local server departs from the published request schemas, each change next to its
 * reason. Most are the cloud's own tolerance (it accepts more than its schema says); a few are
 * ranges the schema only states in prose. Everything else is validated exactly as published.
 */
import { OPENAPI } from "./openapi.generated.js";
import type { JsonSchema, OpenApiSubset } from "./types.js";

type Schema = JsonSchema & { properties?: Record<string, JsonSchema>; required?: string[] };

/** Messages for rules a generic sentence would describe badly (by JSON pointer of the field). */
export const LENIENT_MESSAGES: Record<string, string> = {
  "/opus_bitrate":
    "'opus_bitrate' must be -1000 (auto), 6..510 kbps (the SDKs send 24, 32, 48 or 64) or 6000..510000 bps",
};

/** Binary fields become the `bytes` keyword: the body decoders deliver them as Uint8Array. */
function binaryToBytes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(binaryToBytes);
  if (schema === null || typeof schema !== "object") return schema;
  const s = schema as JsonSchema;
  if (s.type === "string" && s.format === "binary") {
    const { type: _type, format: _format, ...rest } = s;
    return { ...rest, bytes: true };
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, binaryToBytes(v)]));
}

/**
 * The generated schemas with the local server's leniencies applied.
 * @example ajv.addSchema(lenientSchemas(), "openapi");
 */
export function lenientSchemas(): OpenApiSubset {
  const doc = binaryToBytes(structuredClone(OPENAPI)) as OpenApiSubset;
  const schemas = doc.components.schemas as Record<string, Schema>;

  const tts = schemas.TTSRequest!.properties!;
  // The cloud snaps an out-of-tier MP3 bitrate up to 64/128/192 instead of refusing it.
  tts.mp3_bitrate = { type: "integer", minimum: 8, maximum: 320 };
  // The schema lists bps; the SDKs send kbps (24/32/48/64) and the cloud takes both.
  tts.opus_bitrate = {
    anyOf: [
      { const: -1000 },
      { type: "integer", minimum: 6, maximum: 510 },
      { type: "integer", minimum: 6000, maximum: 510_000 },
    ],
  };
  // Ranges the schema gives only in prose (speed "0.5 to 2.0"); volume is bounded to ±20 dB so
  // that a typo cannot clip the audio to a square wave.
  const prosody = schemas.ProsodyControl!.properties!;
  prosody.speed = { ...prosody.speed, minimum: 0.5, maximum: 2 };
  prosody.volume = { ...prosody.volume, minimum: -20, maximum: 20 };
  // A reference's transcript may be left out (the cloud transcribes it); the audio may not.
  schemas.ReferenceAudio!.required = ["audio"];

  for (const [type, body] of Object.entries(doc.operations["post /model"]?.body ?? {})) {
    // `type` and `train_mode` can only be "tts" and "fast": the cloud fills them in when absent.
    (body as Schema).required = ["title", "voices"];
    void type;
  }
  return doc;
}
