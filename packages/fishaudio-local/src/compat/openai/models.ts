import type { ServerResponse } from "node:http";
import { sendJson } from "../../http/errors.js";
import { ASR_MICRO_PER_SECOND, MICRO, TTS_MICRO_PER_BYTE } from "../../pricing.js";
import { CATALOG } from "../models.js";

/** When the catalog entries say they were created (fixed, so the listing is deterministic). */
const CREATED = 1_735_689_600; // 2025-01-01T00:00:00Z

/** GET /models: the Fish catalog in the OpenRouter model schema (no key needed). */
export function handleListModels(res: ServerResponse): void {
  sendJson(res, 200, {
    data: CATALOG.map((m) => ({
      id: m.id,
      canonical_slug: m.id,
      name: m.name,
      created: CREATED,
      description: m.description,
      context_length: null,
      architecture: {
        modality: m.task === "tts" ? "text->audio" : "audio->text",
        input_modalities: [m.task === "tts" ? "text" : "audio"],
        output_modalities: [m.task === "tts" ? "audio" : "text"],
        tokenizer: "Other",
        instruct_type: null,
      },
      pricing:
        m.task === "tts"
          ? {
              prompt: "0",
              completion: "0",
              request: "0",
              per_input_byte: String(TTS_MICRO_PER_BYTE / MICRO),
            }
          : {
              prompt: "0",
              completion: "0",
              request: "0",
              per_audio_second: String(ASR_MICRO_PER_SECOND / MICRO),
            },
      supported_parameters:
        m.task === "tts"
          ? ["voice", "response_format", "speed", "sample_rate", "provider"]
          : ["language", "response_format", "timestamp_granularities", "prompt", "temperature"],
    })),
  });
}
