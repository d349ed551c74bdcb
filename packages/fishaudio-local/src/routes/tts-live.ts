import type { IncomingMessage } from "node:http";
import type { RawData, WebSocket } from "ws";
import type { ServerContext } from "../context.js";
import type { AsyncAudioEncoder } from "../engines/types.js";
import { EngineUnavailableError, UnsupportedAudioError } from "../engines/types.js";
import { decodePayload } from "../http/decode.js";
import { describeValue } from "../http/describe.js";
import { HttpError } from "../http/errors.js";
import type { Principal } from "../store/accounts.js";
import {
  BENCHMARK_SAMPLE_RATE,
  benchmarkByteCount,
  tonePcm,
  usesBenchmark,
  wavHeader,
} from "../tts/benchmark.js";
import { chargeTts } from "../tts/charge.js";
import { createEncoderFor } from "../tts/encode.js";
import { audioFrame, finishFrame, MAX_AUDIO_PAYLOAD } from "../tts/frames.js";
import { requestedModel } from "../tts/model-header.js";
import { planTts } from "../tts/pipeline.js";
import { speak } from "../tts/render.js";
import type { TtsParams } from "../tts/request.js";
import { splitSpeakers, TextBuffer } from "../tts/text.js";
import type { SpeakerPlan } from "../tts/voice-plan.js";

/** Pause producing once this much is queued on the socket (bytes). */
const HIGH_WATER = 1024 * 1024;
/**
 * Text (characters) a session may hold unsynthesised: received in frames not yet handled, held
 * for a sentence end, or cut into pieces not yet spoken. Past PAUSE the socket is not read (the
 * client's sends back up: TCP backpressure); a frame that brings it past MAX ends the session.
 */
export const QUEUED_TEXT_PAUSE = 64 * 1024;
export const QUEUED_TEXT_MAX = 1024 * 1024;
/** A connection that sends no `start` within this long is ended (finish/error). */
export const START_TIMEOUT_MS = 30_000;

type Event = Record<string, unknown> & { event?: unknown };

interface Session {
  params: TtsParams;
  speakers: SpeakerPlan[];
  benchmark: boolean;
  encoder: AsyncAudioEncoder | undefined;
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
  // Characters in frames not yet handled, and in pieces cut but not yet spoken.
  let inFrames = 0;
  let inPieces = 0;
  const queuedText = () => inFrames + inPieces + (session?.buffer.pending ?? 0);
  const maybeResume = () => {
    if (ws.isPaused && queuedText() < QUEUED_TEXT_PAUSE / 2) ws.resume();
  };
  /** Speaks the pieces a push or flush handed out, counting them down as they are spoken. */
  const speakPieces = async (s: Session, pieces: string[]) => {
    for (const piece of pieces) inPieces += piece.length;
    for (const piece of pieces) {
      await synthesize(s, piece);
      inPieces -= piece.length;
      maybeResume();
    }
  };

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
    session?.encoder?.discard();
    // A paused socket would not read the client's close frame.
    if (ws.isPaused) ws.resume();
    if (ws.readyState === ws.OPEN) {
      ws.send(finishFrame(reason, message), { binary: true }, () => ws.close(1000));
    }
  };

  const synthesize = async (s: Session, text: string) => {
    // Refuses bad speaker tags before the charge rather than after it.
    if (s.speakers.length > 1) splitSpeakers(text);
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
      await sendAudio(await s.encoder!.write(pcm));
    }
    if (abort.signal.aborted) throw new SessionEnded();
  };

  const start = async (event: Event) => {
    if (session) throw new HttpError(400, "'start' may be sent only once per connection");
    const { params, speakers } = await planTts(
      ctx,
      principal,
      { request: event.request ?? {}, model },
      { requireText: false },
    );
    const benchmark = usesBenchmark(speakers);
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
      encoder: benchmark ? undefined : await createEncoderFor(ctx, params),
      buffer: new TextBuffer(params.chunkLength),
      speaker: 0,
      wroteHeader: false,
    };
    await speakPieces(session, session.buffer.push(params.text));
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
        await speakPieces(session, session.buffer.push(event.text));
        return;
      }
      case "flush":
        await speakPieces(session, session.buffer.flush());
        return;
      case "stop": {
        await speakPieces(session, session.buffer.flush());
        if (session.encoder) await sendAudio(await session.encoder.end());
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
    const size = textSize(event);
    inFrames += size;
    if (queuedText() > QUEUED_TEXT_MAX) {
      // Not chained: the chain may be stalled behind a client that reads no audio.
      fail(
        new HttpError(
          413,
          `More than ${QUEUED_TEXT_MAX} characters of text are waiting to be spoken; send text in smaller pieces as audio arrives`,
        ),
      );
      return;
    }
    if (queuedText() > QUEUED_TEXT_PAUSE) ws.pause();
    chain = chain
      .then(() => {
        inFrames -= size;
        return handle(event);
      })
      .catch(fail)
      .finally(maybeResume);
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

/** The characters of text an event brings (a `text` event's text, a `start` request's text). */
function textSize(event: Event): number {
  if (event.event === "text") return typeof event.text === "string" ? event.text.length : 0;
  if (event.event === "start" && event.request && typeof event.request === "object") {
    const text = (event.request as Record<string, unknown>).text;
    return typeof text === "string" ? text.length : 0;
  }
  return 0;
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
