import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { WebSocket as NodeWebSocket } from "ws";
import {
  APIUserAbortError,
  AuthenticationError,
  PaymentRequiredError,
  ValidationError,
  WebSocketError,
} from "../../src/core/error.js";
import type { LiveInput, LiveSessionOptions, WebSocketLike } from "../../src/realtime/index.js";
import { streamLive } from "../../src/realtime/index.js";
import { LiveSession } from "../../src/realtime/session.js";
import {
  activeHandles,
  type Connection,
  decodeFrame,
  deferred,
  hex,
  type LiveServer,
  startLiveServer,
} from "./live-server.js";

// The 320-byte start event the Python SDK 1.3 sends with its default config (protocol 12.2).
const START_HEX =
  "82a56576656e74a57374617274a772657175657374de0012a474657874a0ac6368756e6b5f6c656e677468ccc8a6666f726d6174a36d7033ab73616d706c655f72617465c0ab6d70335f62697472617465cc80ac6f7075735f6269747261746520aa7265666572656e63657390ac7265666572656e63655f6964c0a96e6f726d616c697a65c3a76c6174656e6379a862616c616e636564a770726f736f6479c0a5746f705f70cb3fe6666666666666ab74656d7065726174757265cb3fe6666666666666ae6d61785f6e65775f746f6b656e73cd0400b272657065746974696f6e5f70656e616c7479cb3ff3333333333333b06d696e5f6368756e6b5f6c656e67746832bc636f6e646974696f6e5f6f6e5f70726576696f75735f6368756e6b73c3b46561726c795f73746f705f7468726573686f6c64cb3ff0000000000000";
const START = new Uint8Array(Buffer.from(START_HEX, "hex"));
const TEXT_HELLO = "82a56576656e74a474657874a474657874a548656c6c6f";
const FLUSH = "81a56576656e74a5666c757368";
const STOP = "81a56576656e74a473746f70";
const HEADERS = {
  Authorization: "Bearer test-key",
  "User-Agent": "fish-audio/typescript/test",
  model: "s2-pro",
};

const servers: LiveServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function server(
  onConnection: (c: Connection) => void | Promise<void>,
  options?: Parameters<typeof startLiveServer>[1],
): Promise<LiveServer> {
  const s = await startLiveServer(onConnection, options);
  servers.push(s);
  return s;
}

function live(url: string, input: LiveInput, extra: Partial<LiveSessionOptions> = {}) {
  return streamLive({ url, headers: HEADERS, startFrame: START, input, ...extra });
}

