// Many clients at once against the real engines: every request completes correctly, the WebSocket
// sessions all finish, and the server keeps answering while it is busy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encode } from "@msgpack/msgpack";
import { type LocalServer, startServer } from "fishaudio-local";
import { openLive } from "../helpers/live.js";

let server: LocalServer;
before(async () => {
  server = await startServer({ enableBenchmarkVoice: true });
});
after(() => server.close());

function tts(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.url}/v1/tts`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/msgpack" },
    body: encode(body),
  });
}

describe("under load", () => {
  it("serves 16 HTTP syntheses, 8 realtime sessions and 2 transcriptions at once", async () => {
    const sentences =
      "The first sentence is here. The second one follows it. And a third to finish.";
    const http = Array.from({ length: 16 }, async (_, i) => {
      const res = await tts({
        text: sentences,
        format: i % 2 ? "mp3" : "wav",
        reference_id: i % 3 ? "flite-rms" : "espeak-en",
      });
      assert.equal(res.status, 200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.ok(bytes.length > 5000, `request ${i}: ${bytes.length} bytes`);
      return bytes;
    });
    const live = Array.from({ length: 8 }, async () => {
      const session = await openLive(server.url, server.apiKey);
      session.send({
        event: "start",
        request: { text: "", format: "pcm", reference_id: "flite-kal16" },
      });
      for (const word of sentences.split(" ")) session.send({ event: "text", text: `${word} ` });
      session.send({ event: "stop" });
      const result = await session.done;
      assert.equal(result.finish?.reason, "stop");
      assert.ok(result.audio.length > 10_000);
      assert.ok(result.maxFrameBytes < 65536);
    });
    const wav = await (
      await tts({
        text: "Ask not what your country can do for you.",
        format: "wav",
        reference_id: "flite-rms",
      })
    ).arrayBuffer();
    const asr = Array.from({ length: 2 }, async () => {
      const res = await fetch(`${server.url}/v1/asr`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${server.apiKey}`,
          "content-type": "application/msgpack",
        },
        body: encode({ audio: new Uint8Array(wav) }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { text: string };
      assert.match(body.text, /country/);
    });
    // While all that runs, management requests still answer.
    const list = await fetch(`${server.url}/model`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    assert.equal(list.status, 200);
    await list.arrayBuffer();
    await Promise.all([...http, ...live, ...asr]);
  });

  it("streams a gigabyte of benchmark audio over HTTP and 300 MB over the socket, byte-exact", async () => {
    const res = await tts({ text: String(1024 ** 3), format: "pcm", reference_id: "benchmark" });
    let total = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
      total += chunk.length;
    assert.equal(total, 1024 ** 3);
    const session = await openLive(server.url, server.apiKey);
    session.send({
      event: "start",
      request: { text: "", format: "pcm", reference_id: "benchmark" },
    });
    session.send({ event: "text", text: "300000000" });
    session.send({ event: "stop" });
    const result = await session.done;
    assert.equal(result.audio.length, 300_000_000);
    assert.ok(result.maxFrameBytes < 65536);
  });
});
