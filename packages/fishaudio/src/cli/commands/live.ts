/**
 * `fishaudio live`: realtime speech over the WebSocket. Every line typed (or piped) on stdin is
 * sent as text followed by a flush, so it is spoken as soon as Enter is pressed.
 */
import { createInterface } from "node:readline";
import type { FlushEvent, TextEvent } from "../../index.js";
import { connectionOptions, str } from "../args.js";
import { AudioMeter } from "../audio-meter.js";
import { CliError } from "../errors.js";
import { chatty, note, Progress } from "../output.js";
import { connect, starting, verbosity } from "../session.js";
import { type AudioSink, fileSink, speakerSink, stdoutSink } from "../sink.js";
import type { Command } from "./command.js";
import { requestFields, speechOptions, speechParams, unknownVoice } from "./speech-options.js";

// --play is implied: without -o, live always plays.
const liveSpeechOptions = Object.fromEntries(
  Object.entries(speechOptions).filter(([name]) => name !== "play"),
);

export const live: Command = {
  spec: {
    name: "live",
    usage: "",
    summary:
      "Speak text as you type it, over the realtime WebSocket. Each line of stdin is\n" +
      "spoken when you press Enter; Ctrl-D ends the session, Ctrl-C stops at once (a file\n" +
      'keeps what was spoken). Audio goes to -o FILE ("-" for stdout) or the speakers.',
    options: { ...liveSpeechOptions, ...connectionOptions },
    examples: [
      "fishaudio live",
      "fishaudio live --voice 802e3bc2b27e49c2995d23ef70e6ac89 -o session.mp3",
      "cat lines.txt | fishaudio live --local -o lines.mp3",
    ],
  },

  async run({ values }, ctx) {
    const v = verbosity(values);
    const params = speechParams(values);
    if (params.speakerVoices) {
      throw new CliError(
        "--voice NAME=ID is for dialogue scripts: use `fishaudio tts --script FILE`",
      );
    }
    const output = str(values, "output");
    if (output === "-" && process.stdout.isTTY) {
      throw new CliError("refusing to write audio to the terminal: use -o FILE or redirect stdout");
    }
    const interactive = Boolean(process.stdin.isTTY);
    const sink: AudioSink =
      output === undefined
        ? await speakerSink(ctx.signal)
        : output === "-"
          ? stdoutSink()
          : await fileSink(output);
    // Redrawing a status line would garble what the user is typing, so only when piped.
    const progress = new Progress(
      "Streaming",
      chatty(v) && !interactive,
      process.stderr,
      starting(values),
    );
    const meter = new AudioMeter(params.format, params.sampleRate);
    try {
      const { client } = await connect(values, ctx);
      progress.restart("waiting for audio");
      ctx.errors.notFound = unknownVoice(params.referenceId);
      if (interactive) note(v, "Type a line and press Enter to hear it; Ctrl-D to finish.");
      const audio = client.tts.streamWebsocket(stdinLines(ctx.signal), {
        ...requestFields(params),
        signal: ctx.signal,
      });
      for await (const chunk of audio) {
        meter.push(chunk);
        progress.received(chunk.byteLength, meter.seconds);
        await sink.write(chunk);
      }
      await sink.close();
    } catch (error) {
      progress.stop();
      // Ctrl-C is how many people end a live session: keep what was already spoken.
      if (ctx.signal.aborted && progress.bytes > 0) await sink.close();
      else await sink.abort();
      throw error;
    }
    progress.stop();
    if (progress.bytes > 0) {
      const done =
        output === undefined ? "Played" : output === "-" ? "Wrote stdout" : `Wrote ${output}`;
      note(v, `${done}: ${progress.summary()}`);
    }
  },
};

/** Non-empty stdin lines as text + flush events; stops on Ctrl-D or abort. */
async function* stdinLines(signal: AbortSignal): AsyncGenerator<TextEvent | FlushEvent> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  const stop = () => lines.close();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const line of lines) {
      const text = line.trim();
      if (!text) continue;
      yield { event: "text", text: `${text} ` };
      yield { event: "flush" };
    }
  } finally {
    signal.removeEventListener("abort", stop);
    lines.close();
  }
}
