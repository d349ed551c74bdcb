// The realtime client against the real local server (fishaudio-local) over 127.0.0.1: real
// upgrade authentication, real speech engine, real finish/error answers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encode } from "@msgpack/msgpack";
import { type LocalServer, startServer } from "fishaudio-local";
import { AuthenticationError, PaymentRequiredError, WebSocketError } from "../../src/core/error.js";
import { type LiveInput, streamLive } from "../../src/realtime/index.js";

let server: LocalServer;
let url: string;

before(async () => {
  server = await startServer({ enableBenchmarkVoice: true });
  url = `${server.url.replace(/^http/, "ws")}/v1/tts/live`;
});
after(() => server.close());

function live(
  input: LiveInput,
  request: Record<string, unknown> = {},
  headers: Record<string, string> = { Authorization: `Bearer ${server.apiKey}`, model: "s1" },
) {
  return streamLive({
    url,
    headers,
    startFrame: encode({ event: "start", request: { text: "", ...request } }),
    input,
  });
}

describe("streamLive against fishaudio-local", () => {
  it("speaks streamed text with the real engine and records the model header", async () => {
    const before = server.usage().length;
    async function* tokens() {
      for (const word of ["Hello ", "from ", "the ", "realtime ", "socket."]) yield word;
      yield { event: "flush" as const };
    }
    const audio = await live(tokens(), { format: "wav" }).collect();
    assert.equal(Buffer.from(audio.subarray(0, 4)).toString("latin1"), "RIFF");
    assert.equal(Buffer.from(audio.subarray(8, 12)).toString("latin1"), "WAVE");
    // Well over a second of 16-bit audio at any sample rate the engine uses.
    assert.ok(audio.byteLength > 32_000, `only ${audio.byteLength} bytes of audio`);
    const charges = server.usage().slice(before);
    assert.ok(charges.length > 0, "the session was charged");
    assert.ok(charges.every((entry) => entry.model === "s1"));
  });

  it("streams a large benchmark payload intact", async () => {
    const bytes = 32 * 1024 * 1024;
    let received = 0;
    for await (const chunk of live([String(bytes)], { format: "pcm", reference_id: "benchmark" })) {
      received += chunk.byteLength;
    }
    assert.equal(received, bytes);
  });

  it("turns the server's finish/error into WebSocketError with its message", async () => {
    await assert.rejects(live(["Hello."], { reference_id: "no-such-voice" }).collect(), (error) => {
      assert.ok(error instanceof WebSocketError, String(error));
      assert.equal(error.reason, "error");
      assert.match(error.serverMessage ?? "", /no-such-voice/);
      return true;
    });
  });

  it("reports a rejected key at the upgrade as AuthenticationError", async () => {
    await assert.rejects(
      live(["Hello."], {}, { Authorization: "Bearer not-a-key" }).collect(),
      (error) => {
        assert.ok(error instanceof AuthenticationError, String(error));
        assert.equal(error.status, 401);
        return true;
      },
    );
  });

  it("reports an empty balance at the upgrade as PaymentRequiredError", async () => {
    const broke = server.createUser({ credits: 0 });
    await assert.rejects(
      live(["Hello."], {}, { Authorization: `Bearer ${broke.apiKey}` }).collect(),
      (error) => {
        assert.ok(error instanceof PaymentRequiredError, String(error));
        assert.match(error.message, /credit/i);
        return true;
      },
    );
  });
});
