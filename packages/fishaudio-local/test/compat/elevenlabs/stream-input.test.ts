/**
 * ElevenLabs `stream-input` over a real WebSocket (the JS SDK has no client for it; these are
 * the messages its Python SDK and the protocol reference send). Fake engines: the protocol,
 * not the speech.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../../helpers/server.js";

interface Session {
  frames: Record<string, unknown>[];
  closeCode: number;
}

/** Opens a stream-input socket, sends `messages` (one at a time), collects frames until close. */
function run(
  t: TestServer,
  query: string,
  messages: Record<string, unknown>[],
  headers: Record<string, string> = { "xi-api-key": t.server.apiKey },
  voice = "default",
): Promise<Session> {
  const url = `${t.server.url.replace(/^http/, "ws")}/compat/elevenlabs/v1/text-to-speech/${voice}/stream-input${query}`;
  const ws = new WebSocket(url, { headers });
  const frames: Record<string, unknown>[] = [];
  return new Promise((resolve, reject) => {
    ws.on("open", () => {
      for (const m of messages) ws.send(JSON.stringify(m));
    });
    ws.on("message", (data: Buffer) => frames.push(JSON.parse(data.toString("utf8"))));
    ws.on("close", (closeCode) => resolve({ frames, closeCode }));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.on("error", reject);
  });
}

function audioOf(frames: Record<string, unknown>[]): Buffer {
  return Buffer.concat(
    frames
      .filter((f) => typeof f.audio === "string")
      .map((f) => Buffer.from(f.audio as string, "base64")),
  );
}

describe("ElevenLabs stream-input WebSocket", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("init, text chunks, empty text: audio frames, then isFinal and a normal close; charged per piece", async () => {
    const before = t.server.usage().length;
    const { frames, closeCode } = await run(
      t,
      "?output_format=pcm_16000&model_id=eleven_flash_v2_5",
      [
        { text: " ", voice_settings: { stability: 0.5, similarity_boost: 0.8, speed: 1 } },
        { text: "Hello there. " },
        { text: "How are ", try_trigger_generation: false },
        { text: "you today?" },
        { text: "" },
      ],
    );
    assert.equal(closeCode, 1000);
    assert.deepEqual(frames.at(-1), { isFinal: true });
    const audio = audioOf(frames);
    // Fake engines: 0.1 s of tone a word at 16 kHz, 16-bit: 6 words.
    assert.equal(audio.length, 6 * 1600 * 2);
    for (const f of frames.slice(0, -1)) assert.equal(f.alignment, undefined);
    const usage = t.server.usage().slice(before);
    assert.deepEqual(
      usage.map((u) => [u.kind, u.units]),
      [
        ["tts-live", "Hello there. ".length],
        ["tts-live", "How are you today?".length],
      ],
    );
  });

  it("sync_alignment: camelCase millisecond alignment, absolute on the session's clock across turns", async () => {
    const text = ["One two. ", "Three four five."];
    const { frames } = await run(t, "?sync_alignment=true&output_format=pcm_16000", [
      { text: " " },
      { text: text[0], flush: true },
      { text: text[1], flush: true },
      { text: "" },
    ]);
    const aligned = frames.filter((f) => f.alignment);
    const chars = aligned.flatMap((f) => (f.alignment as { chars: string[] }).chars).join("");
    assert.equal(chars, text.join(""));
    const starts = aligned.flatMap(
      (f) => (f.alignment as { charStartTimesMs: number[] }).charStartTimesMs,
    );
    const durations = aligned.flatMap(
      (f) => (f.alignment as { charDurationsMs: number[] }).charDurationsMs,
    );
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! >= starts[i - 1]!);
    // Turn two starts where turn one's audio ended (0.2 s), not back at 0.
    assert.equal(starts[text[0]!.length], 200);
    assert.equal(starts.at(-1)! + durations.at(-1)!, 500);
    for (const f of aligned) assert.deepEqual(f.normalizedAlignment, f.alignment);
  });

  it("a key in the init message works when the handshake had none", async () => {
    const { frames } = await run(
      t,
      "?output_format=pcm_16000",
      [{ text: " ", "xi-api-key": t.server.apiKey }, { text: "Hi." }, { text: "" }],
      {},
    );
    assert.deepEqual(frames.at(-1), { isFinal: true });
    assert.ok(audioOf(frames).length > 0);
  });

  it("no key at all: an in-band 401 and a close", async () => {
    const { frames, closeCode } = await run(t, "", [{ text: " " }], {});
    assert.equal(frames[0]!.code, 401);
    assert.match(String(frames[0]!.error), /xi-api-key/);
    assert.equal(closeCode, 1000);
  });

  it("ulaw and unparseable formats are refused with HTTP 400 before the upgrade", async () => {
    for (const format of ["ulaw_8000", "mp3"]) {
      await assert.rejects(
        run(t, `?output_format=${format}`, []),
        (error: { status: number; body: string }) => {
          assert.equal(error.status, 400);
          assert.equal(JSON.parse(error.body).detail.status, "invalid_request");
          return true;
        },
      );
    }
  });

  it("the 22.05 kHz family opens, then carries a 400 frame and closes normally", async () => {
    const { frames, closeCode } = await run(t, "?output_format=pcm_22050", [{ text: " " }]);
    assert.equal(frames[0]!.code, 400);
    assert.match(String(frames[0]!.error), /22050/);
    assert.equal(closeCode, 1000);
  });

  it("a preset voice name is an in-band 400", async () => {
    const { frames } = await run(t, "", [{ text: " " }], undefined, "Rachel");
    assert.equal(frames[0]!.code, 400);
    assert.match(String(frames[0]!.error), /preset voice/);
  });

  it("more than 1 MiB of buffered text: error frame with code 1009, then close 1009", async () => {
    const { frames, closeCode } = await run(t, "", [
      { text: " " },
      { text: "x ".repeat(600 * 1024) },
    ]);
    assert.equal(frames.at(-1)!.code, 1009);
    assert.equal(closeCode, 1009);
  });
});

describe("ElevenLabs stream-input when the server shuts down", () => {
  it("the client gets an in-band JSON error frame (code 1001), then close 1001", async () => {
    const t = await startTestServer();
    const ws = new WebSocket(
      `${t.server.url.replace(/^http/, "ws")}/compat/elevenlabs/v1/text-to-speech/default/stream-input`,
      { headers: { "xi-api-key": t.server.apiKey } },
    );
    const frames: unknown[] = [];
    const closed = new Promise<number>((resolve) => ws.on("close", resolve));
    ws.on("message", (data: Buffer, binary: boolean) =>
      frames.push(binary ? "binary frame" : JSON.parse(data.toString("utf8"))),
    );
    await new Promise((resolve) => ws.on("open", resolve));
    ws.send(JSON.stringify({ text: " " }));
    await t.close();
    assert.equal(await closed, 1001);
    assert.deepEqual(frames, [
      { error: "The server is shutting down: reconnect to a running server", code: 1001 },
    ]);
  });
});
