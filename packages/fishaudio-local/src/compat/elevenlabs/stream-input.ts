import type { IncomingMessage } from "node:http";
import type { RawData, WebSocket } from "ws";
import type { ServerContext } from "../../context.js";
import type { AsyncAudioEncoder } from "../../engines/types.js";
import { HttpError } from "../../http/errors.js";
import { onShutdown } from "../../http/shutdown-notice.js";
import type { Principal } from "../../store/accounts.js";
import { chargeTts } from "../../tts/charge.js";
import { createEncoderFor } from "../../tts/encode.js";
import type { TtsParams } from "../../tts/request.js";
import { TextBuffer } from "../../tts/text.js";
import type { SpeakerPlan } from "../../tts/voice-plan.js";
import { admit } from "../admit.js";
import { type CharAlignment, speakAligned } from "../alignment.js";
import { refused } from "../errors.js";
import { type CompatSpeech, prepareSpeech } from "../speech.js";
import { elevenLabsSpeech } from "./tts.js";

type Obj = Record<string, unknown>;

/** Text buffered and not yet spoken may not pass this (the socket closes with 1009). */
const MAX_BUFFERED_TEXT = 1024 * 1024;
/** Pause producing once this much is queued on the socket (bytes). */
const HIGH_WATER = 1024 * 1024;
/** Seconds without a message before the session ends (ElevenLabs' default and maximum). */
const INACTIVITY = { default: 20, max: 180 };

/** What the handshake settled: the voice, the format and whether frames carry alignment. */
export interface StreamInputSetup {
  voiceId: string;
  url: URL;
  /** Known at the handshake (header or query key); otherwise the init message must carry one. */
  principal: Principal | undefined;
  /** A failure found at the handshake that the protocol reports in band (22.05 kHz rates). */
  deferred: HttpError | undefined;
}

/**
 * Runs one ElevenLabs `stream-input` session: an init message (`text: " "`, optional
 * `voice_settings`), text chunks spoken sentence by sentence (`flush` or
 * `try_trigger_generation` speaks what is buffered), an empty `text` to finish; answers
 * `{audio}` frames (with `alignment` and `normalizedAlignment` in milliseconds on the session's
 * clock when `sync_alignment=true`), then `{"isFinal": true}` and a normal close. Errors arrive
 * in band as `{error, code}`.
 * @example runStreamInput(ctx, ws, req, setup);
 */
