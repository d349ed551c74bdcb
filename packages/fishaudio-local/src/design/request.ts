import { HttpError } from "../http/errors.js";

/** A validated `VoiceDesignRequest` with the schema's defaults filled in. */
export interface DesignParams {
  instruction: string;
  referenceText: string | undefined;
  language: string | undefined;
  n: number;
  speed: number;
  numStep: number;
  guidanceScale: number;
  instructGuidanceScale: number;
  seed: number | undefined;
}

const FIELDS = new Set([
  "instruction",
  "reference_text",
  "language",
  "n",
  "speed",
  "num_step",
  "guidance_scale",
  "instruct_guidance_scale",
  "seed",
]);

function invalid(message: string): HttpError {
  return new HttpError(422, message);
}

function optionalString(body: Record<string, unknown>, name: string, max?: number) {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(`Field '${name}' must be a string or null`);
  if (max !== undefined && [...value].length > max) {
    throw invalid(`Field '${name}' must be at most ${max} characters (got ${[...value].length})`);
  }
  return value;
}

function number(
  body: Record<string, unknown>,
  name: string,
  fallback: number,
  { integer = false, min = -Infinity, max = Infinity, exclusiveMin = false } = {},
): number {
  const value = body[name];
  if (value === undefined) return fallback;
  const kind = integer ? "an integer" : "a number";
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw invalid(`Field '${name}' must be ${kind}`);
  }
  if (integer && !Number.isSafeInteger(value)) throw invalid(`Field '${name}' must be ${kind}`);
  const tooLow = exclusiveMin ? value <= min : value < min;
  if (tooLow || value > max) {
    const low = min === -Infinity ? "" : exclusiveMin ? `greater than ${min}` : `at least ${min}`;
    const high = max === Infinity ? "" : `at most ${max}`;
    throw invalid(
      `Field '${name}' must be ${[low, high].filter(Boolean).join(" and ")} (got ${value})`,
    );
  }
  return value;
}

/**
 * Checks a `POST /v1/voice-design` body against `VoiceDesignRequest` (additionalProperties:
 * false, the schema's bounds) and fills in its defaults.
 * @example const params = parseDesignRequest({ instruction: "warm narrator", n: 3 });
 */
export function parseDesignRequest(body: unknown): DesignParams {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "The body must be a JSON object with at least 'instruction'");
  }
  const record = body as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => !FIELDS.has(key));
  if (extra.length > 0) {
    throw invalid(
      `Unknown field${extra.length > 1 ? "s" : ""} ${extra.map((k) => `'${k}'`).join(", ")}: voice design accepts only ${[...FIELDS].join(", ")}`,
    );
  }
  const instruction = record.instruction;
  if (typeof instruction !== "string") {
    throw invalid("Field 'instruction' (the voice description, 1 to 2000 characters) is required");
  }
  const length = [...instruction].length;
  if (length < 1 || length > 2000) {
    throw invalid(`Field 'instruction' must be 1 to 2000 characters (got ${length})`);
  }
  const seed = record.seed;
  if (
    seed !== undefined &&
    seed !== null &&
    !(typeof seed === "number" && Number.isSafeInteger(seed))
  ) {
    throw invalid("Field 'seed' must be an integer or null");
  }
  return {
    instruction,
    referenceText: optionalString(record, "reference_text", 150),
    language: optionalString(record, "language")?.trim() || undefined,
    n: number(record, "n", 2, { integer: true, min: 1, max: 4 }),
    speed: number(record, "speed", 1, { min: 0, max: 3, exclusiveMin: true }),
    numStep: number(record, "num_step", 32, { integer: true, min: 1, max: 128 }),
    guidanceScale: number(record, "guidance_scale", 2, { min: 0 }),
    instructGuidanceScale: number(record, "instruct_guidance_scale", 0, { min: 0 }),
    seed: typeof seed === "number" ? seed : undefined,
  };
}
