import { createHash, randomInt } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ServerContext } from "../context.js";
import { type CandidatePlan, planCandidates, seedFor } from "../design/candidates.js";
import { readInstruction } from "../design/instruction.js";
import { PREVIEW_LANGUAGES, previewText } from "../design/preview.js";
import { type DesignParams, parseDesignRequest } from "../design/request.js";
import { HttpError, sendJson } from "../http/errors.js";
import { VOICE_DESIGN_MICRO } from "../pricing.js";
import { detectLanguage } from "../tts/text.js";
import type { Call } from "./table.js";

export const VOICE_DESIGN_MODEL = "voice-design-1";
/** Candidates are WAV at the rate the cloud's examples show. */
const SAMPLE_RATE = 44100;

/** The single `model` header value the endpoint accepts (400 otherwise). */
function checkModelHeader(req: IncomingMessage): void {
  const header = req.headers.model;
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === VOICE_DESIGN_MODEL) return;
  throw new HttpError(
    400,
    value
      ? `Unknown voice-design model '${value.slice(0, 100)}': send the header 'model: ${VOICE_DESIGN_MODEL}'`
      : `Missing header 'model': voice design needs 'model: ${VOICE_DESIGN_MODEL}'`,
  );
}

/** The language the candidates speak: the request's hint, else the words, else the text. */
function resolveLanguage(ctx: ServerContext, params: DesignParams, named: string | undefined) {
  const spoken = new Set(ctx.engines.voices().flatMap((v) => v.languages));
  if (params.language !== undefined) {
    const code = params.language.toLowerCase().split(/[-_]/)[0] ?? "";
    if (!spoken.has(code)) {
      throw new HttpError(
        400,
        `Language '${params.language}' is not spoken by the local engines; use one of ${[...spoken].join(", ")}`,
      );
    }
    return code;
  }
  if (named !== undefined && spoken.has(named)) return named;
  if (params.referenceText !== undefined) return detectLanguage(params.referenceText);
  return "en";
}

async function render(
  ctx: ServerContext,
  text: string,
  plan: CandidatePlan,
): Promise<{ wav: Uint8Array; durationMs: number }> {
  const encoder = await ctx.engines.createEncoder({ format: "wav", sampleRate: SAMPLE_RATE });
  const parts: Uint8Array[] = [];
  let seconds = 0;
  const voice = {
    engineVoiceId: plan.engineVoiceId,
    pitchHz: plan.pitchHz,
    speed: plan.speed,
    ...(plan.whisper ? { whisper: true } : {}),
  };
  for await (const chunk of ctx.engines.synthesize(text, { voice })) {
    seconds += chunk.samples.length / chunk.sampleRate;
    parts.push(encoder.write(chunk));
  }
  parts.push(encoder.end());
  return { wav: Buffer.concat(parts), durationMs: Math.round(seconds * 1000) };
}

/**
 * POST /v1/voice-design: reads the instruction into engine settings, speaks `n` candidates and
 * answers them as base64 WAV. Charged once per successful request.
 */
export async function handleVoiceDesign({ ctx, req, res, principal, body }: Call): Promise<void> {
  checkModelHeader(req);
  const params = parseDesignRequest(await body());
  const traits = readInstruction(params.instruction);
  const language = resolveLanguage(ctx, params, traits.language);
  const text = params.referenceText?.trim() || previewText(language);
  if (text === undefined) {
    throw new HttpError(
      400,
      `No preview line for language '${language}' on the local server: send 'reference_text' (preview lines exist for ${PREVIEW_LANGUAGES.join(", ")})`,
    );
  }
  const seed = params.seed ?? randomInt(0, 2 ** 31);
  const plans = planCandidates(traits, {
    n: params.n,
    seed: seedFor([params.instruction, seed, language]),
    speed: params.speed,
    strength: params.guidanceScale / 2,
    language,
    voices: ctx.engines.voices(),
  });

  if (!ctx.accounts.charge(principal.user.id, VOICE_DESIGN_MICRO)) {
    throw new HttpError(402, "Insufficient API credit");
  }
  let candidates: Record<string, unknown>[];
  try {
    candidates = [];
    for (const [index, plan] of plans.entries()) {
      const { wav, durationMs } = await render(ctx, text, plan);
      const id = createHash("sha256")
        .update(JSON.stringify([params.instruction, seed, language, text, index, plan]))
        .digest("hex")
        .slice(0, 32);
      candidates.push({
        id,
        index,
        audio_base64: Buffer.from(wav).toString("base64"),
        sample_rate: SAMPLE_RATE,
        duration_ms: durationMs,
        text,
        instruct: params.instruction,
        language,
      });
    }
  } catch (error) {
    ctx.accounts.refund(principal.user.id, VOICE_DESIGN_MICRO);
    throw error;
  }
  ctx.accounts.recordUsage({
    userId: principal.user.id,
    keyId: principal.keyId,
    kind: "voice-design",
    model: VOICE_DESIGN_MODEL,
    voiceId: null,
    units: candidates.length,
    costMicro: VOICE_DESIGN_MICRO,
  });
  ctx.log(
    `voice-design: ${traits.understood.join(", ") || "no traits"} -> ${plans.length} candidates`,
  );
  sendJson(res, 200, { candidates });
}
