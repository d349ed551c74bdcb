import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerContext } from "../context.js";
import type { AudioEncoder, WordTiming } from "../engines/types.js";
import { readObject } from "../http/decode.js";
import { HttpError } from "../http/errors.js";
import { writeWithBackpressure } from "../http/write.js";
import type { Principal } from "../store/accounts.js";
import { requestedModel } from "../tts/model-header.js";
import { parseTtsRequest } from "../tts/request.js";
import { speakTimed, type TimedPcm } from "../tts/timed.js";
import { planSpeakers } from "../tts/voice-plan.js";
import { chargeTts } from "./tts.js";

/** One SSE `message` payload, as the published schema names its fields. */
interface TimestampEvent {
  audio_base64: string;
  content: string;
  alignment: { segments: WordTiming[]; audio_duration: number } | null;
  chunk_seq: number;
  chunk_audio_offset_sec: number;
}

function sse(event: TimestampEvent): Uint8Array {
  return Buffer.from(`event: message\ndata: ${JSON.stringify(event)}\n\n`);
}

/** Seconds rounded to the millisecond: the engines are not finer than that. */
function ms(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * Turns timed PCM into events: audio bytes as they are encoded, and for each text chunk the
 * cumulative word snapshot whenever it grew, plus a final one (with the chunk's full duration)
 * on the chunk's last event. An event waits for the next piece of PCM so that it knows whether
 * it is its chunk's last.
 */
class EventBuilder {
  #words: WordTiming[] = [];
  #duration = 0;
  #dirty = false;
  #pending: { timed: TimedPcm; bytes: Uint8Array } | undefined;

  constructor(readonly encoder: AudioEncoder) {}

  /** Adds a piece; returns the event that is now complete, if any. */
  add(timed: TimedPcm): TimestampEvent | undefined {
    const done =
      this.#pending && this.#pending.timed.seq !== timed.seq ? this.#flush(true) : undefined;
    const earlier = this.#pending ? this.#flush(false) : undefined;
    if (timed.words.length) {
      this.#words.push(...timed.words);
      this.#dirty = true;
    }
    this.#duration += timed.pcm.samples.length / timed.pcm.sampleRate;
    this.#pending = { timed, bytes: this.encoder.write(timed.pcm) };
    return done ?? earlier;
  }

  /** The last event, with the encoder's trailing bytes. */
  finish(): TimestampEvent | undefined {
    if (!this.#pending) return undefined;
    const tail = this.encoder.end();
    const last = this.#pending;
    last.bytes = last.bytes.byteLength ? Buffer.concat([last.bytes, tail]) : tail;
    return this.#flush(true);
  }

  #flush(chunkDone: boolean): TimestampEvent | undefined {
    const { timed, bytes } = this.#pending!;
    this.#pending = undefined;
    const withAlignment = this.#dirty || chunkDone;
    if (!bytes.byteLength && !withAlignment) return undefined;
    const event: TimestampEvent = {
      audio_base64: Buffer.from(bytes).toString("base64"),
      content: timed.content,
      alignment: withAlignment
        ? {
            segments: this.#words.map((w) => ({
              text: w.text,
              start: ms(w.start),
              end: ms(w.end),
            })),
            audio_duration: ms(this.#duration),
          }
        : null,
      chunk_seq: timed.seq,
      chunk_audio_offset_sec: ms(timed.offset),
    };
    this.#dirty = false;
    if (chunkDone) {
      this.#words = [];
      this.#duration = 0;
    }
    return event;
  }
}

/**
 * POST /v1/tts/stream/with-timestamp: the /v1/tts request (same validation, charge and errors),
 * answered as Server-Sent Events carrying base64 audio and word alignment snapshots.
 */
export async function handleTtsWithTimestamp(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
): Promise<void> {
  const body = await readObject(req, ["json", "msgpack"], ctx.maxBodyBytes);
  const params = parseTtsRequest(body, { requireText: true });
  const model = requestedModel(req, ctx.defaultModel);
  const speakers = await planSpeakers(ctx, principal, params);
  if (speakers.some((s) => s.benchmark)) {
    throw new HttpError(
      422,
      "The benchmark voice has no words to time; use an engine or cloned voice with this endpoint",
    );
  }
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const charge = chargeTts(ctx, principal, "tts", model, speakers, params.text);
  let timed: AsyncGenerator<TimedPcm>;
  let builder: EventBuilder;
  let first: IteratorResult<TimedPcm>;
  try {
    timed = speakTimed(ctx.engines, speakers, params.text, abort.signal, {
      chunkLength: params.chunkLength,
    });
    const firstPending = timed.next();
    try {
      builder = new EventBuilder(
        await ctx.engines.createEncoder({
          format: params.format,
          sampleRate: params.sampleRate,
          mp3Bitrate: params.mp3Bitrate,
          opusBitrate: params.opusBitrate,
          volumeDb: params.volumeDb,
          normalize: params.normalizeLoudness,
        }),
      );
    } catch (error) {
      abort.abort();
      firstPending.catch(() => undefined);
      throw error;
    }
    // As /v1/tts: the first audio exists before the 200 is committed.
    first = await firstPending;
  } catch (error) {
    ctx.accounts.refund(principal.user.id, charge.cost, charge.usageId);
    throw error;
  }
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",
    "X-Fish-Model": model,
  });
  try {
    if (!first.done) {
      const event = builder.add(first.value);
      if (event) await writeWithBackpressure(res, sse(event));
      // The first event waits for the next piece (see EventBuilder): get it out at once.
      res.flushHeaders();
    }
    for await (const piece of timed) {
      if (abort.signal.aborted) break;
      const event = builder.add(piece);
      if (event) await writeWithBackpressure(res, sse(event));
    }
    if (abort.signal.aborted) return;
    const last = builder.finish();
    if (last) await writeWithBackpressure(res, sse(last));
    res.end();
  } catch (error) {
    ctx.log(`tts with timestamps: synthesis failed mid-stream: ${(error as Error).message}`);
    res.destroy();
  }
}
