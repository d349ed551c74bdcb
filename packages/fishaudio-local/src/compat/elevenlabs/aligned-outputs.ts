/**
 * The write end of ElevenLabs' timestamped text to speech: the native pipeline's rendering (sentences
 * with each character's time, compat/alignment.ts) answered as one JSON object or as NDJSON lines.
 */
import { HttpError, sendJson } from "../../http/errors.js";
import { writeWithBackpressure } from "../../http/write.js";
import type { Encoded } from "../../tts/encode.js";
import type { TtsJob, TtsOutput } from "../../tts/pipeline.js";
import { type AlignedPiece, alignedSpeech, type CharAlignment } from "../alignment.js";

type Obj = Record<string, unknown>;

function refuseBenchmark(job: TtsJob): void {
  if (job.speakers.some((s) => s.benchmark)) {
    throw new HttpError(422, "The benchmark voice has no timestamps: use it on /v1/tts");
  }
}

/** `with-timestamps`: one JSON object, the whole audio and every character's times. */
export function alignedJson(headers: Record<string, string>): TtsOutput<AlignedPiece> {
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
      audio.push(await speech.end());
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
export function alignedLines(headers: Record<string, string>): TtsOutput<AlignedPiece> {
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
      const tail = Buffer.from(await speech.end());
      if (tail.length > 0) {
        const value = { audio_base64: tail.toString("base64") };
        await writeWithBackpressure(res, Buffer.from(`${JSON.stringify(value)}\n`));
      }
      res.end();
    },
  };
}

/** The REST alignment shape: snake_case keys, seconds. */
function restAlignment(a: CharAlignment): Obj {
  return {
    characters: a.characters,
    character_start_times_seconds: a.starts,
    character_end_times_seconds: a.ends,
  };
}
