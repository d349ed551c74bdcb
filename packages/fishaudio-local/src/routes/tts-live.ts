import type { IncomingMessage } from "node:http";
import type { RawData, WebSocket } from "ws";
import type { ServerContext } from "../context.js";
import type { AudioEncoder } from "../engines/types.js";
import { EngineUnavailableError, UnsupportedAudioError } from "../engines/types.js";
import { decodePayload } from "../http/decode.js";
import { describeValue } from "../http/describe.js";
import { HttpError } from "../http/errors.js";
import type { Principal } from "../store/accounts.js";
import { BENCHMARK_SAMPLE_RATE, benchmarkByteCount, tonePcm, wavHeader } from "../tts/benchmark.js";
import { audioFrame, finishFrame, MAX_AUDIO_PAYLOAD } from "../tts/frames.js";
import { requestedModel } from "../tts/model-header.js";
import { speak } from "../tts/render.js";
import { parseTtsRequest, type TtsParams } from "../tts/request.js";
import { TextBuffer } from "../tts/text.js";
import { planSpeakers, type SpeakerPlan } from "../tts/voice-plan.js";
import { chargeTts } from "./tts.js";

/** Pause producing once this much is queued on the socket (bytes). */
const HIGH_WATER = 1024 * 1024;
/** A connection that sends no `start` within this long is ended (finish/error). */
export const START_TIMEOUT_MS = 30_000;

type Event = Record<string, unknown> & { event?: unknown };

interface Session {
  params: TtsParams;
  speakers: SpeakerPlan[];
  benchmark: boolean;
  encoder: AudioEncoder | undefined;
  buffer: TextBuffer;
  wroteHeader: boolean;
  /** The dialogue speaker the text is at: a turn goes on across the pieces it is cut into. */
  speaker: number;
}

class SessionEnded extends Error {}

/**
 * Runs one realtime TTS session on an upgraded socket: `start`, then `text`/`flush`, then
 * `stop`; answers with `audio` frames as sentences complete and exactly one `finish`.
 * @example runLiveSession(ctx, ws, req, principal);
 */
