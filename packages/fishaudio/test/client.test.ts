import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  FishAudio,
  FishAudioError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
  ValidationError,
  VERSION,
} from "fishaudio";
import { clientWith, json, manualStream, pendingTimersAfter, stalled } from "./helpers.js";

const credits = { _id: "c1", user_id: "u1", credit: "1.5", created_at: "t", updated_at: "t" };

describe("FishAudio options", () => {
  let saved: Record<string, string | undefined>;
  beforeEach(() => {
    saved = { key: process.env.FISH_API_KEY, url: process.env.FISH_BASE_URL };
    delete process.env.FISH_API_KEY;
    delete process.env.FISH_BASE_URL;
  });
  afterEach(() => {
    for (const [name, value] of [
      ["FISH_API_KEY", saved.key],
      ["FISH_BASE_URL", saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("throws FishAudioError naming FISH_API_KEY when there is no key", () => {
    assert.throws(
      () => new FishAudio(),
      (error: unknown) => error instanceof FishAudioError && /FISH_API_KEY/.test(error.message),
    );
  });

  it("reads FISH_API_KEY and FISH_BASE_URL, and defaults the rest", () => {
    process.env.FISH_API_KEY = "env-key";
    assert.equal(new FishAudio().baseUrl, "https://api.fish.audio");
    process.env.FISH_BASE_URL = "http://127.0.0.1:1234/prefix/";
    const client = new FishAudio();
    assert.equal(client.apiKey, "env-key");
    assert.equal(client.baseUrl, "http://127.0.0.1:1234/prefix");
    assert.equal(client.timeout, 240_000);
    assert.equal(client.maxRetries, 2);
    assert.equal(new FishAudio({ apiKey: "opt", baseUrl: "http://x.test" }).apiKey, "opt");
  });

  it("rejects a malformed base URL, timeout or maxRetries", () => {
    assert.throws(() => new FishAudio({ apiKey: "k", baseUrl: "api.fish.audio" }), ValidationError);
    assert.throws(() => new FishAudio({ apiKey: "k", timeout: -1 }), ValidationError);
    assert.throws(() => new FishAudio({ apiKey: "k", maxRetries: 1.5 }), ValidationError);
  });
});

describe("request pipeline", () => {
  it("sends auth, User-Agent, default headers, per-request headers and query", async () => {
    const { client, calls } = clientWith(() => json(credits), {
      baseUrl: "http://127.0.0.1:9/api/",
      defaultHeaders: { "X-Team": "a", "X-Drop": "1" },
    });
    await client.account.getCredits({
      headers: { "X-Extra": "b", "x-drop": null },
      query: { check_free_credit: true },
    });
    const [call] = calls;
    assert.equal(
      call?.url.toString(),
      "http://127.0.0.1:9/api/wallet/self/api-credit?check_free_credit=true",
    );
    assert.equal(call?.init.method, "GET");
    assert.equal(call?.headers.get("authorization"), "Bearer test-key");
    assert.equal(call?.headers.get("user-agent"), `fish-audio/typescript/${VERSION}`);
    assert.equal(call?.headers.get("x-team"), "a");
    assert.equal(call?.headers.get("x-extra"), "b");
    assert.equal(call?.headers.has("x-drop"), false);
  });

  it("keeps each request's headers its own: per-request layers and a fetch that edits them do not leak", async () => {
    const seen: Record<string, string>[] = [];
    const client = new FishAudio({
      apiKey: "test-key",
      baseUrl: "http://127.0.0.1:9",
      fetch: async (_url, init) => {
        const headers = init.headers as Record<string, string>;
        seen.push({ ...headers });
        // A fetch (or an instrumentation wrapper) that changes what it was given.
        delete headers.Authorization;
        headers["X-Added-By-Fetch"] = "1";
        return json(credits);
      },
    });
    await client.account.getCredits({ headers: { "X-Extra": "b", "user-agent": null } });
    await client.account.getCredits();
    await client.account.getCredits();
    assert.deepEqual(seen[0], { Authorization: "Bearer test-key", "X-Extra": "b" });
    for (const headers of seen.slice(1)) {
      assert.deepEqual(headers, {
        Authorization: "Bearer test-key",
        "User-Agent": `fish-audio/typescript/${VERSION}`,
      });
    }
  });

  it("retries 5xx, 408, 409 and 429 up to maxRetries, then succeeds", async () => {
    for (const status of [500, 503, 408, 409, 429]) {
      const { client, calls } = clientWith((_, attempt) =>
        attempt < 3
          ? json({ status, message: "busy" }, { status, headers: { "retry-after-ms": "0" } })
          : json(credits),
      );
      const result = await client.account.getCredits();
      assert.equal(result.credit, "1.5");
      assert.equal(calls.length, 3, `status ${status}`);
    }
  });

  it("gives up after maxRetries + 1 attempts with the status's error class", async () => {
    const { client, calls } = clientWith(() =>
      json({ status: 503, message: "high load" }, { status: 503, headers: { "retry-after": "0" } }),
    );
    await assert.rejects(client.account.getCredits(), (error: unknown) => {
      assert.ok(error instanceof ServerError);
      assert.equal(error.status, 503);
      assert.equal(error.message, "HTTP 503: high load");
      return true;
    });
    assert.equal(calls.length, 3);

    const once = clientWith(() => json({}, { status: 429, headers: { "retry-after": "0" } }));
    await assert.rejects(once.client.account.getCredits({ maxRetries: 0 }), RateLimitError);
    assert.equal(once.calls.length, 1);
  });

  it("honours Retry-After given as an HTTP date", async () => {
    const past = new Date(Date.now() - 5000).toUTCString();
    const { client, calls } = clientWith((_, attempt) =>
      attempt === 1 ? json({}, { status: 429, headers: { "retry-after": past } }) : json(credits),
    );
    await client.account.getCredits();
    assert.equal(calls.length, 2);
  });

  it("does not retry other 4xx and maps them by status", async () => {
    const { client, calls } = clientWith(() =>
      json(
        { status: 401, message: "Invalid Token" },
        { status: 401, headers: { "x-request-id": "req-9" } },
      ),
    );
    await assert.rejects(client.account.getPackage(), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError);
      assert.equal(error.message, "HTTP 401: Invalid Token");
      assert.deepEqual(error.body, { status: 401, message: "Invalid Token" });
      assert.equal(error.requestId, "req-9");
      assert.equal(error.headers?.get("x-request-id"), "req-9");
      return true;
    });
    assert.equal(calls.length, 1);
  });

  it("reads array, text and empty error bodies", async () => {
    const array = clientWith(() =>
      json([{ loc: ["body", "text"], msg: "required" }], { status: 422 }),
    );
    await assert.rejects(array.client.account.getCredits(), (error: unknown) => {
      assert.ok(error instanceof UnprocessableEntityError);
      assert.equal(error.message, "HTTP 422: body.text: required");
      return true;
    });
    const text = clientWith(() => new Response("bad body", { status: 400 }));
    await assert.rejects(text.client.account.getCredits(), (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.equal(error.body, "bad body");
      return true;
    });
    const empty = clientWith(() => new Response(null, { status: 418 }));
    await assert.rejects(empty.client.account.getCredits(), (error: unknown) => {
      assert.equal((error as APIError).constructor, APIError);
      assert.equal((error as APIError).message, "HTTP 418");
      return true;
    });
  });

  it("rejects a success body that is not JSON with an APIError carrying the text", async () => {
    const { client, calls } = clientWith(() => new Response("<html>oops</html>", { status: 200 }));
    await assert.rejects(client.account.getCredits(), (error: unknown) => {
      assert.ok(error instanceof APIError);
      assert.equal(error.status, 200);
      assert.equal(error.body, "<html>oops</html>");
      return true;
    });
    assert.equal(calls.length, 1);
    const wrongShape = clientWith(() => json([1, 2]));
    await assert.rejects(wrongShape.client.voices.get("v1"), /expected a voice/);
  });

  it("retries connection errors and then throws APIConnectionError with the cause", async () => {
    const cause = new TypeError("fetch failed");
    const { client, calls } = clientWith(() => {
      throw cause;
    });
    await assert.rejects(client.account.getCredits({ maxRetries: 1 }), (error: unknown) => {
      assert.ok(error instanceof APIConnectionError);
      assert.equal(error.cause, cause);
      assert.match(error.message, /fetch failed/);
      return true;
    });
    assert.equal(calls.length, 2);
  });
});

describe("timeouts", () => {
  it("times out waiting for headers, even when fetch ignores its signal", async () => {
    const polite = clientWith((call) => stalled(call.init), { timeout: 20, maxRetries: 0 });
    await assert.rejects(polite.client.account.getCredits(), APITimeoutError);
    const rude = clientWith(() => new Promise<Response>(() => {}), { timeout: 20, maxRetries: 0 });
    await assert.rejects(rude.client.account.getCredits(), APITimeoutError);
  });

  it("aborts the underlying fetch when it times out, and retries timeouts", async () => {
    const signals: AbortSignal[] = [];
    const { client, calls } = clientWith(
      (call) => {
        signals.push(call.init.signal as AbortSignal);
        return stalled(call.init);
      },
      { timeout: 20 },
    );
    await assert.rejects(client.account.getCredits({ maxRetries: 1 }), APITimeoutError);
    assert.equal(calls.length, 2);
    assert.ok(signals.every((s) => s.aborted));
  });

  it("bounds reading a JSON body by the timeout", async () => {
    const { client } = clientWith(() => new Response(manualStream().stream), {
      timeout: 20,
      maxRetries: 0,
    });
    await assert.rejects(client.account.getCredits(), APITimeoutError);
  });

  it("fails a stalled audio stream with APITimeoutError after the chunks that did arrive", async () => {
    const body = manualStream();
    const { client } = clientWith(() => new Response(body.stream), { timeout: 30 });
    const audio = await client.tts.convert({ text: "Hi" });
    body.push(1, 2);
    const received: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of audio) received.push(...chunk);
      })(),
      APITimeoutError,
    );
    assert.deepEqual(received, [1, 2]);
    assert.ok(body.cancelled, "the stalled body is cancelled");
  });
});

