// convertWithTimestamps behaviours a real server cannot easily produce: injected fetch.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APIConnectionError, APIError, APIUserAbortError } from "fishaudio";
import { clientWith, manualStream } from "../helpers.js";

function sse(payload: Record<string, unknown>): string {
  return `event: message\ndata: ${JSON.stringify(payload)}\n\n`;
}

function event(seq: number, offset: number, audio: string, segments?: [string, number, number][]) {
  return sse({
    audio_base64: Buffer.from(audio).toString("base64"),
    content: "text",
    alignment: segments
      ? {
          segments: segments.map(([text, start, end]) => ({ text, start, end })),
          audio_duration: 1,
        }
      : null,
    chunk_seq: seq,
    chunk_audio_offset_sec: offset,
  });
}

const BODY =
  event(0, 0, "ab", [["Hello", 0.1, 0.4]]) +
  event(0, 0, "cd", [
    ["Hello", 0.1, 0.4],
    ["there", 0.5, 0.9],
  ]) +
  event(1, 1.2, "ef") +
  event(1, 1.2, "", [["Bye", 0.05, 0.3]]);

describe("tts.convertWithTimestamps", () => {
  it("posts to the timestamp path, replaces snapshots per chunk and makes words absolute", async () => {
    const { client, calls } = clientWith(() => new Response(BODY));
    const { audio, words } = await (
      await client.tts.convertWithTimestamps({ text: "Hi" })
    ).collect();
    assert.equal(calls[0]!.url.pathname, "/v1/tts/stream/with-timestamp");
    assert.equal(calls[0]!.headers.get("accept"), "text/event-stream");
    assert.equal(calls[0]!.headers.get("model"), "s2.1-pro");
    assert.equal(Buffer.from(audio).toString(), "abcdef");
    assert.deepEqual(words, [
      { text: "Hello", start: 0.1, end: 0.4 },
      { text: "there", start: 0.5, end: 0.9 },
      { text: "Bye", start: 1.25, end: 1.5 },
    ]);
  });

  it("retries a refused connection before the first byte, like convert", async () => {
    const { client, calls } = clientWith(
      (_call, attempt) => {
        // Refused: the server never saw the POST, so repeating it is safe.
        if (attempt === 1) {
          throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
        }
        return new Response(BODY);
      },
      { maxRetries: 1 },
    );
    const { words } = await (await client.tts.convertWithTimestamps({ text: "Hi" })).collect();
    assert.equal(calls.length, 2);
    assert.equal(words.length, 3);
  });

  it("yields events as they arrive and fails with APIConnectionError when the body breaks off", async () => {
    const body = manualStream();
    const { client, calls } = clientWith(() => new Response(body.stream), { maxRetries: 2 });
    const stream = await client.tts.convertWithTimestamps({ text: "Hi" });
    const iterator = stream[Symbol.asyncIterator]();
    const pending = iterator.next();
    body.push(...Buffer.from(event(0, 0, "ab", [["Hello", 0, 0.3]])));
    const first = await pending;
    assert.equal(Buffer.from(first.value!.audio).toString(), "ab");
    assert.deepEqual(stream.words, [{ text: "Hello", start: 0, end: 0.3 }]);

    // A body that breaks after its first event: no retry once bytes have reached the caller.
    let sent = false;
    const breaking = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new TypeError("terminated"));
        else controller.enqueue(new Uint8Array(Buffer.from(event(0, 0, "ab"))));
        sent = true;
      },
    });
    const broken = clientWith(() => new Response(breaking), { maxRetries: 2 });
    const events: unknown[] = [];
    await assert.rejects(async () => {
      for await (const e of await broken.client.tts.convertWithTimestamps({ text: "Hi" })) {
        events.push(e);
      }
    }, APIConnectionError);
    assert.equal(events.length, 1);
    assert.equal(broken.calls.length, 1);
    assert.equal(calls.length, 1);
    await iterator.return?.();
  });

  it("ends with APIUserAbortError when the caller aborts mid-stream", async () => {
    const body = manualStream();
    const controller = new AbortController();
    const { client } = clientWith(() => new Response(body.stream));
    const stream = await client.tts.convertWithTimestamps(
      { text: "Hi" },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    body.push(...Buffer.from(event(0, 0, "ab")));
    await iterator.next();
    const next = iterator.next();
    controller.abort();
    await assert.rejects(next, APIUserAbortError);
  });

  it("says so when the server sends an event that is not JSON", async () => {
    const { client } = clientWith(() => new Response("data: {oops\n\n"));
    const stream = await client.tts.convertWithTimestamps({ text: "Hi" });
    await assert.rejects(stream.collect(), (e: unknown) => {
      assert.ok(e instanceof APIError && !(e instanceof APIConnectionError));
      assert.match((e as Error).message, /timestamp event from the server is not JSON/);
      return true;
    });
  });

  it("is single-use", async () => {
    const { client } = clientWith(() => new Response(BODY));
    const stream = await client.tts.convertWithTimestamps({ text: "Hi" });
    await stream.collect();
    await assert.rejects(stream.collect(), /already consumed/);
  });
});