export function runLiveSession(
  ctx: ServerContext,
  ws: WebSocket,
  req: IncomingMessage,
  principal: Principal,
): void {
  const model = requestedModel(req, ctx.defaultModel);
  const abort = new AbortController();
  let session: Session | undefined;
  let finished = false;
  let chain: Promise<void> = Promise.resolve();

  const send = (frame: Uint8Array): Promise<void> | void => {
    if (ws.readyState !== ws.OPEN) throw new SessionEnded();
    if (ws.bufferedAmount < HIGH_WATER) {
      ws.send(frame, { binary: true });
      return;
    }
    return new Promise((resolve) => ws.send(frame, { binary: true }, () => resolve()));
  };

  const sendAudio = async (bytes: Uint8Array) => {
    for (let offset = 0; offset < bytes.length; offset += MAX_AUDIO_PAYLOAD) {
      if (abort.signal.aborted) throw new SessionEnded();
      await send(audioFrame(bytes.subarray(offset, offset + MAX_AUDIO_PAYLOAD)));
    }
  };

  const finish = (reason: "stop" | "error", message?: string) => {
    if (finished) return;
    finished = true;
    abort.abort();
    if (ws.readyState === ws.OPEN) {
      ws.send(finishFrame(reason, message), { binary: true }, () => ws.close(1000));
    }
  };

  const synthesize = async (s: Session, text: string) => {
    chargeTts(ctx, principal, "tts-live", model, s.speakers, text);
    if (s.benchmark) {
      const total = benchmarkByteCount(text, s.params.format);
      if (s.params.format === "wav" && !s.wroteHeader) {
        s.wroteHeader = true;
        await sendAudio(wavHeader(BENCHMARK_SAMPLE_RATE));
      }
      for (const block of tonePcm(total, MAX_AUDIO_PAYLOAD)) {
        if (abort.signal.aborted) throw new SessionEnded();
        await send(audioFrame(block));
      }
      return;
    }
    let piece = text;
    if (s.speakers.length > 1) {
      piece = `<|speaker:${s.speaker}|>${text}`;
      const tags = [...text.matchAll(/<\|speaker:(\d+)\|>/g)];
      if (tags.length > 0) s.speaker = Number(tags.at(-1)![1]);
    }
    for await (const pcm of speak(ctx.engines, s.speakers, piece, abort.signal)) {
      await sendAudio(s.encoder!.write(pcm));
    }
    if (abort.signal.aborted) throw new SessionEnded();
  };

  const start = async (event: Event) => {
    if (session) throw new HttpError(400, "'start' may be sent only once per connection");
    const params = parseTtsRequest(event.request ?? {}, { requireText: false });
    const speakers = await planSpeakers(ctx, principal, params);
    const benchmark = speakers.every((s) => s.benchmark);
    if (!benchmark && speakers.some((s) => s.benchmark)) {
      throw new HttpError(422, "The benchmark voice cannot be mixed with other voices");
    }
    if (benchmark && params.format !== "wav" && params.format !== "pcm") {
      throw new HttpError(
        422,
        `The benchmark voice produces wav or pcm only, not ${params.format}`,
      );
    }
    session = {
      params,
      speakers,
      benchmark,
      encoder: benchmark
        ? undefined
        : await ctx.engines.createEncoder({
            format: params.format,
            sampleRate: params.sampleRate,
            mp3Bitrate: params.mp3Bitrate,
            opusBitrate: params.opusBitrate,
            volumeDb: params.volumeDb,
            normalize: params.normalizeLoudness,
          }),
      buffer: new TextBuffer(params.chunkLength),
      speaker: 0,
      wroteHeader: false,
    };
    for (const piece of session.buffer.push(params.text)) await synthesize(session, piece);
  };

  const handle = async (event: Event) => {
    if (finished) return;
    if (event.event === "start") return start(event);
    if (!session) {
      throw new HttpError(
        400,
        `The first message must be a 'start' event, got ${describeValue(event.event)}`,
      );
    }
    switch (event.event) {
      case "text": {
        if (typeof event.text !== "string")
          throw new HttpError(422, "'text' events need a string 'text'");
        for (const piece of session.buffer.push(event.text)) await synthesize(session, piece);
        return;
      }
      case "flush":
        for (const piece of session.buffer.flush()) await synthesize(session, piece);
        return;
      case "stop": {
        for (const piece of session.buffer.flush()) await synthesize(session, piece);
        if (session.encoder) await sendAudio(session.encoder.end());
        finish("stop");
        return;
      }
      default:
        // Unknown events are ignored, as the protocol asks of both sides.
        return;
    }
  };

  const fail = (error: unknown) => {
    if (error instanceof SessionEnded || finished) return;
    if (error instanceof HttpError || error instanceof UnsupportedAudioError) {
      finish("error", error.message);
    } else if (error instanceof EngineUnavailableError) {
      finish("error", `Speech engine unavailable: ${error.message}`);
    } else {
      ctx.log(`tts/live: internal error: ${(error as Error)?.stack ?? String(error)}`);
      finish("error", "Internal server error");
    }
  };

  const startTimer = setTimeout(() => {
    if (!session) fail(new HttpError(408, `No 'start' event within ${START_TIMEOUT_MS / 1000} s`));
  }, START_TIMEOUT_MS);
  startTimer.unref();

  ws.on("message", (data: RawData, isBinary: boolean) => {
    clearTimeout(startTimer);
    let event: Event;
    try {
      event = parseFrame(data, isBinary);
    } catch (error) {
      chain = chain.then(() => fail(error));
      return;
    }
    chain = chain.then(() => handle(event)).catch(fail);
  });
  ws.on("close", () => {
    clearTimeout(startTimer);
    finished = true;
    abort.abort();
  });
  ws.on("error", () => {
    finished = true;
    abort.abort();
  });
}

function parseFrame(data: RawData, isBinary: boolean): Event {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  let value: unknown;
  try {
    value = decodePayload(bytes, isBinary ? "msgpack" : "json");
  } catch (error) {
    throw new HttpError(
      400,
      `Could not decode a message (frames are msgpack maps): ${(error as Error).message}`,
    );
  }
  if (
    value === null ||
    typeof value !== "object" ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  ) {
    throw new HttpError(400, "Each message must be a msgpack map with an 'event' key");
  }
  return value as Event;
}
