import type { IncomingMessage } from "node:http";
import { refused } from "./errors.js";

type Obj = Record<string, unknown>;

/** Native TTS fields the two side channels may set (anything else they name is ignored). */
const NATIVE_FIELDS = new Set([
  "temperature",
  "top_p",
  "chunk_length",
  "latency",
  "normalize",
  "prosody",
  "references",
  "reference_id",
  "mp3_bitrate",
  "opus_bitrate",
  "sample_rate",
  "max_new_tokens",
  "repetition_penalty",
  "min_chunk_length",
  "condition_on_previous_chunks",
  "early_stop_threshold",
]);

/**
 * Native TTS fields from `X-Fish-<Param>` headers (`X-Fish-Top-P` → `top_p`); values parse as
 * JSON when they can, else stay strings.
 * @example fishHeaders(req) // { latency: "normal", mp3_bitrate: 64 }
 */
export function fishHeaders(req: IncomingMessage): Obj {
  const out: Obj = {};
  for (const [name, raw] of Object.entries(req.headers)) {
    if (!name.startsWith("x-fish-") || raw === undefined) continue;
    const field = name.slice("x-fish-".length).replace(/-/g, "_");
    if (!NATIVE_FIELDS.has(field)) continue;
    const text = Array.isArray(raw) ? raw[0]! : raw;
    try {
      out[field] = JSON.parse(text);
    } catch {
      out[field] = text;
    }
  }
  return out;
}

/**
 * Native TTS fields from an OpenAI body's `provider.options["fish-audio"]` block.
 * @example providerOptions({ provider: { options: { "fish-audio": { latency: "normal" } } } })
 */
export function providerOptions(body: Obj): Obj {
  const provider = body.provider;
  if (provider === undefined || provider === null) return {};
  const options = (provider as Obj)?.options as Obj | undefined;
  const fish = options?.["fish-audio"];
  if (fish === undefined || fish === null) return {};
  if (typeof fish !== "object" || Array.isArray(fish)) {
    throw refused("'provider.options.fish-audio' must be an object of native TTS fields");
  }
  const out: Obj = {};
  for (const [key, value] of Object.entries(fish as Obj)) {
    if (NATIVE_FIELDS.has(key)) out[key] = value;
  }
  return out;
}

/**
 * Transcription takes no native options: either side channel there is a 400.
 * @example refuseNativeOptions(req, body);
 */
export function refuseNativeOptions(req: IncomingMessage, body?: Obj): void {
  const header = Object.keys(req.headers).find((h) => h.startsWith("x-fish-"));
  if (header) {
    throw refused(
      `Native options (${header}) do not apply to transcription: send the request without X-Fish-* headers`,
    );
  }
  const provider = body?.provider as Obj | undefined;
  const options = provider?.options as Obj | undefined;
  if (options?.["fish-audio"] !== undefined) {
    throw refused("'provider.options.fish-audio' does not apply to transcription: remove it");
  }
}
