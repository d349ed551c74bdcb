/**
 * The SDK's HTTP pipeline against a loopback server that fails on purpose. Every case counts
 * attempts on the server side and runs inside `runIsolated`, which fails it if a socket, timer or
 * unhandled rejection outlives the call.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  APIConnectionError,
  type APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  FishAudio,
  FishAudioError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from "fishaudio";
import {
  drain,
  httpFaultServer,
  refusedUrl,
  runIsolated,
  sendJson,
  waitUntil,
} from "./loopback.js";

const VOICE = {
  _id: "v1",
  type: "tts",
  title: "Voice",
  description: "",
  cover_image: "",
  train_mode: "fast",
  state: "trained",
  tags: [],
  samples: [],
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  languages: ["en"],
  visibility: "private",
  lock_visibility: false,
  like_count: 0,
  mark_count: 0,
  shared_count: 0,
  task_count: 0,
  liked: false,
  marked: false,
  author: { _id: "u1", nickname: "me", avatar: "" },
};

function client(baseUrl: string, options: { timeout?: number; maxRetries?: number } = {}) {
  return new FishAudio({ apiKey: "test-key", baseUrl, maxRetries: 0, ...options });
}

/** Asserts that `promise` rejects with exactly an instance of `Class` and returns the error. */
async function rejectsWith<T extends Error>(
  promise: Promise<unknown>,
  Class: abstract new (...args: never[]) => T,
): Promise<T> {
  try {
    await promise;
  } catch (error) {
    assert.ok(
      error instanceof Class,
      `expected ${Class.name}, got ${(error as Error)?.constructor?.name}: ${String(error)}`,
    );
    return error;
  }
  assert.fail(`expected ${Class.name}, but the call succeeded`);
}

