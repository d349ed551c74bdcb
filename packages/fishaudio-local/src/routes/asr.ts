import { decodeUpload } from "../audio/upload.js";
import type { ServerContext } from "../context.js";
import type { Transcript } from "../engines/types.js";
import { HttpError, sendJson } from "../http/errors.js";
import { asrCost } from "../pricing.js";
import { validateFields } from "../schema/validate.js";
import type { Principal } from "../store/accounts.js";
import type { Call } from "./table.js";

/** POST /v1/asr's body, as the schema types it. */
interface AsrFields {
  audio: Uint8Array;
  language?: string;
  ignore_timestamps?: boolean;
}

/** What the local recogniser (pocketsphinx with the en-us model) understands. */
const LANGUAGE_NAMES: Record<string, string> = { en: "English" };

/**
 * The ISO 639-1 code of a `language` hint the recogniser supports ("en", "en-US", "English");
 * any other language is a 400 naming what is supported, never a silent English guess.
 */
function recognisedLanguage(hint: string | undefined): string {
  const trimmed = hint?.trim();
  if (!trimmed) return "en";
  const code = trimmed.toLowerCase().split(/[-_]/)[0]!;
  if (code in LANGUAGE_NAMES) return code;
  const byName = Object.entries(LANGUAGE_NAMES).find(([, name]) => name.toLowerCase() === code);
  if (byName) return byName[0];
  const supported = Object.entries(LANGUAGE_NAMES).map(([c, name]) => `"${c}" (${name})`);
  throw new HttpError(
    400,
    `Language '${trimmed.slice(0, 50)}' is not supported by the local recogniser; it supports ${supported.join(", ")}: send one of those, or no language`,
  );
}

/** POST /v1/asr: msgpack or multipart audio in, `{text, duration, segments}` out. */
export async function handleAsr({ ctx, res, principal, fields }: Call): Promise<void> {
  const bag = await fields();
  // The schema's single `audio` would only say "must be binary data" to a repeated file part.
  if ((bag.fields.get("audio") ?? []).length > 1) {
    throw new HttpError(422, "Send exactly one 'audio' file per request");
  }
  const body = validateFields<AsrFields>("post /v1/asr", bag, ["audio"]);
  const audio = body.audio;
  if (audio.length === 0) throw new HttpError(400, "The 'audio' file is empty");
  const language = recognisedLanguage(body.language);
  const ignoreTimestamps = body.ignore_timestamps ?? true;

  // A client that leaves stops its decode (or its place in the decoder's queue).
  const gone = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  const { transcript, seconds } = await transcribeCharged(ctx, principal, audio, "audio", {
    timestamps: !ignoreTimestamps,
    language,
    signal: gone.signal,
  });
  const scale = ctx.asrDurationUnit === "milliseconds" ? 1000 : 1;
  sendJson(res, 200, {
    text: transcript.text,
    duration: round(seconds * scale),
    segments: ignoreTimestamps
      ? []
      : transcript.segments.map((s) => ({
          text: s.text,
          start: round(s.start),
          end: round(s.end),
        })),
    language_code: language,
    language: LANGUAGE_NAMES[language],
  });
}

/**
 * Decodes an upload, charges its duration, transcribes it (refunding when recognition fails) and
 * writes the ledger line. Shared by `/v1/asr` and the compatibility protocols.
 * @example const { transcript, seconds } = await transcribeCharged(ctx, principal, bytes, "file", { timestamps: true });
 */
export async function transcribeCharged(
  ctx: ServerContext,
  principal: Principal,
  audio: Uint8Array,
  field: string,
  options: { timestamps: boolean; language?: string; signal?: AbortSignal },
): Promise<{ transcript: Transcript; seconds: number }> {
  const pcm = await decodeUpload(ctx, audio, field, undefined, options.signal);
  const seconds = pcm.samples.length / pcm.sampleRate;
  const cost = asrCost(seconds);
  // The debit and its ledger line in one transaction: no crash leaves one without the other.
  const usageId = ctx.accounts.chargeWithUsage({
    userId: principal.user.id,
    keyId: principal.keyId,
    kind: "asr",
    model: null,
    voiceId: null,
    units: seconds,
    costMicro: cost,
  });
  if (usageId === undefined) throw new HttpError(402, "Insufficient API credit");
  let transcript: Transcript;
  try {
    transcript = await ctx.engines.transcribe(pcm, {
      timestamps: options.timestamps,
      language: options.language,
    });
  } catch (error) {
    ctx.accounts.refund(principal.user.id, cost, usageId);
    throw error;
  }
  return { transcript, seconds };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