/** Plays the well-behaved server: audio for every text frame, finish/stop after stop. */
async function echoServer(c: Connection): Promise<void> {
  let n = 0;
  for (;;) {
    const frame = decodeFrame(await c.nextFrame());
    if (frame.event === "text") c.sendEvent({ event: "audio", audio: new Uint8Array([++n, n, n]) });
    if (frame.event === "stop") {
      c.sendEvent({ event: "finish", reason: "stop" });
      c.ws.close(1000);
      return;
    }
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the stream to fail");
}

describe("streamLive on the wire", () => {
  it("sends the headers, the start frame, text/flush/stop byte for byte, and yields the audio", async () => {
    const s = await server(echoServer);
    const audio = live(s.url, ["Hello", { event: "flush" }, { event: "text", text: "Hello" }]);
    const bytes = await audio.collect();
    const c = s.connections[0]!;
    assert.equal(c.headers.authorization, "Bearer test-key");
    assert.equal(c.headers["user-agent"], "fish-audio/typescript/test");
    assert.equal(c.headers.model, "s2-pro");
    assert.deepEqual(c.frames.map(hex), [START_HEX, TEXT_HELLO, FLUSH, TEXT_HELLO, STOP]);
    assert.deepEqual([...bytes], [1, 1, 1, 2, 2, 2]);
  });

  it("connects only when iteration starts", async () => {
    const s = await server(echoServer);
    const audio = live(s.url, ["Hello"]);
    await tick();
    assert.equal(s.connections.length, 0);
    await audio.collect();
    assert.equal(s.connections.length, 1);
  });

  it("sends each text as the input produces it, and yields audio while the input is still open", async () => {
    const s = await server(async (c) => {
      assert.equal(hex(await c.nextFrame()), START_HEX);
      const first = decodeFrame(await c.nextFrame());
      assert.deepEqual(first, { event: "text", text: "Hello" });
      c.sendEvent({ event: "audio", audio: new Uint8Array([7]) });
      await echoServer(c);
    });
    const firstAudio = deferred();
    async function* tokens() {
      yield "Hello";
      // Like an LLM still thinking: the next token waits for audio of the first one, so a
      // client that buffered text until the input ended would never get here.
      await firstAudio.promise;
      yield "Hello";
    }
    const received: number[] = [];
    for await (const chunk of live(s.url, tokens())) {
      received.push(...chunk);
      firstAudio.resolve();
    }
    assert.deepEqual(received, [7, 1, 1, 1]);
    assert.deepEqual(s.connections[0]!.frames.map(hex), [START_HEX, TEXT_HELLO, TEXT_HELLO, STOP]);
  });

  it("sends start then stop for an empty input", async () => {
    const s = await server(echoServer);
    const bytes = await live(s.url, []).collect();
    assert.equal(bytes.byteLength, 0);
    assert.deepEqual(s.connections[0]!.frames.map(hex), [START_HEX, STOP]);
  });

  it("ignores unknown events, maps without event, text frames and empty audio", async () => {
    const s = await server(async (c) => {
      await c.nextFrame();
      c.sendEvent({ event: "log", message: "hi" });
      c.sendEvent({ hello: "world" });
      c.ws.send("not binary");
      c.sendEvent({ event: "audio", audio: new Uint8Array(0) });
      c.sendEvent({ event: "audio", audio: new Uint8Array([5, 6]) });
      await echoServer(c);
    });
    const bytes = await live(s.url, ["Hello"]).collect();
    assert.deepEqual([...bytes], [5, 6, 1, 1, 1]);
  });

  it("throws WebSocketError with the server's message on finish/error", async () => {
    const s = await server(async (c) => {
      await c.nextFrame();
      c.sendEvent({ event: "audio", audio: new Uint8Array([1]) });
      c.sendEvent({ event: "finish", reason: "error", message: "voice not found" });
      c.ws.close(1000);
    });
    const received: number[] = [];
    const error = await rejection(
      (async () => {
        for await (const chunk of live(s.url, ["Hello"])) received.push(...chunk);
      })(),
    );
    assert.ok(error instanceof WebSocketError);
    assert.equal(error.reason, "error");
    assert.equal(error.serverMessage, "voice not found");
    assert.match(error.message, /voice not found/);
    assert.deepEqual(received, [1], "audio before the error is still delivered");
  });

  it("reports a finish/error the server sends together with the upgrade response", async () => {
    // Sent from the connection handler, these bytes reach the client in the same read as the
    // 101 response, before the client has a chance to send anything.
    const s = await server((c) => {
      c.sendEvent({ event: "finish", reason: "error", message: "too many sessions" });
      c.ws.close(1000);
    });
    const error = await rejection(live(s.url, ["Hello"]).collect());
    assert.ok(error instanceof WebSocketError, String(error));
    assert.equal(error.reason, "error");
    assert.equal(error.serverMessage, "too many sessions");
  });

  it("reports a close that comes with the upgrade response", async () => {
    const s = await server((c) => {
      c.ws.close(4003, "busy");
    });
    const error = await rejection(live(s.url, ["Hello"]).collect());
    assert.ok(error instanceof WebSocketError, String(error));
    assert.equal(error.code, 4003);
    assert.equal(error.serverMessage, "busy");
  });

  it("throws WebSocketError with the close code and reason when the socket closes without finish", async () => {
    const s = await server(async (c) => {
      await c.nextFrame();
      c.ws.close(4001, "engine crashed");
    });
    const error = await rejection(live(s.url, ["Hello"]).collect());
    assert.ok(error instanceof WebSocketError);
    assert.equal(error.code, 4001);
    assert.equal(error.serverMessage, "engine crashed");
    assert.match(error.message, /before the server sent "finish".*4001: engine crashed/);
  });

  it("throws WebSocketError on a frame that is not msgpack, and closes the socket", async () => {
    const closed = deferred<{ code: number }>();
    const s = await server(async (c) => {
      await c.nextFrame();
      c.ws.send(new Uint8Array([0xc1, 0x00]));
      closed.resolve(await c.closed);
    });
    const error = await rejection(
      live(
        s.url,
        (async function* () {
          yield "Hello";
          await new Promise(() => {}); // never ends: the failure must not wait for the input
        })(),
      ).collect(),
    );
    assert.ok(error instanceof WebSocketError);
    assert.match(error.message, /not valid msgpack/);
    assert.equal((await closed.promise).code, 1000);
  });

  it("reports a refused upgrade as the APIError of its status, with the server's message", async () => {
    const s401 = await server(() => {}, {
      verifyClient: () => ({ status: 401, body: { status: 401, message: "Invalid API key" } }),
    });
    const error = await rejection(live(s401.url, ["Hello"]).collect());
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.status, 401);
    assert.deepEqual(error.body, { status: 401, message: "Invalid API key" });
    assert.match(error.message, /401: Invalid API key/);

    const s402 = await server(() => {}, {
      verifyClient: () => ({
        status: 402,
        body: { status: 402, message: "Insufficient API credit" },
      }),
    });
    const error402 = await rejection(live(s402.url, ["Hello"]).collect());
    assert.ok(error402 instanceof PaymentRequiredError);
    assert.match(error402.message, /Insufficient API credit/);
  });

  it("gives up on a server that never answers the upgrade", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.resume(); // read (and drop) the upgrade request, so the client's hang-up is seen
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const error = await rejection(
        live(`ws://127.0.0.1:${port}/v1/tts/live`, ["Hello"], { connectTimeout: 200 }).collect(),
      );
      assert.ok(error instanceof WebSocketError);
      assert.match(error.message, /Timed out after 200 ms waiting for the WebSocket upgrade/);
      // The client hung up its half: the server sees the socket end.
      await Promise.all(
        sockets.map((socket) => new Promise((resolve) => socket.once("close", resolve))),
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("reports a connection refused as WebSocketError", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const error = await rejection(live(`ws://127.0.0.1:${port}/v1/tts/live`, ["Hi"]).collect());
    assert.ok(error instanceof WebSocketError);
    assert.match(error.message, /Could not connect to ws:\/\/127\.0\.0\.1/);
  });

  it("rejects a URL that is not ws:// or wss:// before connecting", () => {
    assert.throws(() => live("http://127.0.0.1/v1/tts/live", ["Hi"]), ValidationError);
  });

  it("rejects a bare string as input instead of speaking it letter by letter", () => {
    assert.throws(() => live("ws://127.0.0.1/v1/tts/live", "Hello" as unknown as LiveInput), {
      name: "ValidationError",
      message: /pass \[text\]/,
    });
  });

  it("gives up a pending upgrade at once when the reader leaves", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      // The session itself: an AudioStream (an async generator) queues return() behind a
      // pending next(), but a ReadableStream's cancel or a custom consumer may not.
      const iterator = new LiveSession({
        url: `ws://127.0.0.1:${port}/v1/tts/live`,
        headers: HEADERS,
        startFrame: START,
        input: ["Hello"],
      });
      const pending = iterator.next().then(
        () => "resolved",
        () => "rejected",
      );
      while (sockets.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const hungUp = new Promise((resolve) => sockets[0]!.once("close", resolve));
      await iterator.return();
      await hungUp; // the default 30 s connect timeout did not have to run out
      assert.equal(await pending, "rejected");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("streamLive endings", () => {
  it("closes the socket and stops the input when the caller breaks out of the loop", async () => {
    const closed = deferred<{ code: number }>();
    const s = await server(async (c) => {
      await c.nextFrame();
      await c.nextFrame();
      c.sendEvent({ event: "audio", audio: new Uint8Array([1]) });
      closed.resolve(await c.closed);
    });
    const gate = deferred();
    const finalized = deferred();
    async function* tokens() {
      try {
        yield "Hello";
        await gate.promise; // an LLM still producing when the listener walks away
        yield "never sent";
      } finally {
        finalized.resolve();
      }
    }
    for await (const chunk of live(s.url, tokens())) {
      assert.deepEqual([...chunk], [1]);
      break;
    }
    assert.equal((await closed.promise).code, 1000);
    // The generator's pending step completes; the session must not pull or send after that
    // and must let the generator run its cleanup.
    gate.resolve();
    await finalized.promise;
    assert.deepEqual(s.connections[0]!.frames.map(hex), [START_HEX, TEXT_HELLO]);
  });

  it("ends a read that is waiting for audio when the reader leaves", async () => {
    const s = await server(async (c) => {
      await c.nextFrame(); // start, then silence
    });
    const session = new LiveSession({
      url: s.url,
      headers: HEADERS,
      startFrame: START,
      input: ["Hi"],
    });
    const pending = session.next();
    const c = await s.nextConnection();
    await c.nextFrame();
    await session.return();
    assert.deepEqual(await pending, { done: true, value: undefined });
    assert.equal((await c.closed).code, 1000);
  });

  it("stops pulling a synchronous input once the caller breaks", async () => {
    const closed = deferred<{ code: number }>();
    const s = await server(async (c) => {
      await c.nextFrame();
      await c.nextFrame();
      c.sendEvent({ event: "audio", audio: new Uint8Array([1]) });
      closed.resolve(await c.closed);
    });
    let pulled = 0;
    let returned = false;
    const input: Iterable<string> = {
      [Symbol.iterator]: () => ({
        next: () => {
          pulled++;
          return { done: false, value: "x" };
        },
        return: () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    // An endless input would block forever if the sender did not yield to the socket.
    for await (const _ of live(s.url, input, { maxBufferedSendBytes: 0 })) break;
    assert.equal((await closed.promise).code, 1000);
    const pulledAtClose = pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(pulled, pulledAtClose, "the input is not pulled after the session ended");
    assert.equal(returned, true, "the input iterator was told to clean up");
  });

  it("aborts: rejects with APIUserAbortError and closes the socket", async () => {
    const closed = deferred<{ code: number }>();
    const s = await server(async (c) => {
      await c.nextFrame();
      c.sendEvent({ event: "audio", audio: new Uint8Array([1]) });
      closed.resolve(await c.closed);
    });
    const controller = new AbortController();
    const error = await rejection(
      (async () => {
        for await (const _ of live(
          s.url,
          (async function* () {
            yield "Hello";
            await new Promise(() => {});
          })(),
          { signal: controller.signal },
        )) {
          controller.abort(new Error("user left"));
        }
      })(),
    );
    assert.ok(error instanceof APIUserAbortError);
    assert.equal((error.cause as Error).message, "user left");
    assert.equal((await closed.promise).code, 1000);
  });

  it("aborts while waiting for audio that never comes", async () => {
    const s = await server(async (c) => {
      await c.nextFrame();
    });
    const controller = new AbortController();
    const stream = live(s.url, ["Hello"], { signal: controller.signal });
    const pending = stream.collect();
    const c = await s.nextConnection();
    await c.nextFrame();
    controller.abort();
    assert.ok((await rejection(pending)) instanceof APIUserAbortError);
    assert.equal((await c.closed).code, 1000);
  });

  it("does not connect at all when the signal is already aborted", async () => {
    const s = await server(echoServer);
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(live(s.url, ["Hi"], { signal: controller.signal }).collect());
    assert.ok(error instanceof APIUserAbortError);
    assert.equal(s.connections.length, 0);
  });

  it("propagates an error thrown by the input iterator and closes the socket", async () => {
    const s = await server(async (c) => {
      await c.nextFrame();
    });
    const boom = new Error("LLM quota exceeded");
    const error = await rejection(
      live(
        s.url,
        (async function* () {
          yield "Hello";
          throw boom;
        })(),
      ).collect(),
    );
    assert.equal(error, boom);
    assert.equal((await s.connections[0]!.closed).code, 1000);
    assert.deepEqual(s.connections[0]!.frames.map(hex), [START_HEX, TEXT_HELLO]);
  });

  it("fails with ValidationError on an input item it cannot send", async () => {
    const s = await server(async (c) => {
      await c.nextFrame();
    });
    const error = await rejection(live(s.url, ["Hello", 42 as unknown as string]).collect());
    assert.ok(error instanceof ValidationError);
    assert.equal((await s.connections[0]!.closed).code, 1000);
  });

  it("drops a connection whose server stops answering pings", async () => {
    const s = await server(
      async (c) => {
        await c.nextFrame();
      },
      { autoPong: false },
    );
    const error = await rejection(
      live(s.url, ["Hello"], { pingInterval: 20, pongTimeout: 100 }).collect(),
    );
    assert.ok(error instanceof WebSocketError);
    assert.match(error.message, /did not answer keepalive pings/);
  });

  it("sends keepalive pings", async () => {
    const s = await server(async (c) => {
      await c.nextFrame();
      await new Promise((resolve) => c.ws.once("ping", resolve));
      await echoServer(c);
    });
    const bytes = await live(s.url, ["Hello"], { pingInterval: 20 }).collect();
    assert.deepEqual([...bytes], [1, 1, 1]);
  });

  it("leaves no sockets or timers behind after success, error, refusal, break and abort", async () => {
    const s = await server(echoServer);
    const failing = await server(async (c) => {
      await c.nextFrame();
      c.sendEvent({ event: "finish", reason: "error" });
      c.ws.close();
    });
    const refusing = await server(() => {}, {
      verifyClient: () => ({ status: 401, body: { status: 401, message: "Invalid API key" } }),
    });
    await live(s.url, ["warm up"]).collect(); // loads `ws` and warms the server
    await tick();
    const before = activeHandles();

    await live(s.url, ["Hello"]).collect();
    await rejection(live(failing.url, ["Hello"]).collect());
    await rejection(live(refusing.url, ["Hello"]).collect());
    for await (const _ of live(s.url, ["Hello"])) break;
    const controller = new AbortController();
    const aborted = live(s.url, ["Hello"], { signal: controller.signal });
    for await (const _ of aborted) controller.abort();

    // The server side of each socket closes a moment after the client's close frame.
    for (let i = 0; i < 100; i++) {
      const now = activeHandles();
      if ((now.get("TCPSocketWrap") ?? 0) <= (before.get("TCPSocketWrap") ?? 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const after = activeHandles();
    assert.equal(after.get("TCPSocketWrap") ?? 0, before.get("TCPSocketWrap") ?? 0);
    assert.equal(after.get("Timeout") ?? 0, before.get("Timeout") ?? 0);
  });
});

describe("streamLive flow control", () => {
  it("pauses the socket when the reader falls behind, and delivers every byte in order", async () => {
    const frameSize = 32 * 1024;
    const frames = 512; // 16 MiB
    const s = await server(async (c) => {
      await c.nextFrame();
      for (let i = 0; i < frames; i++) {
        const audio = new Uint8Array(frameSize).fill(i % 251);
        // Waiting for each write keeps the server's own memory flat.
        await new Promise<void>((resolve, reject) =>
          c.ws.send(Buffer.from(encodeAudio(audio)), (error) =>
            error ? reject(error) : resolve(),
          ),
        );
      }
      c.sendEvent({ event: "finish", reason: "stop" });
      c.ws.close();
    });
    const paused = deferred();
    let pauses = 0;
    let resumes = 0;
    class CountingWebSocket extends NodeWebSocket {
      override pause(): void {
        pauses++;
        paused.resolve();
        super.pause();
      }
      override resume(): void {
        resumes++;
        super.resume();
      }
    }
    let index = 0;
    let total = 0;
    const stream = live(s.url, ["Hello"], {
      maxQueuedBytes: 256 * 1024,
      WebSocket: CountingWebSocket as unknown as LiveSessionOptions["WebSocket"],
    });
    for await (const chunk of stream) {
      // A reader that does not read until the client had to stop reading from the socket.
      if (total === 0) await paused.promise;
      total += chunk.byteLength;
      for (const byte of [chunk[0], chunk[chunk.byteLength - 1]]) {
        assert.equal(byte, Math.floor(index / frameSize) % 251);
      }
      index += chunk.byteLength;
    }
    assert.equal(total, frameSize * frames);
    assert.ok(pauses >= 1, "the socket was paused");
    assert.ok(resumes >= 1, "and resumed once the reader caught up");
  });
});

describe("streamLive keepalive with a paused socket", () => {
  it("does not mistake a reader that is far behind for a dead server", async () => {
    const s = await server(async (c) => {
      await c.nextFrame();
      const frame = Buffer.from(encodeAudio(new Uint8Array(32 * 1024)));
      for (let i = 0; i < 256; i++) {
        await new Promise<void>((resolve) => c.ws.send(frame, () => resolve()));
      }
      c.sendEvent({ event: "finish", reason: "stop" });
      c.ws.close();
    });
    const paused = deferred();
    class PauseAware extends NodeWebSocket {
      override pause(): void {
        super.pause();
        paused.resolve();
      }
    }
    let total = 0;
    for await (const chunk of live(s.url, ["Hello"], {
      maxQueuedBytes: 128 * 1024,
      pingInterval: 10,
      pongTimeout: 50,
      WebSocket: PauseAware as unknown as LiveSessionOptions["WebSocket"],
    })) {
      if (total === 0) {
        await paused.promise;
        // Stay away for many pong timeouts while the socket cannot read.
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      total += chunk.byteLength;
    }
    assert.equal(total, 256 * 32 * 1024);
  });
});

describe("streamLive memory", () => {
  it("keeps memory flat while a slow reader takes in 256 MiB", async () => {
    const frameSize = 60 * 1024; // under the 64 KiB frame size the protocol notes recommend
    const total = 256 * 1024 * 1024;
    const frame = Buffer.from(encodeAudio(new Uint8Array(frameSize).fill(7)));
    const s = await server(async (c) => {
      await c.nextFrame();
      for (let sent = 0; sent < total; sent += frameSize) {
        // The same frame object every time: the server side allocates nothing per frame.
        if (c.ws.bufferedAmount > 1024 * 1024) {
          await new Promise<void>((resolve) => c.ws.send(frame, () => resolve()));
        } else {
          c.ws.send(frame);
        }
      }
      c.sendEvent({ event: "finish", reason: "stop" });
      c.ws.close();
    });
    const baseline = process.memoryUsage();
    let peakExternal = 0;
    let received = 0;
    let chunks = 0;
    for await (const chunk of live(s.url, ["go"], { maxQueuedBytes: 4 * 1024 * 1024 })) {
      received += chunk.byteLength;
      // A reader far slower than loopback: it sleeps a timer tick every fourth chunk.
      if (++chunks % 4 === 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const now = process.memoryUsage();
        peakExternal = Math.max(peakExternal, now.arrayBuffers - baseline.arrayBuffers);
      }
    }
    assert.equal(received, Math.ceil(total / frameSize) * frameSize);
    // Unbounded buffering would hold hundreds of MiB here; the queue limit plus what the
    // garbage collector has not yet reclaimed stays far below that.
    assert.ok(peakExternal < 96 * 1024 * 1024, `peak external memory ${peakExternal} bytes`);
  });
});

describe("streamLive without the `ws` extras (WHATWG-style WebSocket)", () => {
  it("runs the same session over an implementation that only has the standard API", async () => {
    const s = await server(echoServer);
    const bytes = await live(s.url, ["Hello", "Hello"], {
      WebSocket: StandardOnlyWebSocket as unknown as LiveSessionOptions["WebSocket"],
    }).collect();
    assert.deepEqual([...bytes], [1, 1, 1, 2, 2, 2]);
    assert.deepEqual(s.connections[0]!.frames.map(hex), [START_HEX, TEXT_HELLO, TEXT_HELLO, STOP]);
  });

  it("still reports a failed upgrade, without the status it cannot see", async () => {
    const s = await server(() => {}, {
      verifyClient: () => ({ status: 401, body: { status: 401, message: "Invalid API key" } }),
    });
    const error = await rejection(
      live(s.url, ["Hello"], {
        WebSocket: StandardOnlyWebSocket as unknown as LiveSessionOptions["WebSocket"],
      }).collect(),
    );
    assert.ok(error instanceof WebSocketError);
    assert.match(error.message, /Could not connect|closed before the upgrade/);
  });
});

/**
 * Exposes only the WHATWG surface (addEventListener, send, close, binaryType "blob" by default)
 * on top of `ws`, the way Node 22's global WebSocket or Bun's looks to the SDK.
 */
class StandardOnlyWebSocket implements WebSocketLike {
  readonly #inner: NodeWebSocket;
  binaryType = "blob";
  constructor(url: string, options: { headers: Record<string, string> }) {
    this.#inner = new NodeWebSocket(url, { headers: options.headers });
    this.#inner.binaryType = "arraybuffer";
  }
  get readyState() {
    return this.#inner.readyState;
  }
  get bufferedAmount() {
    return this.#inner.bufferedAmount;
  }
  send(data: Uint8Array<ArrayBuffer>) {
    this.#inner.send(data);
  }
  close(code?: number, reason?: string) {
    this.#inner.close(code, reason);
  }
  // biome-ignore lint/suspicious/noExplicitAny: mirrors the WHATWG signature loosely
  addEventListener(type: string, listener: (event: any) => void) {
    if (type === "message") {
      // biome-ignore lint/suspicious/noExplicitAny: ws event
      (listener as any).__wrapped ??= (event: any) =>
        listener({
          data:
            this.binaryType === "blob" && typeof event.data !== "string"
              ? new Blob([event.data])
              : event.data,
        });
      // biome-ignore lint/suspicious/noExplicitAny: ws event
      this.#inner.addEventListener("message", (listener as any).__wrapped);
      return;
    }
    // biome-ignore lint/suspicious/noExplicitAny: ws event
    this.#inner.addEventListener(type as any, listener);
  }
  // biome-ignore lint/suspicious/noExplicitAny: mirrors the WHATWG signature loosely
  removeEventListener(type: string, listener: (event: any) => void) {
    // biome-ignore lint/suspicious/noExplicitAny: ws event
    const target = type === "message" ? (listener as any).__wrapped : listener;
    // biome-ignore lint/suspicious/noExplicitAny: ws event
    if (target) this.#inner.removeEventListener(type as any, target);
  }
}

function encodeAudio(audio: Uint8Array): Uint8Array {
  // {event:"audio", audio:<bin32>} built by hand so the test does not trust the SDK's decoder.
  const head = Buffer.from("82a56576656e74a5617564696fa5617564696fc6", "hex");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(audio.byteLength);
  return Buffer.concat([head, length, audio]);
}
