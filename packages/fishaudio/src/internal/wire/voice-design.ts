/**
 * Voice design parameters <-> the wire: `VoiceDesignRequest` (JSON, snake_case, bounds as the
 * published schema states them) out, candidates with their base64 audio decoded back in.
 */
import { APIError, ValidationError } from "../../core/error.js";
import type {
  VoiceCandidate,
  VoiceDesignParams,
  VoiceDesignResponse,
} from "../../resources/voices.js";
import { decodeBase64 } from "../base64.js";
import { checkInt, checkNumber, checkString } from "../validation.js";

/** The one model the endpoint accepts (the `model` header). */
export const VOICE_DESIGN_MODEL = "voice-design-1";

function characters(value: string): number {
  return [...value].length;
}

function optional<T>(value: T | null | undefined, check: (value: T) => T): T | undefined {
  return value === undefined || value === null ? undefined : check(value);
}

/**
 * Validates `params` as `VoiceDesignRequest` and returns the JSON object to send; unset fields
 * are left out so the server applies its own defaults.
 * @example toVoiceDesignBody({ instruction: "warm narrator", n: 3 }) // { instruction: "warm narrator", n: 3 }
 */
export function toVoiceDesignBody(params: VoiceDesignParams): Record<string, unknown> {
  if (!params || typeof params !== "object") {
    throw new ValidationError("params", "must be an object with at least `instruction`.");
  }
  const instruction = checkString("instruction", params.instruction);
  if (characters(instruction) < 1 || characters(instruction) > 2000) {
    throw new ValidationError(
      "instruction",
      `must be 1 to 2000 characters, got ${characters(instruction)}.`,
    );
  }
  const referenceText = optional(params.referenceText, (v) => {
    const text = checkString("referenceText", v);
    if (characters(text) > 150) {
      throw new ValidationError(
        "referenceText",
        `must be at most 150 characters, got ${characters(text)}.`,
      );
    }
    return text;
  });
  const speed = optional(params.speed, (v) => {
    checkNumber("speed", v, undefined, 3);
    if (v <= 0) throw new ValidationError("speed", `must be greater than 0, got ${v}.`);
    return v;
  });
  const body: Record<string, unknown> = {
    instruction,
    reference_text: referenceText,
    language: optional(params.language, (v) => checkString("language", v, { nonEmpty: true })),
    n: optional(params.n, (v) => checkInt("n", v, 1, 4)),
    speed,
    num_step: optional(params.numStep, (v) => checkInt("numStep", v, 1, 128)),
    guidance_scale: optional(params.guidanceScale, (v) => checkNumber("guidanceScale", v, 0)),
    instruct_guidance_scale: optional(params.instructGuidanceScale, (v) =>
      checkNumber("instructGuidanceScale", v, 0),
    ),
    seed: optional(params.seed, (v) => checkInt("seed", v)),
  };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}

type Json = Record<string, unknown>;

function unexpected(raw: unknown, what: string): APIError {
  return new APIError(
    200,
    raw,
    `Unexpected voice design response: ${what} (got ${JSON.stringify(raw)?.slice(0, 200) ?? "an empty body"}).`,
    undefined,
  );
}

function audioOf(raw: unknown, base64: string, i: number): Uint8Array {
  try {
    return decodeBase64(base64);
  } catch {
    throw unexpected(raw, `candidate ${i} has audio that is not valid base64`);
  }
}

/**
 * `{candidates: [...]}` -> candidates with their audio as bytes, in `index` order.
 * @example const { candidates } = toVoiceDesignResponse(await res.json());
 */
export function toVoiceDesignResponse(raw: unknown): VoiceDesignResponse {
  const body = raw && typeof raw === "object" ? (raw as Json) : undefined;
  if (!body || !Array.isArray(body.candidates)) throw unexpected(raw, "no `candidates` list");
  const candidates = body.candidates.map((item: unknown, i: number): VoiceCandidate => {
    const c = item && typeof item === "object" ? (item as Json) : {};
    if (typeof c.audio_base64 !== "string") {
      throw unexpected(raw, `candidate ${i} has no \`audio_base64\``);
    }
    const candidate: VoiceCandidate = {
      id: typeof c.id === "string" ? c.id : String(c.id ?? i),
      index: typeof c.index === "number" ? c.index : i,
      audio: audioOf(raw, c.audio_base64, i),
      sampleRate: typeof c.sample_rate === "number" ? c.sample_rate : 0,
      durationMs: typeof c.duration_ms === "number" ? c.duration_ms : 0,
    };
    if (typeof c.text === "string") candidate.text = c.text;
    if (typeof c.instruct === "string") candidate.instruct = c.instruct;
    if (typeof c.language === "string") candidate.language = c.language;
    return candidate;
  });
  candidates.sort((a, b) => a.index - b.index);
  return { candidates };
}
