/**
 * `fishaudio tts`: text to speech over HTTP, streamed to a file, stdout or the speakers.
 */
import { writeFile } from "node:fs/promises";
import { type TimestampSegment, toSrt, toVtt, wordsToCues } from "../../index.js";
import { connectionOptions, flag, str } from "../args.js";
import { AudioMeter } from "../audio-meter.js";
import { CliError } from "../errors.js";
import { readStdinText, readTextFile } from "../input.js";
import { chatty, note, Progress, printJson } from "../output.js";
import { parseScript } from "../script.js";
import { connect, starting, verbosity } from "../session.js";
import { type AudioSink, fileSink, speakerSink, stdoutSink, teeSink } from "../sink.js";
import type { Command } from "./command.js";
import { requestFields, speechOptions, speechParams, unknownVoice } from "./speech-options.js";

export const tts: Command = {
  spec: {
    name: "tts",
    usage: "[TEXT]",
    summary:
      "Turn text into speech. The text comes from TEXT, --file, or stdin (when TEXT is\n" +
      'absent or "-"). Audio goes to -o FILE, the speakers (--play), or stdout when it is\n' +
      "not a terminal.",
    maxPositionals: 1,
    options: {
      file: { type: "string", short: "f", value: "FILE", description: "read the text from FILE" },
      script: {
        type: "string",
        value: "FILE",
        description: 'speak a dialogue: one "NAME: line" per line, --voice NAME=ID per speaker',
      },
      ...speechOptions,
      srt: {
        type: "string",
        value: "FILE",
        description: "also write SubRip subtitles of the words",
      },
      vtt: {
        type: "string",
        value: "FILE",
        description: "also write WebVTT subtitles of the words",
      },
      timestamps: {
        type: "boolean",
        description: "with --json: include every word with its start and end in seconds",
      },
      json: { type: "boolean", description: "print a JSON summary of the result on stdout" },
      ...connectionOptions,
    },
    examples: [
      'fishaudio tts "Hello from Fish Audio" -o hello.mp3',
      "fishaudio tts --file story.txt --voice 802e3bc2b27e49c2995d23ef70e6ac89 -o story.wav",
      'echo "Hi there" | fishaudio tts --play',
      'fishaudio tts --local "Offline speech" --format wav > offline.wav',
      'fishaudio tts "Subtitled speech." -o speech.mp3 --srt speech.srt --vtt speech.vtt',
      "fishaudio tts --script scene.txt --voice ALICE=<id> --voice BOB=<id> -o scene.mp3",
    ],
  },

  async run({ values, positionals }, ctx) {
    const v = verbosity(values);
    const params = speechParams(values);
    const script = str(values, "script");
    let text: string;
    if (script !== undefined) {
      if (positionals[0] !== undefined || str(values, "file") !== undefined) {
        throw new CliError("give the text either as --script FILE, or as TEXT / --file, not both");
      }
      if (!params.speakerVoices) {
        throw new CliError("--script needs a voice per speaker: --voice NAME=ID for each");
      }
      const dialogue = parseScript(
        script === "-" ? await readStdinText() : await readTextFile(script),
        params.speakerVoices,
      );
      text = dialogue.text;
      params.referenceId = dialogue.referenceId;
    } else {
      if (params.speakerVoices) {
        throw new CliError("--voice NAME=ID names dialogue speakers: use it with --script FILE");
      }
      text = await resolveText(positionals[0], str(values, "file"));
    }
    const srt = str(values, "srt");
    const vtt = str(values, "vtt");
    const withWords = flag(values, "timestamps");
    if (withWords && !v.json) {
      throw new CliError("--timestamps adds the words to the --json summary: add --json");
    }
    const timed = withWords || srt !== undefined || vtt !== undefined;
    const output = str(values, "output");
    const play = flag(values, "play");
    const toStdout = output === "-" || (output === undefined && !play);
    if (toStdout && process.stdout.isTTY) {
      throw new CliError(
        "refusing to write audio to the terminal: use -o FILE, --play, or redirect stdout",
      );
    }
    if (toStdout && v.json) {
      throw new CliError("--json prints on stdout, so it needs -o FILE or --play for the audio");
    }

    const sink = await openSinks(output, toStdout, play, ctx.signal);
    let words: TimestampSegment[] = [];
    const progress = new Progress("Synthesising", chatty(v), process.stderr, starting(values));
    const meter = new AudioMeter(params.format, params.sampleRate);
    try {
      const { client } = await connect(values, ctx);
      progress.restart("waiting for audio");
      ctx.errors.notFound = unknownVoice(params.referenceId);
      const request = { text, ...requestFields(params) };
      const take = async (chunk: Uint8Array) => {
        if (chunk.byteLength === 0) return;
        meter.push(chunk);
        progress.received(chunk.byteLength, meter.seconds);
        await sink.write(chunk);
      };
      if (timed) {
        const stream = await client.tts.convertWithTimestamps(request, { signal: ctx.signal });
        for await (const event of stream) await take(event.audio);
        words = stream.words;
      } else {
        for await (const chunk of await client.tts.convert(request, { signal: ctx.signal })) {
          await take(chunk);
        }
      }
      if (progress.bytes === 0) throw new CliError("the server returned no audio", 1);
      await sink.close();
      const cues = wordsToCues(words);
      if (srt !== undefined) await writeFile(srt, toSrt(cues));
      if (vtt !== undefined) await writeFile(vtt, toVtt(cues));
    } catch (error) {
      progress.stop();
      await sink.abort();
      throw error;
    }
    progress.stop();
    const toFile = output !== undefined && output !== "-";
    const done = toFile
      ? `Wrote ${output}${play ? " and played it" : ""}`
      : play
        ? "Played"
        : "Wrote stdout";
    note(v, `${done}: ${progress.summary()}`);
    if (v.json) {
      printJson({
        output: output ?? null,
        format: params.format,
        bytes: progress.bytes,
        seconds: round(meter.seconds),
        firstAudioSeconds: round(progress.firstAudio),
        ...(withWords
          ? {
              words: words.map((w) => ({
                text: w.text,
                start: round(w.start),
                end: round(w.end),
              })),
            }
          : {}),
        ...(srt !== undefined ? { srt } : {}),
        ...(vtt !== undefined ? { vtt } : {}),
      });
    }
  },
};