describe("abort", () => {
  it("does not send when the signal is already aborted", async () => {
    const { client, calls } = clientWith(() => json(credits));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      client.account.getCredits({ signal: controller.signal }),
      APIUserAbortError,
    );
    assert.equal(calls.length, 0);
  });

  it("aborts an in-flight request, and a retry wait, with APIUserAbortError", async () => {
    const inFlight = clientWith((call) => stalled(call.init));
    const controller = new AbortController();
    const pending = inFlight.client.account.getCredits({ signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await assert.rejects(pending, APIUserAbortError);

    const waiting = clientWith(() => json({}, { status: 503, headers: { "retry-after": "30" } }));
    const controller2 = new AbortController();
    const pending2 = waiting.client.account.getCredits({ signal: controller2.signal });
    setTimeout(() => controller2.abort(), 5);
    await assert.rejects(pending2, APIUserAbortError);
    assert.equal(waiting.calls.length, 1);
  });

  it("ends an audio stream with APIUserAbortError when aborted mid-body", async () => {
    const body = manualStream();
    const { client } = clientWith(() => new Response(body.stream));
    const controller = new AbortController();
    const audio = await client.tts.convert({ text: "Hi" }, { signal: controller.signal });
    const iterator = audio[Symbol.asyncIterator]();
    body.push(7);
    assert.deepEqual([...((await iterator.next()).value as Uint8Array)], [7]);
    const next = iterator.next();
    controller.abort();
    await assert.rejects(next, APIUserAbortError);
    assert.ok(body.cancelled);
  });
});

describe("audio streaming", () => {
  it("yields each chunk as it arrives, before the body has ended", async () => {
    const body = manualStream();
    const { client } = clientWith(() => new Response(body.stream));
    const audio = await client.tts.convert({ text: "Hi" });
    const iterator = audio[Symbol.asyncIterator]();
    body.push(1);
    assert.deepEqual([...((await iterator.next()).value as Uint8Array)], [1]);
    body.push(2, 3);
    assert.deepEqual([...((await iterator.next()).value as Uint8Array)], [2, 3]);
    body.end();
    assert.equal((await iterator.next()).done, true);
  });

  it("rejects convert() on an HTTP error before any body is handed out, after retries", async () => {
    const { client, calls } = clientWith(() =>
      json({ status: 402, message: "Insufficient API credit" }, { status: 402 }),
    );
    await assert.rejects(client.tts.convert({ text: "Hi" }), /402: Insufficient API credit/);
    assert.equal(calls.length, 1);
  });

  it("does not retry once the body has started: a broken stream surfaces as APIConnectionError", async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    const { client, calls } = clientWith(() => new Response(stream));
    const audio = await client.tts.convert({ text: "Hi" });
    controller.enqueue(new Uint8Array([1]));
    controller.error(new Error("socket hang up"));
    await assert.rejects(audio.collect(), APIConnectionError);
    assert.equal(calls.length, 1);
  });

  it("cancels the body when the caller stops early", async () => {
    const body = manualStream();
    const { client } = clientWith(() => new Response(body.stream));
    const audio = await client.tts.convert({ text: "Hi" });
    body.push(1);
    for await (const _ of audio) break;
    assert.ok(body.cancelled);
  });
});

