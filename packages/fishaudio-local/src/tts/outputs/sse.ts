import type { WordTiming } from "../../engines/types.js";
import { HttpError } from "../../http/errors.js";
import { writeWithBackpressure } from "../../http/write.js";
import type { Encoded } from "../encode.js";
import type { TtsOutput } from "../pipeline.js";
import { audioFirstTimedSpeech, type TimedPcm } from "../timed.js";

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
 * Turns encoded timed pieces into events as they come: audio bytes as soon as they are encoded,
 * the chunk's cumulative word snapshot whenever it grew, and, once a chunk is over, a last
 * snapshot (with the chunk's full duration) if audio came after the one sent before. Nothing is
 * held back, so a piece's audio never waits for its words or for the next piece.
 */
class EventBuilder {
  #words: WordTiming[] = [];
  #duration = 0;
  /** The snapshot last sent for the current chunk, to tell whether the chunk needs another. */
  #sent: { words: number; duration: number } | undefined;
  #last: TimedPcm | undefined;

  /** Adds a piece; returns the events it completes (in order). */
  add(encoded: Encoded<TimedPcm>): TimestampEvent[] {
    const timed = encoded.piece;
    const events: TimestampEvent[] = [];
    if (this.#last && this.#last.seq !== timed.seq) {
      const closing = this.#close();
      if (closing) events.push(closing);
    }
    this.#words.push(...timed.words);
    this.#duration += timed.pcm.samples.length / timed.pcm.sampleRate;
    this.#last = timed;
    const grew = timed.words.length > 0;
    if (encoded.bytes.byteLength || grew) events.push(this.#event(encoded.bytes, grew));
    return events;
  }

  /** The last events: the encoder's trailing bytes and the last chunk's final snapshot. */
  finish(tail: Uint8Array): TimestampEvent[] {
    if (!this.#last) return [];
    // The stream's last event repeats the final snapshot: cheap, and kind to readers of it alone.
    if (tail.byteLength) return [this.#event(tail, true)];
    const closing = this.#close();
    return closing ? [closing] : [];
  }

  /** The current chunk's final snapshot, if the last one sent is out of date; starts a new chunk. */
  #close(): TimestampEvent | undefined {
    const event = this.#stale() ? this.#event(new Uint8Array(0), true) : undefined;
    this.#words = [];
    this.#duration = 0;
    this.#sent = undefined;
    return event;
  }

  #stale(): boolean {
    return (
      this.#sent === undefined ||
      this.#sent.words !== this.#words.length ||
      ms(this.#sent.duration) !== ms(this.#duration)
    );
  }

  #event(bytes: Uint8Array, withAlignment: boolean): TimestampEvent {
    const timed = this.#last!;
    if (withAlignment) this.#sent = { words: this.#words.length, duration: this.#duration };
    return {
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
  }
}

/**
 * `/v1/tts/stream/with-timestamp`'s answer: Server-Sent Events carrying base64 audio and word
 * alignment snapshots.
 */
export const timestampEvents: TtsOutput<TimedPcm> = {
  name: "tts with timestamps",
  // The schema lets a chunk's alignment follow its audio (a later snapshot replaces an earlier
  // one), so audio goes out before the engines have timed its words.
  source: audioFirstTimedSpeech,
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
    const send = async (events: TimestampEvent[]) => {
      for (const event of events) await writeWithBackpressure(res, sse(event));
    };
    if (speech.first) await send(builder.add(speech.first));
    // The head goes out now even when the first piece made no event.
    if (!res.headersSent) res.flushHeaders();
    for await (const encoded of speech.rest) {
      if (signal.aborted) break;
      await send(builder.add(encoded));
    }
    if (signal.aborted) return;
    await send(builder.finish(await speech.end()));
    res.end();
  },
};