describe("HTTP faults: no response", () => {
  it("connection refused -> APIConnectionError, one attempt per allowed try", async () => {
    const baseUrl = await refusedUrl();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const fish = new FishAudio({ apiKey: "k", baseUrl, maxRetries: 0, fetch: counting });
      const error = await rejectsWith(fish.voices.get("v1"), APIConnectionError);
      assert.ok(!(error instanceof APITimeoutError), "a refusal is not a timeout");
      assert.equal(error.status, undefined);
      assert.equal(calls, 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("reset before headers -> APIConnectionError after maxRetries + 1 attempts", async () => {
    await runIsolated(
      () => httpFaultServer((req) => req.socket.resetAndDestroy()),
      async (server) => {
        const fish = client(server.url, { maxRetries: 1 });
        await rejectsWith(fish.voices.get("v1"), APIConnectionError);
        assert.equal(server.attempts, 2);
      },
    );
  });

  it("reset before headers, then a good answer -> retried and succeeds", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res, attempt) => {
          if (attempt === 1) req.socket.resetAndDestroy();
          else sendJson(res, 200, VOICE);
        }),
      async (server) => {
        const voice = await client(server.url, { maxRetries: 2 }).voices.get("v1");
        assert.equal(voice.id, "v1");
        assert.equal(server.attempts, 2);
      },
    );
  });

  it("a server that never answers -> APITimeoutError, request aborted", async () => {
    await runIsolated(
      () => httpFaultServer(() => {}),
      async (server) => {
        const fish = client(server.url, { timeout: 150, maxRetries: 1 });
        const error = await rejectsWith(fish.voices.get("v1"), APITimeoutError);
        assert.ok(error instanceof APIConnectionError, "a timeout is a kind of connection error");
        assert.equal(server.attempts, 2);
        // runIsolated then checks that both stalled sockets were closed by the client.
      },
    );
  });

  it("headers that stop halfway -> APITimeoutError, request aborted", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req) => {
          // Raw bytes under node's response object: a status line and half a header, then nothing.
          req.socket.write("HTTP/1.1 200 OK\r\nContent-Type: audio/mp");
        }),
      async (server) => {
        const fish = client(server.url, { timeout: 150, maxRetries: 1 });
        await rejectsWith(fish.voices.get("v1"), APITimeoutError);
        assert.equal(server.attempts, 2);
      },
    );
  });

  it("per-request timeout overrides the client's", async () => {
    await runIsolated(
      () => httpFaultServer(() => {}),
      async (server) => {
        const fish = client(server.url, { timeout: 60_000 });
        await rejectsWith(fish.voices.get("v1", { timeout: 100, maxRetries: 0 }), APITimeoutError);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("the caller's abort while waiting for headers -> APIUserAbortError, no retry", async () => {
    await runIsolated(
      () => httpFaultServer(() => {}),
      async (server) => {
        const controller = new AbortController();
        const pending = client(server.url, { maxRetries: 2 }).voices.get("v1", {
          signal: controller.signal,
        });
        await waitUntil(
          () => server.attempts === 1,
          2000,
          () => "request never arrived",
        );
        controller.abort();
        await rejectsWith(pending, APIUserAbortError);
        assert.equal(server.attempts, 1);
      },
    );
  });
});

describe("HTTP faults: retryable statuses", () => {
  it("429 with Retry-After in seconds -> waits, retries, succeeds", async () => {
    const seen: number[] = [];
    await runIsolated(
      () =>
        httpFaultServer((_req, res, attempt) => {
          seen.push(Date.now());
          if (attempt === 1)
            sendJson(res, 429, { status: 429, message: "slow down" }, { "retry-after": "1" });
          else sendJson(res, 200, VOICE);
        }),
      async (server) => {
        const voice = await client(server.url, { maxRetries: 2 }).voices.get("v1");
        assert.equal(voice.id, "v1");
        assert.equal(server.attempts, 2);
        // A lower bound only: the wait honoured the header instead of retrying at once.
        assert.ok(seen[1]! - seen[0]! >= 800, `retried after ${seen[1]! - seen[0]!} ms`);
      },
    );
  });

  it("429 with Retry-After as an HTTP date -> waits until then, retries, succeeds", async () => {
    const seen: number[] = [];
    await runIsolated(
      () =>
        httpFaultServer((_req, res, attempt) => {
          seen.push(Date.now());
          if (attempt === 1) {
            // HTTP dates have whole seconds, so +2 s lands 1-2 s ahead.
            const at = new Date(Date.now() + 2000).toUTCString();
            sendJson(res, 429, { status: 429, message: "slow down" }, { "retry-after": at });
          } else sendJson(res, 200, VOICE);
        }),
      async (server) => {
        const voice = await client(server.url, { maxRetries: 2 }).voices.get("v1");
        assert.equal(voice.id, "v1");
        assert.equal(server.attempts, 2);
        assert.ok(seen[1]! - seen[0]! >= 800, `retried after ${seen[1]! - seen[0]!} ms`);
      },
    );
  });

  it("429 every time -> RateLimitError after maxRetries + 1 attempts", async () => {
    await runIsolated(
      () =>
        httpFaultServer((_req, res) =>
          sendJson(
            res,
            429,
            { status: 429, message: "concurrency limit" },
            { "retry-after-ms": "10", "x-request-id": "req-429" },
          ),
        ),
      async (server) => {
        const fish = client(server.url, { maxRetries: 2 });
        const error = await rejectsWith(fish.voices.get("v1"), RateLimitError);
        assert.equal(server.attempts, 3);
        assert.equal(error.status, 429);
        assert.match(error.message, /concurrency limit/);
        assert.deepEqual(error.body, { status: 429, message: "concurrency limit" });
        assert.equal(error.requestId, "req-429");
      },
    );
  });

  it("500 then 200 -> retried with the default backoff, succeeds", async () => {
    await runIsolated(
      () =>
        httpFaultServer((_req, res, attempt) => {
          if (attempt === 1) sendJson(res, 500, { status: 500, message: "boom" });
          else sendJson(res, 200, VOICE);
        }),
      async (server) => {
        const voice = await client(server.url, { maxRetries: 2 }).voices.get("v1");
        assert.equal(voice.id, "v1");
        assert.equal(server.attempts, 2);
      },
    );
  });

  it("503 with retry-after-ms -> retried, succeeds; TTS POST is retried too", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res, attempt) => {
          req.resume();
          if (attempt < 3)
            sendJson(res, 503, { status: 503, message: "busy" }, { "retry-after-ms": "10" });
          else {
            res.writeHead(200, { "content-type": "audio/mpeg" });
            res.end(Buffer.from("ID3-audio"));
          }
        }),
      async (server) => {
        const audio = await client(server.url, { maxRetries: 2 }).tts.convert({ text: "Hello" });
        assert.equal(Buffer.from(await audio.collect()).toString(), "ID3-audio");
        assert.equal(server.attempts, 3);
      },
    );
  });

  it("a retried upload resends the whole body, even from a ReadableStream", async () => {
    const audio = new Uint8Array(20_000).map((_, i) => (i * 31) % 251);
    const bodies: Buffer[] = [];
    await runIsolated(
      () =>
        httpFaultServer((req, res, attempt) => {
          const chunks: Buffer[] = [];
          req.on("data", (chunk: Buffer) => chunks.push(chunk));
          req.on("end", () => {
            bodies.push(Buffer.concat(chunks));
            if (attempt === 1) {
              sendJson(res, 503, { status: 503, message: "busy" }, { "retry-after-ms": "10" });
            } else sendJson(res, 201, VOICE);
          });
        }),
      async (server) => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(audio.subarray(0, 7000));
            controller.enqueue(audio.subarray(7000));
            controller.close();
          },
        });
        const voice = await client(server.url, { maxRetries: 2 }).voices.create({
          title: "Retried",
          voices: [stream],
        });
        assert.equal(voice.id, "v1");
        assert.equal(server.attempts, 2);
      },
    );
    const needle = Buffer.from(audio);
    assert.equal(bodies.length, 2);
    for (const [i, body] of bodies.entries()) {
      assert.ok(body.includes(needle), `attempt ${i + 1} did not carry the whole audio`);
    }
  });

  // Issue 17 item 10: a request that may have taken effect is never repeated silently.
  it("a 201 for voices.create whose body is cut short is not retried (no second voice)", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          req.resume();
          req.on("end", () => {
            const body = JSON.stringify(VOICE);
            res.writeHead(201, {
              "Content-Type": "application/json",
              "Content-Length": String(body.length),
              Connection: "close",
            });
            res.write(body.slice(0, 20));
            setTimeout(() => res.socket?.destroy(), 20);
          });
        }),
      async (server) => {
        await rejectsWith(
          client(server.url, { maxRetries: 2 }).voices.create({
            title: "Once",
            voices: [new Uint8Array(100)],
          }),
          APIConnectionError,
        );
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("TTS reset after the request was sent is not retried (no second charge)", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req) => {
          req.resume();
          req.on("end", () => req.socket.resetAndDestroy());
        }),
      async (server) => {
        const fish = client(server.url, { maxRetries: 2 });
        await rejectsWith(fish.tts.convert({ text: "Hello" }), APIConnectionError);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a 500 to a POST is not retried; a 500 to a GET is", async () => {
    await runIsolated(
      () => httpFaultServer((_req, res) => sendJson(res, 500, { status: 500, message: "boom" })),
      async (server) => {
        const fish = client(server.url, { maxRetries: 1 });
        await rejectsWith(fish.tts.convert({ text: "Hello" }), ServerError);
        assert.equal(server.attempts, 1);
        await rejectsWith(fish.voices.get("v1"), ServerError);
        assert.equal(server.attempts, 3);
      },
    );
  });

  it("a refused connection is retried for a POST too (nothing was sent)", async () => {
    const baseUrl = await refusedUrl();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const fish = new FishAudio({ apiKey: "k", baseUrl, maxRetries: 1, fetch: counting });
    await rejectsWith(fish.tts.convert({ text: "Hello" }), APIConnectionError);
    assert.equal(calls, 2);
  });

  it("503 every time -> ServerError after maxRetries + 1 attempts", async () => {
    await runIsolated(
      () =>
        httpFaultServer((_req, res) =>
          sendJson(res, 503, { status: 503, message: "high load" }, { "retry-after-ms": "10" }),
        ),
      async (server) => {
        const error = await rejectsWith(
          client(server.url, { maxRetries: 3 }).voices.get("v1"),
          ServerError,
        );
        assert.equal(error.status, 503);
        assert.equal(server.attempts, 4);
      },
    );
  });

  it("maxRetries per request overrides the client's", async () => {
    await runIsolated(
      () =>
        httpFaultServer((_req, res) =>
          sendJson(res, 500, { status: 500, message: "boom" }, { "retry-after-ms": "10" }),
        ),
      async (server) => {
        const fish = client(server.url, { maxRetries: 5 });
        await rejectsWith(fish.voices.get("v1", { maxRetries: 1 }), ServerError);
        assert.equal(server.attempts, 2);
      },
    );
  });
});

