// Realtime TTS over the WebSocket: the SDK's streamWebsocket against the real local server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AuthenticationError, WebSocketError } from "../../src/index.js";
import { type Integration, startIntegration, wordErrorRate } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration({ enableBenchmarkVoice: true });
});
after(() => it_.server.close());

describe("tts.streamWebsocket against fishaudio-local", () => {
  it("speaks streamed text (with a flush) as WAV that transcribes back", async () => {
    const text = "Good morning everyone. Thank you for coming to the meeting today.";
    async function* tokens() {
      for (const word of text.split(/(?<= )/)) yield word;
      yield { event: "flush" as const };
    }
    const live = it_.client.tts.streamWebsocket(tokens(), {
      format: "wav",
      referenceId: "flite-rms",
      model: "s1",
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of live) chunks.push(chunk);
    const wav = Buffer.concat(chunks);
    assert.equal(wav.toString("latin1", 0, 4), "RIFF");
    assert.ok(chunks.length >= 2, `${chunks.length} chunks`);
    assert.equal(it_.server.usage().at(-1)!.kind, "tts-live");
    assert.equal(it_.server.usage().at(-1)!.model, "s1");
    const heard = await it_.client.asr.transcribe({ audio: new Uint8Array(wav) });
    const wer = wordErrorRate(text, heard.text);
    assert.ok(wer <= 0.35, `WER ${wer.toFixed(2)}: "${heard.text}"`);
  });

  it("streams mp3 from a plain array of strings", async () => {
    const mp3 = await it_.client.tts
      .streamWebsocket(["Hello ", "there."], { format: "mp3" })
      .collect();
    assert.ok(mp3.length > 1000);
  });

  it("an empty text stream ends cleanly with no audio", async () => {
    const audio = await it_.client.tts.streamWebsocket([], { format: "pcm" }).collect();
    assert.equal(audio.length, 0);
  });

  it("benchmark voice: N bytes in frames the PY default client accepts", async () => {
    const audio = await it_.client.tts
      .streamWebsocket(["3000000"], { format: "pcm", referenceId: "benchmark" })
      .collect();
    assert.equal(audio.length, 3_000_000);
  });

  it("an unknown voice ends in WebSocketError carrying the server's message", async () => {
    await assert.rejects(
      it_.client.tts.streamWebsocket(["Hello."], { referenceId: "no-such-voice" }).collect(),
      (error: WebSocketError) => {
        assert.ok(error instanceof WebSocketError);
        assert.match(error.message, /no-such-voice|not found/);
        return true;
      },
    );
  });

  it("a bad key is refused at the handshake", async () => {
    await assert.rejects(
      it_.clientFor("bad-key").tts.streamWebsocket(["Hello."]).collect(),
      (error: Error) => error instanceof AuthenticationError || error instanceof WebSocketError,
    );
  });
});

describe("streamWebsocket websocket options against fishaudio-local", () => {
  const say = () => ["Options are passed to the socket."];
  it("maxMessageSize: audio frames over it end the stream with a WebSocketError that names it", async () => {
    const live = it_.client.tts.streamWebsocket(say(), {
      format: "wav",
      websocket: { maxMessageSize: 256 },
    });
    await assert.rejects(
      live.collect(),
      (e: unknown) =>
        e instanceof WebSocketError &&
        /256-byte limit \(websocket.maxMessageSize\)/.test(e.message),
    );
  });

  it("a limit the server's frames fit under, and ping settings, leave the stream whole", async () => {
    const audio = await it_.client.tts
      .streamWebsocket(say(), {
        format: "wav",
        websocket: { maxMessageSize: 65_536, pingInterval: 20, pingTimeout: 10_000 },
      })
      .collect();
    assert.equal(Buffer.from(audio).toString("latin1", 0, 4), "RIFF");
    assert.ok(audio.byteLength > 10_000);
  });
});
