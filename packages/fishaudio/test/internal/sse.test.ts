import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readServerSentEvents, type ServerSentEvent } from "../../src/internal/sse.js";

async function parse(...chunks: (string | Uint8Array)[]): Promise<ServerSentEvent[]> {
  const encoder = new TextEncoder();
  async function* source() {
    for (const c of chunks) yield typeof c === "string" ? encoder.encode(c) : c;
  }
  const out: ServerSentEvent[] = [];
  for await (const e of readServerSentEvents(source())) out.push(e);
  return out;
}

describe("readServerSentEvents", () => {
  it("dispatches at blank lines, defaults the type to message, joins multi-line data", async () => {
    const events = await parse("data: one\n\nevent: ping\ndata: a\ndata: b\n\n");
    assert.deepEqual(events, [
      { event: "message", data: "one", id: undefined },
      { event: "ping", data: "a\nb", id: undefined },
    ]);
  });

  it("handles CRLF and CR line ends, even split between chunks", async () => {
    const events = await parse("data: x\r", "\n\r\ndata: y\r\r");
    assert.deepEqual(
      events.map((e) => e.data),
      ["x", "y"],
    );
  });

  it("decodes UTF-8 split across chunks and strips a leading BOM", async () => {
    const bytes = new TextEncoder().encode("\ufeffdata: Grüße\n\n");
    const cut = bytes.indexOf(0xc3) + 1; // inside "ü"
    const events = await parse(bytes.slice(0, cut), bytes.slice(cut));
    assert.deepEqual(events, [{ event: "message", data: "Grüße", id: undefined }]);
  });

  it("ignores comments, events without data, unknown fields, and an unterminated last event", async () => {
    const events = await parse(
      ": keep-alive\n\nevent: x\n\nretry: 10\nfoo: bar\ndata:no-space\nid: 7\n\ndata: cut off",
    );
    assert.deepEqual(events, [{ event: "message", data: "no-space", id: "7" }]);
  });
});
