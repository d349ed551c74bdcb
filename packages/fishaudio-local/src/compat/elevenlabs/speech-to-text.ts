import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import { readFields } from "../../http/decode.js";
import { sendJson } from "../../http/errors.js";
import { fileField } from "../../http/fields.js";
import { transcribeCharged } from "../../routes/asr.js";
import type { Principal } from "../../store/accounts.js";
import { refused } from "../errors.js";
import { refuseNativeOptions } from "../native-options.js";
import { field, text } from "../upload.js";
import { explicitlyOff, nonEmpty, requested } from "../values.js";
import { timedWords } from "../words.js";

/** Options that would change the response contract, each with why it is refused. */
const REFUSED: Array<[string, string]> = [
  ["diarize", "speaker attribution is not available"],
  ["use_multi_channel", "per-channel transcription is not available"],
  ["entity_detection", "entities would be missing from the response"],
  ["entity_redaction", "the text would come back unredacted"],
  ["entity_redaction_mode", "the text would come back unredacted"],
  ["no_verbatim", "the transcript would still be verbatim"],
  ["tag_audio_events", "the transcript would carry no event tags"],
  ["additional_formats", "the extra formats would be absent"],
  ["webhook", "there is no delivery callback"],
  ["webhook_id", "there is no delivery callback"],
  ["source_url", "remote audio would not be fetched"],
  ["cloud_storage_url", "remote audio would not be fetched"],
];

/** POST /v1/speech-to-text: multipart `file` in, ElevenLabs' transcript with word timings out. */
export async function handleSpeechToText(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
): Promise<void> {
  refuseNativeOptions(req);
  const bag = await readFields(req, ["multipart"], ctx.maxBodyBytes);
  for (const [name, why] of REFUSED) {
    const value = field(bag, name);
    if (requested(value) && nonEmpty(value)) {
      throw refused(`'${name}' is not supported: ${why}. Remove it from the request`);
    }
  }
  if (explicitlyOff(field(bag, "enable_logging"))) {
    throw refused("'enable_logging=false' is not supported: zero-retention mode cannot be honored");
  }
  const granularity = text(bag, "timestamps_granularity");
  if (granularity === "character") {
    throw refused(
      "timestamps_granularity 'character' is not supported: only word granularity exists",
    );
  }
  const files = fileField(bag, "file");
  if (files.length !== 1 || files[0]!.length === 0) {
    throw refused("'file' is required: one non-empty audio file");
  }
  // model_id is accepted and ignored; language_code is forwarded and echoed, never detected.
  const language = text(bag, "language_code")?.trim() ?? "";
  const { transcript, seconds } = await transcribeCharged(ctx, principal, files[0]!, "file", {
    timestamps: granularity !== "none",
    language: language || undefined,
  });
  const words: Record<string, unknown>[] = [];
  for (const [i, w] of timedWords(transcript).entries()) {
    const previous = words.at(-1);
    if (i > 0 && previous) {
      words.push({
        text: " ",
        start: previous.end,
        end: w.start,
        type: "spacing",
        speaker_id: null,
        logprob: 0,
      });
    }
    words.push({
      text: w.text,
      start: w.start,
      end: w.end,
      type: "word",
      speaker_id: null,
      logprob: 0,
    });
  }
  sendJson(
    res,
    200,
    {
      language_code: language,
      language_probability: 1.0,
      text: transcript.text,
      words,
      audio_duration_secs: Math.round(seconds * 1000) / 1000,
      transcription_id: randomBytes(12).toString("hex"),
    },
    { "X-Generation-Id": randomBytes(12).toString("hex") },
  );
}
