/**
 * The SDK's realtime TTS (`tts.streamWebsocket`) against a loopback WebSocket server that
 * misbehaves on purpose: every case must end in the right error (or a clean end), with the socket
 * closed on both sides and nothing left running.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decode, encode } from "@msgpack/msgpack";
import {
  APITimeoutError,
  APIUserAbortError,
  FishAudio,
  FishAudioError,
  WebSocketError,
} from "fishaudio";
import type { WebSocket as WsSocket } from "ws";
import { drain, runIsolated, waitUntil, wsFaultServer } from "./loopback.js";

type Frame = Record<string, unknown>;

function client(baseUrl: string, timeout = 10_000) {
  return new FishAudio({ apiKey: "test-key", baseUrl, timeout, maxRetries: 0 });
}

const audioFrame = (bytes: number) =>
  encode({ event: "audio", audio: new Uint8Array(bytes).fill(9) });

/** `[[[…nil…]]]`: `bytes` bytes of one-element arrays. */
function nestedFrame(bytes: number): Buffer {
  const out = Buffer.alloc(bytes, 0x91);
  out[bytes - 1] = 0xc0;
  return out;
}

/** Collects the client's frames as decoded maps and resolves `stopped` once `stop` arrives. */
function record(ws: WsSocket): { frames: Frame[]; stopped: Promise<void> } {
  const frames: Frame[] = [];
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  ws.on("message", (data: Buffer) => {
    const frame = decode(data) as Frame;
    frames.push(frame);
    if (frame.event === "stop") markStopped();
  });
  return { frames, stopped };
}

/** Fails with `what` if `promise` has not settled after `ms` (a hang is a finding, not a wait). */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

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
  assert.fail(`expected ${Class.name}, but the stream ended cleanly`);
}

