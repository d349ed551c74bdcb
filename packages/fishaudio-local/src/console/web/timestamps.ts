/** Reading `POST /v1/tts/stream/with-timestamp`: Server-Sent Events of audio and word timings. */

/** A word and when it is spoken in the whole audio, in seconds. */
export interface TimedWord {
  text: string;
  start: number;
  end: number;
}

/** One `message` event of the stream (see the API's TTSTimestampStreamEvent). */
export interface TimestampEvent {
  audio_base64: string;
  content: string;
  alignment: { audio_duration?: number; segments: TimedWord[] } | null;
  chunk_seq: number;
  chunk_audio_offset_sec: number;
}

/**
 * The JSON payloads of a Server-Sent Events body, one per event, as they arrive.
 * @example for await (const event of readEvents(res.body!)) console.log(event);
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    buffer += decoder.decode(value, { stream: !done });
    // Events end with a blank line; a line ending may be \n, \r\n or \r.
    const events = buffer.split(/\r\n\r\n|\n\n|\r\r/);
    buffer = events.pop() ?? "";
    if (done && buffer.trim()) events.push(buffer);
    for (const event of events) {
      const data = event
        .split(/\r\n|\n|\r/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).replace(/^ /, ""))
        .join("\n");
      if (data) yield JSON.parse(data);
    }
    if (done) return;
  }
}

/** The bytes of a base64 string. @example base64Bytes("AAE=") // Uint8Array [0, 1] */
export function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Keeps the latest alignment of each text chunk (each event replaces the previous snapshot of
 * its `chunk_seq`) and gives every word in absolute time.
 * @example const words = new Alignment(); words.add(event); words.all()
 */
export class Alignment {
  private readonly chunks = new Map<number, TimedWord[]>();

  /** Takes the snapshot an event carries, if any. */
  add(event: TimestampEvent): void {
    if (!event.alignment) return;
    const offset = event.chunk_audio_offset_sec ?? 0;
    this.chunks.set(
      event.chunk_seq,
      event.alignment.segments.map((w) => ({
        text: w.text,
        start: w.start + offset,
        end: w.end + offset,
      })),
    );
  }

  /** Every word so far, in chunk order. */
  all(): TimedWord[] {
    return [...this.chunks.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, words]) => words);
  }
}
