import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import { readFields } from "../../http/decode.js";
import { sendJson } from "../../http/errors.js";
import { fileField } from "../../http/fields.js";
import type { FieldBag } from "../../http/forms.js";
import { transcribeCharged } from "../../routes/asr.js";
import type { Principal } from "../../store/accounts.js";
import { refused } from "../errors.js";
import { resolveModel } from "../models.js";
import { refuseNativeOptions } from "../native-options.js";
import { field, text } from "../upload.js";
import { nonEmpty, requested } from "../values.js";
import { cues, srt, timedWords, vtt } from "../words.js";

const FORMATS = new Set(["json", "text", "verbose_json", "srt", "vtt"]);

/** Options that would change what the transcript contains: refused, not ignored. */
const REFUSED = ["include", "known_speaker_names", "known_speaker_references"];

/** POST /audio/transcriptions: multipart (as the SDKs send) or JSON with base64 `file`. */
export async function handleTranscription(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
): Promise<void> {
  const bag = await readFields(req, ["multipart", "json"], ctx.maxBodyBytes);
  refuseNativeOptions(req, bag.kind === "object" ? objectOf(bag) : undefined);
  for (const name of REFUSED) {
    if (nonEmpty(field(bag, name))) {
      throw refused(`'${name}' is not supported by this transcription endpoint: remove it`);
    }
  }
  if (requested(field(bag, "stream"))) {
    throw refused("'stream' is not supported: transcriptions are returned whole");
  }
  resolveModel(text(bag, "model"), "asr");
  const format = text(bag, "response_format") ?? "json";
  if (!FORMATS.has(format)) {
    throw refused(
      `response_format ${JSON.stringify(format)} is not supported: use json, text, verbose_json, srt or vtt`,
    );
  }
  const granularities = [field(bag, "timestamp_granularities") ?? []].flat().map(String);
  const files = fileField(bag, "file");
  if (files.length !== 1 || files[0]!.length === 0) {
    throw refused("'file' is required: one non-empty audio file");
  }
  // `language` is forwarded and echoed, never detected; prompt and temperature are ignored.
  const language = text(bag, "language")?.trim() ?? "";
  const { transcript, seconds } = await transcribeCharged(ctx, principal, files[0]!, "file", {
    timestamps: format !== "json" && format !== "text",
    language: language || undefined,
  });
  const headers = { "X-Generation-Id": randomBytes(12).toString("hex") };
  const usage = { type: "duration", seconds: Math.ceil(seconds) };
  if (format === "json") {
    sendJson(res, 200, { text: transcript.text, usage }, headers);
    return;
  }
  if (format === "text") return sendText(res, "text/plain", `${transcript.text}\n`, headers);
  const words = timedWords(transcript);
  if (format === "srt") return sendText(res, "text/plain", srt(cues(words)), headers);
  if (format === "vtt") return sendText(res, "text/vtt", vtt(cues(words)), headers);
  const body: Record<string, unknown> = {
    task: "transcribe",
    language,
    duration: round(seconds),
    text: transcript.text,
    // Fish times every word, so segments are per word; the Whisper internals are constants.
    segments: words.map((w, id) => ({
      id,
      seek: 0,
      start: w.start,
      end: w.end,
      text: w.text,
      tokens: [],
      temperature: 0,
      avg_logprob: 0,
      compression_ratio: 1,
      no_speech_prob: 0,
    })),
    usage,
  };
  if (granularities.includes("word")) {
    body.words = words.map((w) => ({ word: w.text, start: w.start, end: w.end }));
  }
  sendJson(res, 200, body, headers);
}

function objectOf(bag: FieldBag): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, values] of bag.fields) out[name] = values.length === 1 ? values[0] : values;
  return out;
}

function sendText(
  res: ServerResponse,
  type: string,
  body: string,
  headers: Record<string, string>,
): void {
  res.writeHead(200, {
    "Content-Type": `${type}; charset=utf-8`,
    "Content-Length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
