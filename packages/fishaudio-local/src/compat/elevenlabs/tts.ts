import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import { readObject } from "../../http/decode.js";
import { HttpError, sendJson } from "../../http/errors.js";
import { writeWithBackpressure } from "../../http/write.js";
import type { Principal } from "../../store/accounts.js";
import type { Encoded } from "../../tts/encode.js";
import { audioOutput } from "../../tts/outputs/audio.js";
import { runTts, type TtsJob, type TtsOutput } from "../../tts/pipeline.js";
import { type AlignedPiece, alignedSpeech, type CharAlignment } from "../alignment.js";
import { refused } from "../errors.js";
import { elevenLabsFormat } from "../formats.js";
import { resolveModel } from "../models.js";
import { type CompatSpeech, nativeSpeech } from "../speech.js";

type Obj = Record<string, unknown>;

/** ElevenLabs' limit on JSON bodies. */
const MAX_BODY = 140 * 1024 * 1024;

/** The four REST shapes of ElevenLabs text to speech. */
export type TtsVariant = "convert" | "stream" | "with-timestamps" | "stream-with-timestamps";

/**
 * The synthesis request an ElevenLabs body and query describe: `model_id` (`eleven_*` names are
 * served by the default Fish model), `voice_settings.speed` → speech rate and
 * `voice_settings.stability` → temperature `1 − stability`; the other vendor knobs are ignored.
 * @example const spec = elevenLabsSpeech(body, "default", url.searchParams.get("output_format"));
 */
export function elevenLabsSpeech(body: Obj, voiceId: string, outputFormat: unknown): CompatSpeech {
  const settings = body.voice_settings;
  if (
    settings !== undefined &&
    settings !== null &&
    (typeof settings !== "object" || Array.isArray(settings))
  ) {
    throw refused("'voice_settings' must be an object");
  }
  const voice = (settings ?? {}) as Obj;
  let temperature: number | undefined;
  if (voice.stability !== undefined && voice.stability !== null) {
    if (typeof voice.stability !== "number" || !(voice.stability >= 0 && voice.stability <= 1)) {
      throw refused(
        `'voice_settings.stability' must be a number from 0 to 1, got ${JSON.stringify(voice.stability)}`,
      );
    }
    temperature = Math.round((1 - voice.stability) * 1000) / 1000;
  }
  let speed: number | undefined;
  if (voice.speed !== undefined && voice.speed !== null) {
    if (typeof voice.speed !== "number" || !(voice.speed >= 0.25 && voice.speed <= 4)) {
      throw refused(
        `'voice_settings.speed' must be a number from 0.25 to 4, got ${JSON.stringify(voice.speed)}`,
      );
    }
    speed = voice.speed;
  }
  return {
    text: body.text,
    textField: "text",
    output: elevenLabsFormat(outputFormat),
    voice: voiceId,
    model: resolveModel(body.model_id, "tts", (name) => name.startsWith("eleven_")),
    speed,
    temperature,
  };
}

/**
 * Reads an ElevenLabs JSON body.
 * @example const body = await readElevenLabsBody(ctx, req);
 */
export async function readElevenLabsBody(ctx: ServerContext, req: IncomingMessage): Promise<Obj> {
  const value = await readObject(req, ["json"], Math.min(MAX_BODY, ctx.maxBodyBytes));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw refused("The request body must be a JSON object");
  }
  return value as Obj;
}

function refuseBenchmark(job: TtsJob): void {
  if (job.speakers.some((s) => s.benchmark)) {
    throw new HttpError(422, "The benchmark voice has no timestamps: use it on /v1/tts");
  }
}

/** `with-timestamps`: one JSON object, the whole audio and every character's times. */
function alignedJson(headers: Record<string, string>): TtsOutput<AlignedPiece> {
  return {
    name: "elevenlabs",
    source: alignedSpeech,
    accept: refuseBenchmark,
    async write(res, _job, speech, signal) {
      const audio: Uint8Array[] = [];
      const all: CharAlignment = { characters: [], starts: [], ends: [] };
      const add = ({ piece, bytes }: Encoded<AlignedPiece>) => {
        audio.push(bytes);
        all.characters.push(...piece.alignment.characters);
        all.starts.push(...piece.alignment.starts);
        all.ends.push(...piece.alignment.ends);
      };
      if (speech.first) add(speech.first);
      for await (const encoded of speech.rest) add(encoded);
      audio.push(speech.end());
      if (signal.aborted) return;
      const alignment = restAlignment(all);
      sendJson(
        res,
        200,
        {
          audio_base64: Buffer.concat(audio).toString("base64"),
          alignment,
          normalized_alignment: alignment,
        },
        headers,
      );
    },
  };
}

/** `stream/with-timestamps`: NDJSON, one line per sentence with its audio and characters. */
function alignedLines(headers: Record<string, string>): TtsOutput<AlignedPiece> {
  return {
    name: "elevenlabs",
    source: alignedSpeech,
    accept: refuseBenchmark,
    async write(res, _job, speech, signal) {
      res.writeHead(200, { ...headers, "Content-Type": "application/x-ndjson" });
      const line = async ({ piece, bytes }: Encoded<AlignedPiece>) => {
        const alignment = restAlignment(piece.alignment);
        const value = {
          audio_base64: Buffer.from(bytes).toString("base64"),
          alignment,
          normalized_alignment: alignment,
        };
        await writeWithBackpressure(res, Buffer.from(`${JSON.stringify(value)}\n`));
      };
      if (speech.first) await line(speech.first);
      for await (const encoded of speech.rest) {
        if (signal.aborted) return;
        await line(encoded);
      }
      if (signal.aborted) return;
      const tail = Buffer.from(speech.end());
      if (tail.length > 0) {
        const value = { audio_base64: tail.toString("base64") };
        await writeWithBackpressure(res, Buffer.from(`${JSON.stringify(value)}\n`));
      }
      res.end();
    },
  };
}

/** POST /v1/text-to-speech/{voice_id}[/stream][/with-timestamps]. */
export async function handleTextToSpeech(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
  voiceId: string,
  variant: TtsVariant,
  url: URL,
): Promise<void> {
  const body = await readElevenLabsBody(ctx, req);
  const spec = elevenLabsSpeech(body, voiceId, url.searchParams.get("output_format") ?? undefined);
  const timestamped = variant === "with-timestamps" || variant === "stream-with-timestamps";
  if (timestamped) {
    spec.refuseReferences =
      "Reference audio is not available on the timestamped endpoints: use a voice id, or the endpoint without timestamps";
  }
  const native = nativeSpeech(ctx, principal, req, spec);
  const headers = {
    "Cache-Control": "no-store",
    "X-Generation-Id": randomBytes(12).toString("hex"),
    "X-Fish-Model": native.model,
  };
  if (variant === "with-timestamps") {
    await runTts(ctx, principal, res, native, alignedJson(headers));
  } else if (variant === "stream-with-timestamps") {
    await runTts(ctx, principal, res, native, alignedLines(headers));
  } else {
    const output = audioOutput("elevenlabs", () => ({
      ...headers,
      "Content-Type": native.contentType,
    }));
    await runTts(ctx, principal, res, native, output);
  }
}

/** The REST alignment shape: snake_case keys, seconds. */
function restAlignment(a: CharAlignment): Obj {
  return {
    characters: a.characters,
    character_start_times_seconds: a.starts,
    character_end_times_seconds: a.ends,
  };
}