describe("WebSocket faults", () => {
  it("a well-behaved server (control): start, text, stop in, audio then finish out", async () => {
    let seen: Frame[] = [];
    await runIsolated(
      () =>
        wsFaultServer(async (req, accept) => {
          assert.equal(req.url, "/v1/tts/live");
          const ws = await accept();
          const { frames, stopped } = record(ws);
          seen = frames;
          await stopped;
          ws.send(audioFrame(100));
          ws.send(audioFrame(50));
          ws.send(encode({ event: "finish", reason: "stop" }));
          ws.close(1000);
        }),
      async (server) => {
        const bytes = await client(server.url).tts.streamWebsocket(["Hello ", "world"]).collect();
        assert.equal(bytes.byteLength, 150);
        assert.equal(server.attempts, 1);
      },
    );
    assert.equal(seen[0]?.event, "start");
    assert.deepEqual(
      seen.filter((f) => f.event === "text").map((f) => f.text),
      ["Hello ", "world"],
    );
    assert.equal(seen.at(-1)?.event, "stop");
  });

  it("closes without finish -> WebSocketError carrying the close code", async () => {
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept) => {
          const ws = await accept();
          await record(ws).stopped;
          ws.send(audioFrame(100));
          ws.close(1000, "bye");
        }),
      async (server) => {
        const error = await rejectsWith(
          bounded(
            drain(client(server.url).tts.streamWebsocket(["Hello"])),
            10_000,
            "stream never ended",
          ),
          WebSocketError,
        );
        assert.equal(error.code, 1000);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("the connection drops (TCP reset) mid-stream -> WebSocketError", async () => {
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept, socket) => {
          const ws = await accept();
          await record(ws).stopped;
          ws.send(audioFrame(100), () => setTimeout(() => socket.resetAndDestroy(), 20));
        }),
      async (server) => {
        await rejectsWith(
          bounded(
            drain(client(server.url).tts.streamWebsocket(["Hello"])),
            10_000,
            "stream never ended",
          ),
          WebSocketError,
        );
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a frame that is not msgpack -> WebSocketError, and the client closes the socket", async () => {
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept) => {
          const ws = await accept();
          // 0xc1 is the one byte msgpack never uses; the rest is a truncated map. Sent once the
          // client's start frame is in, then the socket stays open: ending it is the client's job.
          ws.once("message", () => ws.send(Buffer.from([0xc1, 0x83, 0xa5])));
        }),
      async (server) => {
        const error = await rejectsWith(
          bounded(
            drain(client(server.url).tts.streamWebsocket(["Hello"])),
            10_000,
            "stream never ended",
          ),
          WebSocketError,
        );
        assert.match(error.message, /msgpack|decode|frame|malformed|invalid/i);
        assert.equal(server.attempts, 1);
      },
    );
  });

  // Issue 17 item 13: `ws` accepted frames up to 100 MiB and the SDK decoded them whole; a 40 MB
  // nested frame killed the client. Frames are bounded in size and shape before decoding.
  for (const [name, frame, pattern] of [
    ["a 1 MB frame nested a million deep", nestedFrame(1_000_000), /nests deeper than 32/],
    ["a 17 MiB audio frame", audioFrame(17 * 1024 * 1024), /payload|limit|1009/i],
  ] as const) {
    it(`${name} -> WebSocketError, the frame never decoded`, async () => {
      await runIsolated(
        () =>
          wsFaultServer(async (_req, accept) => {
            const ws = await accept();
            ws.once("message", () => ws.send(frame));
          }),
        async (server) => {
          const error = await rejectsWith(
            bounded(
              drain(client(server.url).tts.streamWebsocket(["Hello"])),
              10_000,
              "stream never ended",
            ),
            WebSocketError,
          );
          assert.match(error.message, pattern);
        },
      );
    });
  }

  it("finish with reason error and a message -> WebSocketError with the server's message", async () => {
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept) => {
          const ws = await accept();
          await record(ws).stopped;
          ws.send(audioFrame(10));
          ws.send(encode({ event: "finish", reason: "error", message: "voice not found: v9" }));
          ws.close(1000);
        }),
      async (server) => {
        const error = await rejectsWith(
          bounded(
            drain(client(server.url).tts.streamWebsocket(["Hello"])),
            10_000,
            "stream never ended",
          ),
          WebSocketError,
        );
        assert.equal(error.reason, "error");
        assert.equal(error.serverMessage, "voice not found: v9");
        assert.match(error.message, /voice not found: v9/);
      },
    );
  });

  it("finish with reason error and no close from the server -> the client closes", async () => {
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept) => {
          const ws = await accept();
          ws.once("message", () =>
            ws.send(encode({ event: "finish", reason: "error", message: "bad start" })),
          );
        }),
      async (server) => {
        const error = await rejectsWith(
          bounded(
            drain(client(server.url).tts.streamWebsocket(["Hello"])),
            10_000,
            "stream never ended",
          ),
          WebSocketError,
        );
        assert.equal(error.serverMessage, "bad start");
        // runIsolated waits for the server to see the socket closed.
      },
    );
  });

  it("an upgrade that is never answered -> the client's timeout fires and the socket closes", async () => {
    await runIsolated(
      () => wsFaultServer(() => {}),
      async (server) => {
        const error = await rejectsWith(
          bounded(
            drain(client(server.url, 200).tts.streamWebsocket(["Hello"])),
            5_000,
            "the 200 ms client timeout did not end the upgrade wait",
          ),
          FishAudioError,
        );
        assert.ok(
          error instanceof WebSocketError || error instanceof APITimeoutError,
          `a handshake timeout is a WebSocketError or APITimeoutError, got ${error.name}`,
        );
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("a finish/error sent right after the upgrade (before start) reaches the caller", async () => {
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept) => {
          const ws = await accept();
          ws.send(encode({ event: "finish", reason: "error", message: "too many sessions" }));
          ws.close(1000);
        }),
      async (server) => {
        const error = await rejectsWith(
          bounded(
            drain(client(server.url).tts.streamWebsocket(["Hello"])),
            10_000,
            "stream never ended",
          ),
          WebSocketError,
        );
        assert.equal(error.reason, "error");
        assert.equal(error.serverMessage, "too many sessions");
      },
    );
  });

  it("an upgrade refused with 401 JSON -> a FishAudioError naming the status, no retry", async () => {
    await runIsolated(
      () =>
        wsFaultServer((_req, _accept, socket) => {
          const body = JSON.stringify({ status: 401, message: "Invalid Token" });
          socket.end(
            `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
          );
        }),
      async (server) => {
        const error = await rejectsWith(
          bounded(
            drain(client(server.url).tts.streamWebsocket(["Hello"])),
            10_000,
            "stream never ended",
          ),
          FishAudioError,
        );
        assert.match(error.message, /401/);
        assert.equal(server.attempts, 1);
      },
    );
  });

  it("the caller's abort signal ends the stream with APIUserAbortError and closes", async () => {
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept) => {
          const ws = await accept();
          ws.once("message", () => ws.send(audioFrame(10)));
          // Never finishes.
        }),
      async (server) => {
        const controller = new AbortController();
        const live = client(server.url).tts.streamWebsocket(["Hello"], {
          signal: controller.signal,
        });
        let chunks = 0;
        const error = await rejectsWith(
          (async () => {
            for await (const _chunk of live) {
              chunks += 1;
              controller.abort();
            }
          })(),
          FishAudioError,
        );
        assert.ok(
          error instanceof APIUserAbortError || error instanceof WebSocketError,
          `got ${error.name}`,
        );
        assert.equal(chunks, 1);
      },
    );
  });

  it("a caller that breaks out of the loop closes the socket", async () => {
    let serverSawClose = false;
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept) => {
          const ws = await accept();
          // Endless audio: only the client leaving ends it.
          const timer = setInterval(() => ws.send(audioFrame(256)), 5);
          timer.unref();
          ws.on("close", () => {
            serverSawClose = true;
            clearInterval(timer);
          });
        }),
      async (server) => {
        let chunks = 0;
        for await (const _chunk of client(server.url).tts.streamWebsocket(["Hello"])) {
          chunks += 1;
          if (chunks === 3) break;
        }
        assert.equal(chunks, 3);
        await waitUntil(
          () => serverSawClose,
          3000,
          () => "server never saw the close",
        );
      },
    );
  });

  it("a text source that throws -> the error reaches the caller and the socket closes", async () => {
    await runIsolated(
      () =>
        wsFaultServer(async (_req, accept) => {
          const ws = await accept();
          record(ws);
        }),
      async (server) => {
        async function* failingText() {
          yield "Hello";
          throw new Error("upstream LLM failed");
        }
        await assert.rejects(
          bounded(
            drain(client(server.url).tts.streamWebsocket(failingText())),
            10_000,
            "stream never ended",
          ),
          /upstream LLM failed/,
        );
      },
    );
  });
});
