/**
 * The OpenAI Realtime socket's speech subset, in the GA event names: text items in,
 * `response.create` speaks them as `response.output_audio.delta` events; audio appended to the
 * input buffer is transcribed on `input_audio_buffer.commit`. Turn detection is the client's.
 * Synthesis and transcription are the native ones, charged and recorded as native requests are.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RawData, WebSocket } from "ws";
import type { ServerContext } from "../../context.js";
import type { AsyncAudioEncoder } from "../../engines/types.js";
import { EngineUnavailableError, UnsupportedAudioError } from "../../engines/types.js";
import { HttpError } from "../../http/errors.js";
import { onShutdown } from "../../http/shutdown-notice.js";
import { transcribeCharged } from "../../routes/asr.js";
import type { Principal } from "../../store/accounts.js";
import { chargeTts, refundTts } from "../../tts/charge.js";
import { createEncoderFor } from "../../tts/encode.js";
import type { TtsJob } from "../../tts/pipeline.js";
import { speak } from "../../tts/render.js";
import { TextBuffer } from "../../tts/text.js";
import { CompatError } from "../errors.js";
import { resolveModel } from "../models.js";
import { refuseNativeOptions } from "../native-options.js";
import { prepareSpeech } from "../speech.js";
import {
  nativeFormat,
  type RealtimeConfig,
  RealtimeRefusal,
  sessionObject,
  updateConfig,
} from "./realtime-config.js";

type Obj = Record<string, unknown>;

/** The limits of the capabilities table. */
export const REALTIME_LIMITS = {
  /** Text in one conversation item. */
  itemText: 1024 * 1024,
  /** Text items waiting for a response. */
  pendingItems: 1024,
  /** Input audio awaiting commit (bytes). */
  bufferedAudio: 100 * 1024 * 1024,
  /** One connection, in seconds. */
  connectionSeconds: 3600,
};
/** Pause producing once this much is queued on the socket (bytes). */
const HIGH_WATER = 1024 * 1024;
/** Base64 characters per audio delta at most. */
const DELTA_CHARS = 32 * 1024;

/** What the handshake settled. */
export interface RealtimeSetup {
  principal: Principal;
  config: RealtimeConfig;
}

interface PendingItem {
  id: string;
  text: string;
}

const id = (prefix: string) => `${prefix}_${randomBytes(10).toString("hex")}`;

/**
 * Runs one Realtime session on an upgraded socket.
 * @example h.accept((ws) => runRealtime(ctx, ws, req, { principal, config }));
 */
