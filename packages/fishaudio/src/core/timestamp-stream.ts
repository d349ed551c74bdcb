import { decodeBase64 } from "../internal/base64.js";
import { readServerSentEvents } from "../internal/sse.js";
import { APIError, APIUserAbortError, FishAudioError } from "./error.js";

/** A word (or phrase) and when it is heard, in seconds. */
export interface TimestampSegment {
  text: string;
  start: number;
  end: number;
}

/** The latest timing snapshot of one text chunk; times from the chunk's start. */
export interface TimestampAlignment {
  segments: TimestampSegment[];
  /** Seconds of audio of the chunk so far. */
  audioDuration: number;
}

/** One event of `convertWithTimestamps`, in arrival order. */
export interface TimestampEvent {
  /** This event's audio bytes (may be empty); concatenated in order they are the audio. */
  audio: Uint8Array;
  /** The text the chunk's alignment describes. */
  content: string;
  /** The latest snapshot for `chunkSeq`, replacing earlier ones; null when none came with it. */
  alignment: TimestampAlignment | null;
  chunkSeq: number;
  /** Seconds of audio before the chunk: add it to segment times for the full audio's clock. */
  chunkAudioOffsetSec: number;
}

/** The whole result: the audio and every word on the audio's clock. */
export interface TimestampedSpeech {
  audio: Uint8Array;
  words: TimestampSegment[];
}

/**
 * Speech with word timestamps as it arrives: an async iterable of events (audio bytes plus the
 * alignment snapshot of their chunk), whose `words` are kept up to date while it is read.
 * Single-use, like AudioStream.
 *
 * @example
 * const stream = await client.tts.convertWithTimestamps({ text: "Hello world." });
 * for await (const event of stream) player.write(event.audio);
 * console.log(stream.words); // [{ text: "Hello", start: 0.12, end: 0.41 }, …]
 */
export class TimestampStream implements AsyncIterable<TimestampEvent> {
  #source: AsyncIterable<Uint8Array> | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #chunks = new Map<number, { offset: number; segments: TimestampSegment[] }>();

  /** `signal`: the request's; once it fires, events parsed from bytes already read are not handed out. */
  constructor(source: AsyncIterable<Uint8Array>, signal?: AbortSignal) {
    this.#source = source;
    this.#signal = signal;
  }

  /** Every word so far on the full audio's clock: each chunk's latest snapshot, in chunk order. */
  get words(): TimestampSegment[] {
    return [...this.#chunks.entries()]
      .sort((a, b) => a[0] - b[0])
      .flatMap(([, { offset, segments }]) =>
        segments.map((s) => ({ text: s.text, start: offset + s.start, end: offset + s.end })),
      );
  }

  [Symbol.asyncIterator](): AsyncIterator<TimestampEvent> {
    const source = this.#source;
    if (!source) {
      throw new FishAudioError(
        "This TimestampStream was already consumed; it can be read only once.",
      );
    }
    this.#source = undefined;
    const events = readServerSentEvents(source);
    const chunks = this.#chunks;
    const signal = this.#signal;
    return {
      async next(): Promise<IteratorResult<TimestampEvent>> {
        for (;;) {
          if (signal?.aborted) {
            await events.return(undefined);
            throw new APIUserAbortError();
          }
          const result = await events.next();
          if (result.done) return { done: true, value: undefined };
          if (result.value.event !== "message") continue;
          let event: TimestampEvent;
          try {
            event = parseEvent(result.value.data);
          } catch (error) {
            // Stop reading: the request (and its timers) must not outlive a bad event.
            await events.return(undefined);
            throw error;
          }
          if (event.alignment) {
            chunks.set(event.chunkSeq, {
              offset: event.chunkAudioOffsetSec,
              segments: event.alignment.segments,
            });
          }
          return { done: false, value: event };
        }
      },
      async return(): Promise<IteratorResult<TimestampEvent>> {
        await events.return(undefined);
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * Reads everything: the audio bytes and the final word list.
   * @example const { audio, words } = await (await client.tts.convertWithTimestamps({ text })).collect();
   */
  async collect(): Promise<TimestampedSpeech> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const event of this) {
      parts.push(event.audio);
      total += event.audio.byteLength;
    }
    const audio = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      audio.set(part, at);
      at += part.byteLength;
    }
    return { audio, words: this.words };
  }
}

function parseEvent(data: string): TimestampEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    throw malformed(`is not JSON: ${data.slice(0, 200)}`);
  }
  if (!raw || typeof raw !== "object") throw malformed("is not a JSON object");
  const r = raw as Record<string, unknown>;
  let audio: Uint8Array = new Uint8Array();
  if (typeof r.audio_base64 === "string") {
    try {
      audio = decodeBase64(r.audio_base64);
    } catch {
      throw malformed("has audio_base64 that is not valid base64");
    }
  }
  return {
    audio,
    content: typeof r.content === "string" ? r.content : "",
    alignment: parseAlignment(r.alignment),
    chunkSeq: typeof r.chunk_seq === "number" ? r.chunk_seq : 0,
    chunkAudioOffsetSec:
      typeof r.chunk_audio_offset_sec === "number" ? r.chunk_audio_offset_sec : 0,
  };
}

function parseAlignment(value: unknown): TimestampAlignment | null {
  if (!value || typeof value !== "object") return null;
  const a = value as Record<string, unknown>;
  if (!Array.isArray(a.segments)) throw malformed("has an alignment without a segments list");
  const segments = a.segments.map((s: unknown) => {
    const seg = (s ?? {}) as Record<string, unknown>;
    if (typeof seg.start !== "number" || typeof seg.end !== "number") {
      throw malformed("has a segment without numeric start and end");
    }
    return { text: String(seg.text ?? ""), start: seg.start, end: seg.end };
  });
  return {
    segments,
    audioDuration: typeof a.audio_duration === "number" ? a.audio_duration : 0,
  };
}

function malformed(what: string): APIError {
  return new APIError(
    undefined,
    undefined,
    `A timestamp event from the server ${what}.`,
    undefined,
  );
}
