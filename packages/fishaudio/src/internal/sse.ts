/**
 * A Server-Sent Events reader, written here because the SDK's runtime dependencies stay
 * msgpack only. It follows the WHATWG event-stream rules that matter for an API stream: UTF-8
 * decoded across chunk boundaries, CRLF/LF/CR line ends, `:` comments, multi-line `data`, the
 * event dispatched at a blank line and an unterminated last event dropped.
 */

/** One dispatched event. */
export interface ServerSentEvent {
  /** The `event:` field, "message" when absent. */
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Parses a byte stream into events as the bytes arrive.
 * @example for await (const e of readServerSentEvents(body)) console.log(e.event, e.data);
 */
export async function* readServerSentEvents(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder("utf-8");
  const parser = new EventParser();
  for await (const chunk of chunks) {
    yield* parser.push(decoder.decode(chunk, { stream: true }));
  }
  yield* parser.push(decoder.decode());
  yield* parser.end();
}

class EventParser {
  #buffer = "";
  #first = true;
  #event = "";
  #data: string[] = [];
  #id: string | undefined;
  #lastId: string | undefined;

  /** Adds decoded text; returns the events it completed. */
  push(text: string): ServerSentEvent[] {
    if (this.#first && text !== "") {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.#buffer += text;
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = this.#buffer.indexOf("\n", start);
      const cr = this.#buffer.indexOf("\r", start);
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A lone CR at the very end may be the first half of CRLF: wait for more.
        if (cr === this.#buffer.length - 1) break;
        end = cr;
        next = this.#buffer[cr + 1] === "\n" ? cr + 2 : cr + 1;
      } else if (lf >= 0) {
        end = lf;
        next = lf + 1;
      } else break;
      const event = this.#line(this.#buffer.slice(start, end));
      if (event) events.push(event);
      start = next;
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  /** The stream ended: a CR left at the very end was a line end after all. */
  end(): ServerSentEvent[] {
    if (!this.#buffer.endsWith("\r")) return [];
    this.#buffer = `${this.#buffer.slice(0, -1)}\n`;
    return this.push("");
  }

  #line(line: string): ServerSentEvent | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") this.#data.push(value);
    else if (field === "id" && !value.includes("\0")) this.#id = value;
    return undefined;
  }

  #dispatch(): ServerSentEvent | undefined {
    if (this.#id !== undefined) this.#lastId = this.#id;
    this.#id = undefined;
    const event = this.#event || "message";
    this.#event = "";
    if (this.#data.length === 0) return undefined;
    const data = this.#data.join("\n");
    this.#data = [];
    return { event, data, id: this.#lastId };
  }
}