export function runRealtime(
  ctx: ServerContext,
  ws: WebSocket,
  req: IncomingMessage,
  setup: RealtimeSetup,
): void {
  const { principal } = setup;
  const sessionId = id("sess");
  let config = setup.config;
  const pending: PendingItem[] = [];
  let audio: Buffer[] = [];
  let audioBytes = 0;
  let lastItem: string | null = null;
  let active: { id: string; abort: AbortController } | undefined;
  let ended = false;
  let chain: Promise<void> = Promise.resolve();

  const send = (event: Obj): Promise<void> | void => {
    if (ws.readyState !== ws.OPEN) throw new Ended();
    const text = JSON.stringify({ event_id: id("event"), ...event });
    if (ws.bufferedAmount < HIGH_WATER) {
      ws.send(text);
      return;
    }
    return new Promise((resolve) => ws.send(text, () => resolve()));
  };

  /** A client mistake or a failure, as an `error` event; the session stays open. */
  const report = (error: unknown, clientEvent: string | undefined) => {
    if (error instanceof Ended || ended || ws.readyState !== ws.OPEN) return;
    void send({
      type: "error",
      error: { ...errorBody(ctx, error), event_id: clientEvent ?? null },
    });
  };

  const sessionEvent = (verb: "created" | "updated") => {
    const prefix = config.kind === "transcription" ? "transcription_session" : "session";
    return send({ type: `${prefix}.${verb}`, session: sessionObject(sessionId, config) });
  };

  /** Applies an update once everything in it checks out (the voice against real voices too). */
  const update = async (session: unknown, kind: RealtimeConfig["kind"] | undefined) => {
    const where = "session";
    const body =
      session !== null && typeof session === "object" && !Array.isArray(session)
        ? (session as Obj)
        : {};
    const next = updateConfig(config, body, where);
    if (kind) next.kind = kind;
    if (body.type === "transcription") next.kind = "transcription";
    if (next.kind === "transcription" && next.transcription === null) {
      next.transcription = { model: "fish-audio/transcribe-1" };
    }
    if (next.voice !== config.voice) await speechJob(next, "-").catch(voiceRefusal);
    config = next;
    await sessionEvent("updated");
  };

  const speechJob = (cfg: RealtimeConfig, text: string): Promise<TtsJob> =>
    prepareSpeech(ctx, principal, req, {
      text,
      textField: "text",
      output: { format: nativeFormat(cfg.output), sampleRate: cfg.output.rate },
      voice: cfg.voice,
      model: cfg.model.task === "tts" ? cfg.model : resolveModel(undefined, "tts"),
      speed: cfg.speed,
    });

  const createItem = async (event: Obj) => {
    const item = event.item;
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new RealtimeRefusal("invalid_value", "'item' must be an object", "item");
    }
    const text = itemText(item as Obj);
    if (pending.length >= REALTIME_LIMITS.pendingItems) {
      throw new RealtimeRefusal(
        "conversation_too_large",
        `At most ${REALTIME_LIMITS.pendingItems} items may wait for a response: send response.create (or delete items) first`,
      );
    }
    const itemId =
      typeof (item as Obj).id === "string" && (item as Obj).id !== ""
        ? ((item as Obj).id as string)
        : id("item");
    pending.push({ id: itemId, text });
    const added = {
      id: itemId,
      object: "realtime.item",
      type: "message",
      role: (item as Obj).role ?? "user",
      status: "completed",
      content: (item as Obj).content,
    };
    await send({ type: "conversation.item.added", previous_item_id: lastItem, item: added });
    await send({ type: "conversation.item.done", previous_item_id: lastItem, item: added });
    lastItem = itemId;
  };

  const deleteItem = async (event: Obj) => {
    const at = pending.findIndex((p) => p.id === event.item_id);
    if (at < 0) {
      throw new RealtimeRefusal(
        "item_not_found",
        `No item ${JSON.stringify(event.item_id)} is waiting for a response`,
        "item_id",
      );
    }
    pending.splice(at, 1);
    await send({ type: "conversation.item.deleted", item_id: event.item_id });
  };

  const append = (event: Obj) => {
    const data = typeof event.audio === "string" ? Buffer.from(event.audio, "base64") : undefined;
    if (data === undefined || (data.length === 0 && event.audio !== "")) {
      throw new RealtimeRefusal("invalid_value", "'audio' must be base64 PCM", "audio");
    }
    if (data.length % 2 !== 0) {
      throw new RealtimeRefusal(
        "invalid_value",
        "'audio' must be whole 16-bit samples (an even number of bytes)",
        "audio",
      );
    }
    // 100 MiB, or less when the server transcribes less (maxAudioSeconds): audio that could
    // never be transcribed is not held in memory.
    const seconds = ctx.maxAudioSeconds;
    const limit = Math.min(
      REALTIME_LIMITS.bufferedAudio,
      Math.ceil(seconds * config.input.rate) * 2,
    );
    if (audioBytes + data.length > limit) {
      throw new RealtimeRefusal(
        "input_audio_buffer_full",
        `Buffered input audio would pass ${limit === REALTIME_LIMITS.bufferedAudio ? "100 MiB" : `${seconds} s (this server's maxAudioSeconds)`}: commit (or clear) the buffer first; this audio was not buffered`,
      );
    }
    audio.push(data);
    audioBytes += data.length;
  };

  const commit = async () => {
    if (audioBytes === 0) {
      throw new RealtimeRefusal(
        "input_audio_buffer_commit_empty",
        "The input audio buffer is empty: append audio before committing",
      );
    }
    try {
      refuseNativeOptions(req);
    } catch (error) {
      throw new RealtimeRefusal(
        "unsupported_native_options",
        `${(error as Error).message}; open a second socket without them to transcribe`,
      );
    }
    const itemId = id("item");
    await send({
      type: "input_audio_buffer.committed",
      previous_item_id: lastItem,
      item_id: itemId,
    });
    const item = {
      id: itemId,
      object: "realtime.item",
      type: "message",
      role: "user",
      status: "completed",
      content: [{ type: "input_audio", transcript: null }],
    };
    await send({ type: "conversation.item.added", previous_item_id: lastItem, item });
    await send({ type: "conversation.item.done", previous_item_id: lastItem, item });
    lastItem = itemId;
    const pcm = Buffer.concat(audio);
    try {
      const { transcript, seconds } = await transcribeCharged(
        ctx,
        principal,
        wavOf(pcm, config.input.rate),
        "audio",
        { timestamps: false, language: config.transcription?.language },
      );
      audio = [];
      audioBytes = 0;
      await send({
        type: "conversation.item.input_audio_transcription.completed",
        item_id: itemId,
        content_index: 0,
        transcript: transcript.text,
        usage: { type: "duration", seconds: Math.ceil(seconds) },
      });
    } catch (error) {
      if (error instanceof Ended) throw error;
      // The buffered audio is kept: the client may retry.
      await send({
        type: "conversation.item.input_audio_transcription.failed",
        item_id: itemId,
        content_index: 0,
        error: errorBody(ctx, error),
      });
    }
  };

  const createResponse = async (event: Obj) => {
    if (active) {
      throw new RealtimeRefusal(
        "response_already_active",
        `Response ${active.id} is still in progress: wait for its response.done, or send response.cancel`,
      );
    }
    if (config.kind === "transcription") {
      throw new RealtimeRefusal(
        "invalid_session_type",
        "A transcription session produces no responses: send input_audio_buffer.commit to transcribe",
      );
    }
    const overrides = event.response;
    const body =
      overrides !== null && typeof overrides === "object" && !Array.isArray(overrides)
        ? (overrides as Obj)
        : {};
    const cfg = updateConfig(config, body, "response");
    const own = Array.isArray(body.input);
    const items: PendingItem[] = own
      ? (body.input as unknown[]).map((item, i) => {
          if (item === null || typeof item !== "object" || Array.isArray(item)) {
            throw new RealtimeRefusal(
              "invalid_value",
              "Each input item must be an object",
              `response.input[${i}]`,
            );
          }
          return { id: id("item"), text: itemText(item as Obj) };
        })
      : [...pending];
    const text = items
      .map((i) => i.text.trim())
      .filter((t) => t !== "")
      .join(" ");
    if (text === "") {
      throw new RealtimeRefusal(
        "empty_response",
        "Nothing to speak: add a message with input_text content (conversation.item.create) before response.create",
      );
    }
    let job: TtsJob;
    try {
      job = await speechJob(cfg, text);
    } catch (error) {
      voiceRefusal(error);
    }
    if (job.speakers.some((s) => s.benchmark)) {
      throw new HttpError(422, "The benchmark voice has no Realtime session: use it on /v1/tts");
    }
    // The items are spoken now: the next response speaks only what is added after this one.
    if (!own) pending.length = 0;
    const abort = new AbortController();
    const responseId = id("resp");
    active = { id: responseId, abort };
    // Runs beside the message loop, so that response.cancel and other events are heard meanwhile.
    void respond(responseId, cfg, job, abort).finally(() => {
      if (active?.id === responseId) active = undefined;
    });
  };

  const respond = async (
    responseId: string,
    cfg: RealtimeConfig,
    job: TtsJob,
    abort: AbortController,
  ) => {
    const itemId = id("item");
    const where = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
    const outputAudio = { output: { format: { ...cfg.output }, voice: cfg.voice } };
    const response = (status: string, output: Obj[], details?: Obj): Obj => ({
      object: "realtime.response",
      id: responseId,
      status,
      status_details: details ?? null,
      output,
      output_modalities: ["audio"],
      audio: outputAudio,
      conversation_id: "auto",
      usage: null,
      metadata: null,
      max_output_tokens: "inf",
    });
    const item = (status: string, transcript: string): Obj => ({
      id: itemId,
      object: "realtime.item",
      type: "message",
      role: "assistant",
      status,
      content: [{ type: "output_audio", transcript }],
    });
    let spoken = "";
    let delivered = false;
    try {
      await send({ type: "response.created", response: response("in_progress", []) });
      const charge = chargeTts(
        ctx,
        principal,
        "tts-live",
        job.model,
        job.speakers,
        job.params.text,
      );
      let encoder: AsyncAudioEncoder | undefined;
      try {
        encoder = await createEncoderFor(ctx, job.params);
        await send({
          type: "response.output_item.added",
          response_id: responseId,
          output_index: 0,
          item: { ...item("in_progress", ""), content: [] },
        });
        await send({
          type: "conversation.item.added",
          previous_item_id: lastItem,
          item: { ...item("in_progress", ""), content: [] },
        });
        lastItem = itemId;
        await send({
          type: "response.content_part.added",
          ...where,
          part: { type: "audio", transcript: "" },
        });
        const buffer = new TextBuffer(300);
        for (const sentence of [...buffer.push(job.params.text), ...buffer.flush()]) {
          if (abort.signal.aborted) break;
          spoken += sentence;
          await send({ type: "response.output_audio_transcript.delta", ...where, delta: sentence });
          for await (const pcm of speak(ctx.engines, job.speakers, sentence, abort.signal)) {
            await sendAudio(Buffer.from(await encoder.write(pcm)));
          }
        }
        if (!abort.signal.aborted) await sendAudio(Buffer.from(await encoder.end()));
      } catch (error) {
        if (!delivered) refundTts(ctx, principal, charge);
        throw error;
      } finally {
        encoder?.discard();
      }
      const cancelled = abort.signal.aborted;
      const status = cancelled ? "incomplete" : "completed";
      await send({ type: "response.output_audio.done", ...where });
      await send({ type: "response.output_audio_transcript.done", ...where, transcript: spoken });
      await send({
        type: "response.content_part.done",
        ...where,
        part: { type: "audio", transcript: spoken },
      });
      const done = item(status, spoken);
      await send({
        type: "response.output_item.done",
        response_id: responseId,
        output_index: 0,
        item: done,
      });
      await send({ type: "conversation.item.done", previous_item_id: null, item: done });
      await send({
        type: "response.done",
        response: cancelled
          ? response("cancelled", [done], { type: "cancelled", reason: "client_cancelled" })
          : response("completed", [done]),
      });
    } catch (error) {
      if (error instanceof Ended || ended) return;
      const body = errorBody(ctx, error);
      report(error, undefined);
      await Promise.resolve(
        send({
          type: "response.done",
          response: response("failed", [], { type: "failed", error: body }),
        }),
      ).catch(() => undefined);
    }

    async function sendAudio(bytes: Buffer) {
      if (bytes.length === 0) return;
      const b64 = bytes.toString("base64");
      for (let at = 0; at < b64.length; at += DELTA_CHARS) {
        delivered = true;
        await send({
          type: "response.output_audio.delta",
          ...where,
          delta: b64.slice(at, at + DELTA_CHARS),
        });
      }
    }
  };

  const cancel = async () => {
    if (!active) {
      throw new RealtimeRefusal(
        "response_cancel_not_active",
        "There is no response in progress to cancel",
      );
    }
    active.abort.abort();
  };

  const handle = async (event: Obj) => {
    switch (event.type) {
      case "session.update":
        return update(event.session, undefined);
      case "transcription_session.update":
        return update(event.session, "transcription");
      case "conversation.item.create":
        return createItem(event);
      case "conversation.item.delete":
        return deleteItem(event);
      case "conversation.item.truncate":
        // It cuts an earlier assistant message's audio; none is kept here, so nothing to do.
        return;
      case "input_audio_buffer.append":
        return append(event);
      case "input_audio_buffer.commit":
        return commit();
      case "input_audio_buffer.clear":
        audio = [];
        audioBytes = 0;
        return void (await send({ type: "input_audio_buffer.cleared" }));
      case "response.create":
        return createResponse(event);
      case "response.cancel":
        return cancel();
      default:
        throw new RealtimeRefusal(
          "unknown_event_type",
          `Unknown or unsupported event type ${JSON.stringify(event.type)}: this socket speaks session.update, transcription_session.update, conversation.item.create/delete/truncate, input_audio_buffer.append/commit/clear, response.create and response.cancel`,
          "type",
        );
    }
  };

  const lifetime = setTimeout(() => {
    report(
      new RealtimeRefusal(
        "session_expired",
        `The connection reached its ${REALTIME_LIMITS.connectionSeconds} s limit: reconnect`,
      ),
      undefined,
    );
    ws.close(1000);
  }, REALTIME_LIMITS.connectionSeconds * 1000);
  lifetime.unref();

  ws.on("message", (data: RawData) => {
    let event: Obj;
    try {
      event = parse(data);
    } catch (error) {
      chain = chain.then(() => report(error, undefined));
      return;
    }
    const clientEvent = typeof event.event_id === "string" ? event.event_id : undefined;
    chain = chain.then(() => handle(event)).catch((error) => report(error, clientEvent));
  });
  ws.on("close", () => {
    ended = true;
    clearTimeout(lifetime);
    active?.abort.abort();
  });
  ws.on("error", () => {
    ended = true;
    active?.abort.abort();
  });
  onShutdown(ws, () =>
    ws.send(
      JSON.stringify({
        event_id: id("event"),
        type: "error",
        error: {
          type: "server_error",
          code: "server_shutting_down",
          message: "The server is shutting down: reconnect to a running server",
          param: null,
          event_id: null,
        },
      }),
    ),
  );
  chain = chain.then(() => sessionEvent("created")).catch(() => undefined);
}

