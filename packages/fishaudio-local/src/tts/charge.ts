import type { ServerContext } from "../context.js";
import { HttpError } from "../http/errors.js";
import { ttsCost } from "../pricing.js";
import type { Principal } from "../store/accounts.js";
import type { SpeakerPlan } from "./voice-plan.js";

/** What one charge took, so that a render that fails before any audio can give it back. */
export interface TtsCharge {
  cost: number;
  usageId: number;
}

/**
 * Takes the price of `text` from the user's balance and writes the ledger line; 402 if it
 * does not cover it.
 * @example const charge = chargeTts(ctx, principal, "tts", model, speakers, text);
 */
export function chargeTts(
  ctx: ServerContext,
  principal: Principal,
  kind: "tts" | "tts-live",
  model: string,
  speakers: SpeakerPlan[],
  text: string,
): TtsCharge {
  const cost = ttsCost(text);
  const voiceId =
    speakers.find((s) => s.storedVoiceId)?.storedVoiceId ??
    speakers[0]?.settings.engineVoiceId ??
    null;
  const usageId = ctx.accounts.chargeWithUsage({
    userId: principal.user.id,
    keyId: principal.keyId,
    kind,
    model,
    voiceId,
    units: Buffer.byteLength(text, "utf8"),
    costMicro: cost,
  });
  if (usageId === undefined) throw new HttpError(402, "Insufficient API credit");
  for (const speaker of speakers) {
    if (speaker.storedVoiceId) ctx.voices.incrementTaskCount(speaker.storedVoiceId);
  }
  return { cost, usageId };
}

/**
 * Gives a charge back (and marks its ledger line refunded).
 * @example refundTts(ctx, principal, charge);
 */
export function refundTts(ctx: ServerContext, principal: Principal, charge: TtsCharge): void {
  ctx.accounts.refund(principal.user.id, charge.cost, charge.usageId);
}
