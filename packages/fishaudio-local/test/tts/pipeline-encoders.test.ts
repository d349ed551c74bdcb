/**
 * The TTS pipeline on the real engines' encoder threads: an mp3 answer is encoded off the event
 * loop, and every encoder opened for a request is released, whether the answer finished or the
 * client went away mid-stream.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encode } from "@msgpack/msgpack";
import { createEngines, type LocalEngines } from "../../src/engines/index.js";
import { type LocalServer, startServer } from "../../src/index.js";

const TEXT =
  "The weather today is sunny with a light breeze from the west. Please send the quarterly report to the finance team by Friday. She opened the window and listened to the birds singing outside.";

describe("TTS pipeline with encoder threads", () => {
  let engines: LocalEngines;
  let server: LocalServer;
  before(async () => {
    engines = await createEngines({ encoderThreads: 1 });
    server = await startServer({ engines });
  });
  after(async () => {
    await server.close();
    await engines.close();
  });

  const tts = (signal?: AbortSignal) =>
    fetch(`${server.url}/v1/tts`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/msgpack" },
      body: encode({ text: TEXT, format: "mp3" }),
      ...(signal ? { signal } : {}),
    });

  const settled = async () => {
    for (let i = 0; i < 100 && engines.internals.encoderThreads!.openEncoders > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return engines.internals.encoderThreads!.openEncoders;
  };

  it("answers mp3 encoded on a thread, and releases its encoder", async () => {
    const res = await tts();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "audio/mpeg");
    const bytes = new Uint8Array(await res.arrayBuffer());
    // MPEG-1 Layer III frame sync at the start, and seconds of audio at 128 kbps.
    assert.equal(bytes[0], 0xff);
    assert.equal(bytes[1]! & 0xe0, 0xe0);
    assert.ok(bytes.length > 16_000 * 5, `${bytes.length} bytes`);
    assert.equal(await settled(), 0);
  });

  it("releases the encoder of a client that goes away mid-stream", async () => {
    const abort = new AbortController();
    const res = await tts(abort.signal);
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(first.value && first.value.length > 0);
    assert.equal(engines.internals.encoderThreads!.openEncoders, 1, "open while streaming");
    abort.abort();
    await reader.cancel().catch(() => undefined);
    assert.equal(await settled(), 0);
  });
});