export function runStreamInput(
  ctx: ServerContext,
  ws: WebSocket,
  req: IncomingMessage,
  setup: StreamInputSetup,
): void {
  const q = setup.url.searchParams;
  const syncAlignment = q.get("sync_alignment") === "true";
  const inactivity = Math.min(
    INACTIVITY.max,
    Number(q.get("inactivity_timeout")) || INACTIVITY.default,
  );
  const abort = new AbortController();
  let principal = setup.principal;
  let session:
    | { params: TtsParams; speakers: SpeakerPlan[]; model: string; encoder: AsyncAudioEncoder }
    | undefined;
  const buffer = new TextBuffer(300);
  let buffered = 0;
  let clock = 0;
  let ended = false;
  let chain: Promise<void> = Promise.resolve();

  const send = (frame: Obj): Promise<void> | void => {
    if (ws.readyState !== ws.OPEN) throw new Ended();
    const text = JSON.stringify(frame);
    if (ws.bufferedAmount < HIGH_WATER) {
      ws.send(text);
      return;
    }
    return new Promise((resolve) => ws.send(text, () => resolve()));
  };

  const close = (code = 1000) => {
    if (ended) return;
    ended = true;
    abort.abort();
    clearTimeout(timer);
    if (session) session.encoder.discard();
    if (ws.readyState === ws.OPEN) ws.close(code);
  };

  const fail = (error: unknown) => {
    if (error instanceof Ended || ended) return;
    const failure = classify(ctx, error);
    if (ws.readyState === ws.OPEN)
      ws.send(JSON.stringify({ error: failure.message, code: failure.status }));
    close(failure.status === 1009 ? 1009 : 1000);
  };

  const speakPieces = async (pieces: string[]) => {
    const s = session!;
    for (const piece of pieces) {
      buffered -= piece.length;
      chargeTts(ctx, principal!, "tts-live", s.model, s.speakers, piece);
      for await (const aligned of speakAligned(
        ctx.engines,
        s.speakers,
        piece,
        abort.signal,
        clock,
      )) {
        const parts: Uint8Array[] = [];
        for (const p of aligned.pcm) parts.push(await s.encoder.write(p));
        const audio = Buffer.concat(parts);
        const frame: Obj = {};
        if (audio.length > 0) frame.audio = audio.toString("base64");
        if (syncAlignment && aligned.alignment.characters.length > 0) {
          frame.alignment = socketAlignment(aligned.alignment);
          frame.normalizedAlignment = frame.alignment;
        }
        if (Object.keys(frame).length > 0) await send(frame);
        clock += aligned.duration;
      }
      if (abort.signal.aborted) throw new Ended();
    }
  };

  const init = async (message: Obj) => {
    if (message.text !== " ") {
      throw refused('The first message must initialise the stream with text " " (a single space)');
    }
    if (!principal) {
      const key = message["xi-api-key"] ?? message.xi_api_key ?? bearer(message.authorization);
      principal = admit(
        ctx,
        ws,
        typeof key === "string" ? key : undefined,
        "xi-api-key: <api key>",
      );
    }
    if (setup.deferred) throw setup.deferred;
    const spec: CompatSpeech = elevenLabsSpeech(
      {
        text: "-",
        model_id: q.get("model_id") ?? undefined,
        voice_settings: message.voice_settings,
      },
      setup.voiceId,
      q.get("output_format") ?? undefined,
    );
    spec.refuseReferences =
      "Reference audio is not available on stream-input: use a voice id, or the REST endpoint without timestamps";
    const job = await prepareSpeech(ctx, principal, req, spec);
    if (job.speakers.some((s) => s.benchmark)) {
      throw new HttpError(422, "The benchmark voice has no stream-input: use it on /v1/tts");
    }
    session = { ...job, encoder: await createEncoderFor(ctx, job.params) };
  };

  const handle = async (message: Obj) => {
    if (ended) return;
    if (!session) return init(message);
    const text = message.text;
    if (typeof text !== "string") throw refused("Each message needs a string 'text'");
    if (text === "") {
      await speakPieces(buffer.flush());
      const tail = Buffer.from(await session.encoder.end());
      if (tail.length > 0) await send({ audio: tail.toString("base64") });
      await send({ isFinal: true });
      close();
      return;
    }
    buffered += text.length;
    if (buffered > MAX_BUFFERED_TEXT) {
      throw new HttpError(
        1009,
        "Buffered text passed 1 MiB: send a flush (or an empty text) to speak it",
      );
    }
    await speakPieces(buffer.push(text));
    if (message.flush === true || message.try_trigger_generation === true)
      await speakPieces(buffer.flush());
  };

  let timer = setTimeout(() => undefined, 0);
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      chain = chain.then(() =>
        fail(
          new HttpError(
            408,
            `No message for ${inactivity} s: the stream was closed (inactivity_timeout)`,
          ),
        ),
      );
    }, inactivity * 1000);
    timer.unref();
  };
  arm();

  onShutdown(ws, () =>
    ws.send(
      JSON.stringify({
        error: "The server is shutting down: reconnect to a running server",
        code: 1001,
      }),
    ),
  );
  ws.on("message", (data: RawData) => {
    // Inactivity is the client's: the clock stops while a message is being handled.
    clearTimeout(timer);
    let message: Obj;
    try {
      message = parse(data);
    } catch (error) {
      chain = chain.then(() => fail(error));
      return;
    }
    chain = chain
      .then(() => handle(message))
      .catch(fail)
      .then(() => {
        if (!ended) arm();
      });
  });
  ws.on("close", () => {
    ended = true;
    clearTimeout(timer);
    abort.abort();
  });
  ws.on("error", () => {
    ended = true;
    abort.abort();
  });
}

class Ended extends Error {}

/** The socket alignment shape: camelCase keys, milliseconds on the session's clock. */
function socketAlignment(a: CharAlignment): Obj {
  return {
    chars: a.characters,
    charStartTimesMs: a.starts.map((s) => Math.round(s * 1000)),
    charDurationsMs: a.ends.map((e, i) =>
      Math.max(0, Math.round(e * 1000) - Math.round(a.starts[i]! * 1000)),
    ),
  };
}

function classify(ctx: ServerContext, error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  ctx.log(`elevenlabs stream-input: internal error: ${(error as Error)?.stack ?? String(error)}`);
  return new HttpError(500, "Internal server error");
}

function bearer(value: unknown): string | undefined {
  return typeof value === "string" ? /^Bearer\s+(\S+)$/i.exec(value.trim())?.[1] : undefined;
}

function parse(data: RawData): Obj {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw refused("Each message must be a JSON object");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw refused("Each message must be a JSON object");
  }
  return value as Obj;
}