class Ended extends Error {}

/** A voice the session can't use is a client mistake of this event, not a provider failure. */
function voiceRefusal(error: unknown): never {
  if (error instanceof CompatError || (error instanceof HttpError && error.status === 400)) {
    throw new RealtimeRefusal("invalid_voice", error.message, "session.audio.output.voice");
  }
  throw error;
}

/** The text of a message item: its `input_text`, `text` and `output_text` parts, in order. */
function itemText(item: Obj): string {
  if (item.type !== undefined && item.type !== "message") {
    throw new RealtimeRefusal(
      "unsupported_item_type",
      `Item type ${JSON.stringify(item.type)} is not supported: send a message with input_text content`,
      "item.type",
    );
  }
  const content = item.content;
  if (!Array.isArray(content)) {
    throw new RealtimeRefusal(
      "invalid_value",
      "A message item needs a 'content' array",
      "item.content",
    );
  }
  const parts: string[] = [];
  for (const part of content as unknown[]) {
    const p = (part ?? {}) as Obj;
    if (
      (p.type === "input_text" || p.type === "text" || p.type === "output_text") &&
      typeof p.text === "string"
    ) {
      parts.push(p.text);
    } else {
      throw new RealtimeRefusal(
        "unsupported_content",
        `Content of type ${JSON.stringify(p.type)} is not spoken here: send input_text parts (input audio goes to input_audio_buffer.append)`,
        "item.content",
      );
    }
  }
  const text = parts.join(" ");
  if (Buffer.byteLength(text, "utf8") > REALTIME_LIMITS.itemText) {
    throw new RealtimeRefusal(
      "conversation_too_large",
      "An item's text may not pass 1 MiB: split it into several items",
      "item.content",
    );
  }
  return text;
}

