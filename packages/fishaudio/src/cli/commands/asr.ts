/**
 * `fishaudio asr`: speech to text, as plain text, JSON, or SRT/WebVTT subtitles.
 */
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import type { ASRResponse } from "../../index.js";
import { type TimedText as Segment, toSrt, toVtt } from "../../subtitles.js";
import { connectionOptions, flag, str } from "../args.js";
import { CliError } from "../errors.js";
import { audioFile } from "../input.js";
import { chatty, note, Progress } from "../output.js";
import { connect, starting, verbosity } from "../session.js";
import type { Command } from "./command.js";

export const asr: Command = {
  spec: {
    name: "asr",
    usage: "FILE",
    summary:
      'Transcribe an audio file ("-" reads stdin). Prints the text, or the whole result\n' +
      "with --json, or subtitles with --srt / --vtt.",
    maxPositionals: 1,
    options: {
      language: { type: "string", value: "CODE", description: "language hint, e.g. en or zh" },
      json: { type: "boolean", description: "print text, duration and segments as JSON" },
      srt: { type: "boolean", description: "print SubRip subtitles" },
      vtt: { type: "boolean", description: "print WebVTT subtitles" },
      output: {
        type: "string",
        short: "o",
        value: "FILE",
        description: "write to FILE, not stdout",
      },
      ...connectionOptions,
    },
    examples: [
      "fishaudio asr interview.mp3",
      "fishaudio asr talk.wav --srt -o talk.srt",
      "fishaudio asr talk.wav --json | jq .segments",
    ],
  },

  async run({ values, positionals }, ctx) {
    const v = verbosity(values);
    const file = positionals[0];
    if (!file) throw new CliError("which audio file? usage: fishaudio asr FILE");
    const kinds = (["json", "srt", "vtt"] as const).filter((name) => flag(values, name));
    if (kinds.length > 1) throw new CliError(`choose one of --${kinds.join(", --")}`);
    const kind = kinds[0] ?? "text";
    const language = str(values, "language");
    const output = str(values, "output");
    const audio = await audioFile(file);

    const progress = new Progress("Transcribing", chatty(v), process.stderr, starting(values));
    let result: ASRResponse;
    try {
      const { client } = await connect(values, ctx);
      const name = file === "-" ? "stdin" : basename(file);
      ctx.errors.rejected = `the server could not transcribe ${name}`;
      progress.restart("uploading and transcribing");
      result = await client.asr.transcribe(
        {
          audio,
          includeTimestamps: kind === "srt" || kind === "vtt" || kind === "json",
          ...(language !== undefined ? { language } : {}),
        },
        { signal: ctx.signal },
      );
    } finally {
      progress.stop();
    }

    const text = render(kind, result);
    if (output !== undefined) {
      await writeFile(output, text);
      note(v, `Wrote ${output} (${result.duration.toFixed(1)} s of audio transcribed)`);
    } else {
      process.stdout.write(text);
    }
  },
};

function render(
  kind: "text" | "json" | "srt" | "vtt",
  result: { text: string; duration: number; segments: Segment[] },
): string {
  switch (kind) {
    case "json":
      return `${JSON.stringify(result, null, 2)}\n`;
    case "srt":
      return toSrt(cuesOf(result));
    case "vtt":
      return toVtt(cuesOf(result));
    default:
      return result.text.endsWith("\n") ? result.text : `${result.text}\n`;
  }
}

/** The segments, or one cue spanning the whole audio when the server sent none. */
function cuesOf(result: { text: string; duration: number; segments: Segment[] }): Segment[] {
  if (result.segments.length > 0 || !result.text.trim()) return result.segments;
  return [{ text: result.text, start: 0, end: result.duration }];
}
