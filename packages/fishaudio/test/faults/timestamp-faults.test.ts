/**
 * convertWithTimestamps through the same pipeline as convert, against loopback servers that fail
 * on purpose: timeouts, retries only before the first byte, abort and typed errors. Each case runs
 * inside `runIsolated`, which fails it if a socket, timer or unhandled rejection outlives it.
 */
import assert from "node:assert/strict";
import type http from "node:http";
import { describe, it } from "node:test";
import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  FishAudio,
  NotFoundError,
  RateLimitError,
  ServerError,
  type TimestampEvent,
  UnprocessableEntityError,
} from "fishaudio";
import { httpFaultServer, refusedUrl, runIsolated, sendJson, waitUntil } from "./loopback.js";

function client(baseUrl: string, options: { timeout?: number; maxRetries?: number } = {}) {
  return new FishAudio({ apiKey: "test-key", baseUrl, maxRetries: 0, ...options });
}

/** One SSE `message` event with `audio` and, when given, an alignment for chunk 0. */
function sse(audio: string, words?: [string, number, number][]): string {
  const payload = {
    audio_base64: Buffer.from(audio).toString("base64"),
    content: "Hello there",
    alignment: words
      ? { segments: words.map(([text, start, end]) => ({ text, start, end })), audio_duration: 1 }
      : null,
    chunk_seq: 0,
    chunk_audio_offset_sec: 0,
  };
  return `event: message\ndata: ${JSON.stringify(payload)}\n\n`;
}

function startEvents(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(sse("ab", [["Hello", 0, 0.4]]));
}

async function readAll(stream: AsyncIterable<TimestampEvent>): Promise<TimestampEvent[]> {
  const events: TimestampEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("convertWithTimestamps faults", () => {
  it("no answer -> APITimeoutError; a POST that may have been read is not sent again", async () => {
    await runIsolated(
      () => httpFaultServer(() => {}),
      async (server) => {
        const fish = client(server.url, { timeout: 150, maxRetries: 2 });
        await assert.rejects(
          fish.tts.convertWithTimestamps({ text: "Hello" }),
          (e) => e instanceof APITimeoutError,
        );
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("events that stop after the first -> that event, then APITimeoutError; no retry", async () => {
    await runIsolated(
      () => httpFaultServer(startEvents),
      async (server) => {
        const fish = client(server.url, { timeout: 200, maxRetries: 2 });
        const stream = await fish.tts.convertWithTimestamps({ text: "Hello" });
        const seen: TimestampEvent[] = [];
        await assert.rejects(async () => {
          for await (const event of stream) seen.push(event);
        }, APITimeoutError);
        assert.equal(seen.length, 1);
        assert.deepEqual(stream.words, [{ text: "Hello", start: 0, end: 0.4 }]);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("503 before the first byte -> retried, then the events", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res, attempt) => {
          if (attempt === 1) {
            req.resume();
            sendJson(res, 503, { status: 503, message: "busy" }, { "retry-after-ms": "20" });
            return;
          }
          startEvents(req, res);
          res.end(
            sse("cd", [
              ["Hello", 0, 0.4],
              ["there", 0.5, 0.9],
            ]),
          );
        }),
      async (server) => {
        const fish = client(server.url, { maxRetries: 1 });
        const { audio, words } = await (
          await fish.tts.convertWithTimestamps({ text: "Hello there" })
        ).collect();
        assert.equal(Buffer.from(audio).toString(), "abcd");
        assert.deepEqual(
          words.map((w) => w.text),
          ["Hello", "there"],
        );
        assert.equal(server.attempts, 2);
      },
    );
  });

  it("a reset after the request was sent is not retried (no second charge)", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req) => {
          req.resume();
          req.on("end", () => req.socket.resetAndDestroy());
        }),
      async (server) => {
        const fish = client(server.url, { maxRetries: 2 });
        await assert.rejects(
          fish.tts.convertWithTimestamps({ text: "Hello" }),
          (e) => e instanceof APIConnectionError && !(e instanceof APITimeoutError),
        );
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a body cut off after the first event -> APIConnectionError while iterating, no retry", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          startEvents(req, res);
          setTimeout(() => req.socket.resetAndDestroy(), 20);
        }),
      async (server) => {
        const fish = client(server.url, { maxRetries: 2 });
        const stream = await fish.tts.convertWithTimestamps({ text: "Hello" });
        await assert.rejects(readAll(stream), APIConnectionError);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a refused connection is retried (nothing was sent): maxRetries + 1 attempts", async () => {
    const baseUrl = await refusedUrl();
    let calls = 0;
    const fish = new FishAudio({
      apiKey: "k",
      baseUrl,
      maxRetries: 2,
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    await assert.rejects(fish.tts.convertWithTimestamps({ text: "Hello" }), APIConnectionError);
    assert.equal(calls, 3);
  });

  for (const [status, Class] of [
    [400, BadRequestError],
    [401, AuthenticationError],
    [404, NotFoundError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, ServerError],
  ] as const) {
    it(`${status} -> ${Class.name} with the server's message`, async () => {
      await runIsolated(
        () =>
          httpFaultServer((req, res) => {
            req.resume();
            sendJson(res, status, { status, message: `refused with ${status}` });
          }),
        async (server) => {
          await assert.rejects(
            client(server.url).tts.convertWithTimestamps({ text: "Hello" }),
            (e: Error) => {
              assert.ok(e instanceof Class, `${e.constructor.name}: ${e.message}`);
              assert.match(e.message, new RegExp(`refused with ${status}`));
              return true;
            },
          );
          assert.equal(server.attempts, 1);
        },
      );
    });
  }

  it("the caller's abort while waiting for headers -> APIUserAbortError, no retry", async () => {
    await runIsolated(
      () => httpFaultServer(() => {}),
      async (server) => {
        const controller = new AbortController();
        const pending = client(server.url, { maxRetries: 2 }).tts.convertWithTimestamps(
          { text: "Hello" },
          { signal: controller.signal },
        );
        await waitUntil(
          () => server.attempts === 1,
          2000,
          () => "request never arrived",
        );
        controller.abort();
        await assert.rejects(pending, APIUserAbortError);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("the caller's abort between events -> APIUserAbortError, connection closed", async () => {
    await runIsolated(
      () => httpFaultServer(startEvents),
      async (server) => {
        const controller = new AbortController();
        const stream = await client(server.url, { timeout: 60_000 }).tts.convertWithTimestamps(
          { text: "Hello" },
          { signal: controller.signal },
        );
        const reading = readAll(stream);
        setTimeout(() => controller.abort(), 50);
        await assert.rejects(reading, APIUserAbortError);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a caller that breaks out of the event loop releases the connection", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          startEvents(req, res);
          // Endless events: only the client going away ends them.
          const timer = setInterval(() => res.write(sse("xy")), 5);
          res.on("close", () => clearInterval(timer));
        }),
      async (server) => {
        const stream = await client(server.url).tts.convertWithTimestamps({ text: "Hello" });
        let count = 0;
        for await (const _event of stream) if (++count === 3) break;
        assert.equal(count, 3);
        await server.waitForSocketsClosed(3000);
      },
    );
  });
});