describe("timers", () => {
  it("leaves no pending timer after success, errors, retries, timeouts, aborts and streams", async () => {
    const pending = await pendingTimersAfter(async () => {
      await clientWith(() => json(credits)).client.account.getCredits();
      await clientWith(() => json({}, { status: 404 }))
        .client.account.getCredits()
        .catch(() => {});
      await clientWith((_, n) => (n === 1 ? json({}, { status: 500 }) : json(credits)), {})
        .client.account.getCredits({ headers: {} })
        .catch(() => {});
      await clientWith((call) => stalled(call.init), { timeout: 10, maxRetries: 0 })
        .client.account.getCredits()
        .catch(() => {});
      const controller = new AbortController();
      const aborted = clientWith((call) => stalled(call.init)).client.account.getCredits({
        signal: controller.signal,
      });
      controller.abort();
      await aborted.catch(() => {});
      const body = manualStream();
      const audio = await clientWith(() => new Response(body.stream)).client.tts.convert({
        text: "Hi",
      });
      body.push(1);
      body.end();
      await audio.collect();
      const early = manualStream();
      const partial = await clientWith(() => new Response(early.stream)).client.tts.convert({
        text: "Hi",
      });
      early.push(1);
      for await (const _ of partial) break;
      // A stream that is never read must not hold a timer either.
      await clientWith(() => new Response(manualStream().stream)).client.tts.convert({
        text: "Hi",
      });
    });
    assert.equal(pending, 0);
  });
});