describe("HTTP faults: statuses that must not be retried", () => {
  const cases: [number, abstract new (...args: never[]) => APIError][] = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [422, UnprocessableEntityError],
  ];
  for (const [status, Class] of cases) {
    it(`${status} -> ${Class.name} after exactly one attempt`, async () => {
      await runIsolated(
        () =>
          httpFaultServer((_req, res) =>
            sendJson(
              res,
              status,
              { status, message: `said ${status}` },
              { "retry-after-ms": "10" },
            ),
          ),
        async (server) => {
          const error = await rejectsWith(
            client(server.url, { maxRetries: 2 }).voices.get("v1"),
            Class,
          );
          assert.equal(error.status, status);
          assert.match(error.message, new RegExp(`said ${status}`));
          assert.equal(server.attempts, 1);
        },
      );
    });
  }
});

describe("HTTP faults: bodies that are not what they claim", () => {
  it("an error body that is not JSON -> ServerError carrying the text", async () => {
    await runIsolated(
      () =>
        httpFaultServer((_req, res) => {
          res.writeHead(502, { "content-type": "application/json" });
          res.end("<html><body>Bad gateway</body></html>");
        }),
      async (server) => {
        const error = await rejectsWith(client(server.url).voices.get("v1"), ServerError);
        assert.equal(error.status, 502);
        assert.equal(typeof error.body, "string");
        assert.match(error.message, /Bad gateway/);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("an error body that is an array -> UnprocessableEntityError with the issues", async () => {
    const issues = [
      { loc: ["body", "text"], msg: "field required", type: "missing" },
      { loc: ["body", "chunk_length"], msg: "must be <= 300", type: "less_than_equal" },
    ];
    await runIsolated(
      () => httpFaultServer((_req, res) => sendJson(res, 422, issues)),
      async (server) => {
        const error = await rejectsWith(
          client(server.url).tts.convert({ text: "Hello" }),
          UnprocessableEntityError,
        );
        assert.deepEqual(error.body, issues);
        assert.match(error.message, /body\.text: field required/);
        assert.match(error.message, /chunk_length: must be <= 300/);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("an empty error body -> the status alone, still the right class", async () => {
    await runIsolated(
      () =>
        httpFaultServer((_req, res) => {
          res.writeHead(401);
          res.end();
        }),
      async (server) => {
        const error = await rejectsWith(client(server.url).voices.get("v1"), AuthenticationError);
        assert.equal(error.status, 401);
        assert.match(error.message, /401/);
      },
    );
  });

  it("a 200 whose JSON body does not parse -> a FishAudioError, not a raw SyntaxError", async () => {
    await runIsolated(
      () =>
        httpFaultServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"_id": "v1", "title": ');
        }),
      async (server) => {
        const error = await rejectsWith(client(server.url).voices.get("v1"), FishAudioError);
        assert.ok(!(error instanceof SyntaxError));
        assert.equal(server.attempts, 1);
      },
    );
  });
});

describe("HTTP faults: streamed bodies", () => {
  it("reset in the middle of a chunked body -> APIConnectionError while iterating", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          req.resume();
          res.writeHead(200, { "content-type": "audio/mpeg" });
          res.write(Buffer.alloc(1024, 1), () => {
            setTimeout(() => req.socket.resetAndDestroy(), 20);
          });
        }),
      async (server) => {
        const audio = await client(server.url, { maxRetries: 2 }).tts.convert({ text: "Hello" });
        const error = await rejectsWith(drain(audio), APIConnectionError);
        assert.ok(error instanceof FishAudioError);
        // Headers had arrived, so the SDK must not replay the request behind the caller's back.
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a Connection: close body cut short of its Content-Length -> APIConnectionError", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          req.resume();
          res.shouldKeepAlive = false;
          res.writeHead(200, { "content-type": "audio/mpeg", "content-length": "100000" });
          res.write(Buffer.alloc(1024, 1), () => {
            setTimeout(() => req.socket.resetAndDestroy(), 20);
          });
        }),
      async (server) => {
        const audio = await client(server.url, { maxRetries: 2 }).tts.convert({ text: "Hello" });
        await rejectsWith(drain(audio), APIConnectionError);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a body that stalls after the headers -> APITimeoutError while iterating", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          req.resume();
          res.writeHead(200, { "content-type": "audio/mpeg" });
          res.write(Buffer.alloc(256, 1));
        }),
      async (server) => {
        const audio = await client(server.url, { timeout: 200, maxRetries: 2 }).tts.convert({
          text: "Hello",
        });
        await rejectsWith(drain(audio), APITimeoutError);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a caller that breaks out of the audio loop releases the connection", async () => {
    let serverSawClose = false;
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          req.resume();
          res.writeHead(200, { "content-type": "audio/mpeg" });
          // An endless body: only the client going away ends it.
          const timer = setInterval(() => res.write(Buffer.alloc(512, 7)), 5);
          res.on("close", () => {
            serverSawClose = true;
            clearInterval(timer);
          });
        }),
      async (server) => {
        const audio = await client(server.url).tts.convert({ text: "Hello" });
        let chunks = 0;
        for await (const _chunk of audio) {
          chunks += 1;
          if (chunks === 3) break;
        }
        assert.equal(chunks, 3);
        await server.waitForSocketsClosed(3000);
        assert.ok(serverSawClose);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("cancelling toReadableStream() releases the connection", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          req.resume();
          res.writeHead(200, { "content-type": "audio/mpeg" });
          const timer = setInterval(() => res.write(Buffer.alloc(512, 7)), 5);
          res.on("close", () => clearInterval(timer));
        }),
      async (server) => {
        const audio = await client(server.url).tts.convert({ text: "Hello" });
        const reader = audio.toReadableStream().getReader();
        const first = await reader.read();
        assert.equal(first.done, false);
        await reader.cancel();
        await server.waitForSocketsClosed(3000);
      },
    );
  });

  it("the caller's abort in the middle of a body -> APIUserAbortError, connection closed", async () => {
    await runIsolated(
      () =>
        httpFaultServer((req, res) => {
          req.resume();
          res.writeHead(200, { "content-type": "audio/mpeg" });
          res.write(Buffer.alloc(256, 1));
          // Then stall: no more bytes and no end.
        }),
      async (server) => {
        const controller = new AbortController();
        const audio = await client(server.url, { timeout: 60_000 }).tts.convert(
          { text: "Hello" },
          { signal: controller.signal },
        );
        const reading = drain(audio);
        setTimeout(() => controller.abort(), 50);
        await rejectsWith(reading, APIUserAbortError);
        assert.equal(server.attempts, 1);
      },
    );
  });
});