/** The `error` object of an error event (OpenAI's RealtimeError shape). */
function errorBody(ctx: ServerContext, error: unknown): Obj {
  if (error instanceof RealtimeRefusal) {
    return {
      type: "invalid_request_error",
      code: error.code,
      message: error.message,
      param: error.param ?? null,
    };
  }
  if (error instanceof CompatError) {
    return { type: "invalid_request_error", code: error.kind, message: error.message, param: null };
  }
  const failure =
    error instanceof HttpError
      ? error
      : error instanceof UnsupportedAudioError
        ? new HttpError(400, `Unsupported audio: ${error.message}`)
        : error instanceof EngineUnavailableError
          ? new HttpError(503, `Speech engine unavailable: ${error.message}`)
          : undefined;
  if (!failure) {
    ctx.log(`openai realtime: internal error: ${(error as Error)?.stack ?? String(error)}`);
    return {
      type: "server_error",
      code: "internal_error",
      message: "Internal server error",
      param: null,
    };
  }
  const code =
    failure.status === 402
      ? "insufficient_credit"
      : failure.status === 429
        ? "rate_limit_exceeded"
        : "provider_error";
  return {
    type: failure.status >= 500 ? "server_error" : "invalid_request_error",
    code,
    message: failure.message,
    param: null,
  };
}

function parse(data: RawData): Obj {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new RealtimeRefusal("invalid_json", "Each message must be a JSON event object");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new RealtimeRefusal("invalid_json", "Each message must be a JSON event object");
  }
  return value as Obj;
}

/** 16-bit mono PCM as a WAV file with its real sizes, for the native decoder. */
function wavOf(pcm: Buffer, rate: number): Uint8Array {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}