/** A logger that keeps every line it is given. */
function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const at =
    (level: string) =>
    (message: string, ...rest: unknown[]) => {
      lines.push({ level, message: [message, ...rest.map(String)].join(" ") });
    };
  return {
    lines,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

describe("conveniences", () => {
  it("logs one line per request and per retry, with method, path, status, attempt and time", async () => {
    const { lines, logger } = recordingLogger();
    const { client } = clientWith(
      (_, attempt) =>
        attempt === 1
          ? json({ message: "busy" }, { status: 503, headers: { "retry-after-ms": "0" } })
          : json(credits, { headers: { "x-request-id": "r-9" } }),
      { logger, logLevel: "info" },
    );
    await client.account.getCredits();
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!.message,
      /^fishaudio: GET \/wallet\/self\/api-credit 503 in \d+ ms \(attempt 1 of 3\); retrying in 0 ms$/,
    );
    assert.match(
      lines[1]!.message,
      /^fishaudio: GET \/wallet\/self\/api-credit 200 in \d+ ms \(attempt 2 of 3, request id r-9\)$/,
    );
    assert.deepEqual(
      lines.map((l) => l.level),
      ["info", "info"],
    );
  });

  it("never logs the API key or the Authorization header, even at debug", async () => {
    const { lines, logger } = recordingLogger();
    const key = "sk-secret-key-1234";
    const { client } = clientWith(
      (call) => json({ message: `bad key ${call.headers.get("authorization")}` }, { status: 401 }),
      { apiKey: key, logger, logLevel: "debug", defaultHeaders: { "X-Team": "a" } },
    );
    await assert.rejects(client.voices.get("v1"), AuthenticationError);
    const rotating = clientWith(() => json(credits), {
      apiKey: async () => `${key}-rotated`,
      logger,
      logLevel: "debug",
    });
    await rotating.client.account.getCredits();
    const all = lines.map((l) => l.message).join("\n");
    assert.ok(lines.some((l) => l.level === "debug" && /X-Team: a/.test(l.message)));
    assert.ok(lines.some((l) => /Authorization: \*\*\*/.test(l.message)));
    assert.equal(all.includes(key), false, all);
    assert.equal(/Bearer/i.test(all), false, all);
  });

  it("logLevel filters lines, FISH_LOG sets it, off silences everything, a bad value is named", () => {
    const saved = process.env.FISH_LOG;
    try {
      process.env.FISH_LOG = "debug";
      assert.equal(new FishAudio({ apiKey: "k" }).logLevel, "debug");
      assert.equal(new FishAudio({ apiKey: "k", logLevel: "off" }).logLevel, "off");
      delete process.env.FISH_LOG;
      assert.equal(new FishAudio({ apiKey: "k" }).logLevel, "warn");
      const { lines, logger } = recordingLogger();
      process.env.FISH_LOG = "loud";
      assert.equal(new FishAudio({ apiKey: "k", logger }).logLevel, "warn");
      assert.match(lines[0]?.message ?? "", /FISH_LOG="loud" is not one of debug, info/);
      assert.throws(
        () => new FishAudio({ apiKey: "k", logLevel: "loud" as never }),
        (error: unknown) => error instanceof ValidationError && error.field === "logLevel",
      );
    } finally {
      if (saved === undefined) delete process.env.FISH_LOG;
      else process.env.FISH_LOG = saved;
    }
  });

  it("logs nothing below the level", async () => {
    const { lines, logger } = recordingLogger();
    const { client } = clientWith(() => json(credits), { logger, logLevel: "warn" });
    await client.account.getCredits();
    assert.deepEqual(lines, []);
  });

  it("withOptions() derives a client with the same connection and the given changes", async () => {
    const { client, calls } = clientWith(() => json(credits), {
      defaultHeaders: { "X-Team": "a" },
      timeout: 5_000,
    });
    const derived = client.withOptions({ maxRetries: 7, defaultQuery: { v: "2" } });
    assert.notEqual(derived, client);
    assert.equal(derived.maxRetries, 7);
    assert.equal(derived.timeout, 5_000);
    assert.equal(derived.baseUrl, client.baseUrl);
    assert.equal(derived.apiKey, "test-key");
    assert.equal(client.maxRetries, 2);
    await derived.account.getCredits();
    assert.equal(calls.length, 1, "the derived client uses the same fetch");
    assert.equal(calls[0]?.headers.get("x-team"), "a");
    assert.equal(calls[0]?.url.searchParams.get("v"), "2");
    assert.equal(client.withOptions({ timeout: undefined }).timeout, 5_000);
  });

  it("calls an async apiKey function before each request, so keys can rotate", async () => {
    let n = 0;
    const { client, calls } = clientWith(() => json(credits), {
      apiKey: async () => `key-${++n}`,
    });
    await client.account.getCredits();
    await client.voices.get("v1").catch(() => {});
    assert.deepEqual(
      calls.map((c) => c.headers.get("authorization")),
      ["Bearer key-1", "Bearer key-2"],
    );
    const broken = clientWith(() => json(credits), { apiKey: async () => "" });
    await assert.rejects(broken.client.account.getCredits(), /apiKey function must return/);
    assert.equal(broken.calls.length, 0);
    const failing = clientWith(() => json(credits), {
      apiKey: () => Promise.reject(new Error("vault down")),
    });
    await assert.rejects(failing.client.account.getCredits(), /apiKey function failed: vault down/);
  });

  it("adds defaultQuery to every request, below the method's and the caller's parameters", async () => {
    const { client, calls } = clientWith(() => json({ total: 0, items: [] }), {
      defaultQuery: { team: "a", page_size: 99 },
    });
    await client.voices.list({ pageSize: 5 }, { query: { team: "b" } });
    const url = calls[0]!.url;
    assert.equal(url.searchParams.get("team"), "b");
    assert.equal(url.searchParams.get("page_size"), "5");
    assert.equal(url.searchParams.getAll("page_size").length, 1);
  });
});