/** Every destination asked for; if one cannot be opened, the ones already open are undone. */
async function openSinks(
  output: string | undefined,
  toStdout: boolean,
  play: boolean,
  signal: AbortSignal,
): Promise<AudioSink> {
  const sinks: AudioSink[] = [];
  try {
    if (play) sinks.push(await speakerSink(signal));
    if (output !== undefined && output !== "-") sinks.push(await fileSink(output));
    if (toStdout) sinks.push(stdoutSink());
  } catch (error) {
    await teeSink(sinks).abort();
    throw error;
  }
  return teeSink(sinks);
}

function round(seconds: number | undefined): number | null {
  return seconds === undefined ? null : Math.round(seconds * 1000) / 1000;
}

/** The text to speak, from exactly one of: the argument, --file, stdin. */
async function resolveText(
  argument: string | undefined,
  file: string | undefined,
): Promise<string> {
  if (argument !== undefined && file !== undefined) {
    throw new CliError("give the text either as an argument or with --file, not both");
  }
  let text: string;
  if (file !== undefined) text = file === "-" ? await readStdinText() : await readTextFile(file);
  else if (argument !== undefined && argument !== "-") text = argument;
  else if (process.stdin.isTTY) {
    throw new CliError(
      'no text: pass it as an argument (fishaudio tts "Hello"), with --file, or on stdin',
    );
  } else text = await readStdinText();
  if (!text.trim()) throw new CliError("the text is empty: nothing to say");
  return text;
}
