import type { WordTiming } from "../../engines/types.js";
import { HttpError } from "../../http/errors.js";
import { writeWithBackpressure } from "../../http/write.js";
import type { Encoded } from "../encode.js";
import type { TtsOutput } from "../pipeline.js";
import { type TimedPcm, timedSpeech } from "../timed.js";

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
 * Turns encoded timed pieces into events: audio bytes as they are encoded, and for each text
 * chunk the cumulative word snapshot whenever it grew, plus a final one (with the chunk's full
 * duration) on the chunk's last event. An event waits for the next piece so that it knows
 * whether it is its chunk's last.
 */
class EventBuilder {
  #words: WordTiming[] = [];
  #duration = 0;
  #dirty = false;
  #pending: Encoded<TimedPcm> | undefined;

  /** Adds a piece; returns the event that is now complete, if any. */
  add(encoded: Encoded<TimedPcm>): TimestampEvent | undefined {
    const timed = encoded.piece;
    const done =
      this.#pending && this.#pending.piece.seq !== timed.seq ? this.#flush(true) : undefined;
    const earlier = this.#pending ? this.#flush(false) : undefined;
    if (timed.words.length) {
      this.#words.push(...timed.words);
      this.#dirty = true;
    }
    this.#duration += timed.pcm.samples.length / timed.pcm.sampleRate;
    this.#pending = encoded;
    return done ?? earlier;
  }

  /** The last event, with the encoder's trailing bytes. */
  finish(tail: () => Uint8Array): TimestampEvent | undefined {
    if (!this.#pending) return undefined;
    const last = this.#pending;
    const end = tail();
    this.#pending = {
      piece: last.piece,
      bytes: last.bytes.byteLength ? Buffer.concat([last.bytes, end]) : end,
    };
    return this.#flush(true);
  }

  #flush(chunkDone: boolean): TimestampEvent | undefined {
    const { piece: timed, bytes } = this.#pending!;
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
 * `/v1/tts/stream/with-timestamp`'s answer: Server-Sent Events carrying base64 audio and word
 * alignment snapshots.
 */
export const timestampEvents: TtsOutput<TimedPcm> = {
  name: "tts with timestamps",
  source: timedSpeech,
  accept(job) {
    if (job.speakers.some((s) => s.benchmark)) {
      throw new HttpError(
        422,
        "The benchmark voice has no words to time; use an engine or cloned voice with this endpoint",
      );
    }
  },
  async write(res, job, speech, signal) {
    const builder = new EventBuilder();
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
      "X-Fish-Model": job.model,
    });
    if (speech.first) {
      const event = builder.add(speech.first);
      if (event) await writeWithBackpressure(res, sse(event));
      // The first event waits for the next piece (see EventBuilder): get the head out at once.
      res.flushHeaders();
    }
    for await (const encoded of speech.rest) {
      if (signal.aborted) break;
      const event = builder.add(encoded);
      if (event) await writeWithBackpressure(res, sse(event));
    }
    if (signal.aborted) return;
    const last = builder.finish(() => speech.end());
    if (last) await writeWithBackpressure(res, sse(last));
    res.end();
  },
};
