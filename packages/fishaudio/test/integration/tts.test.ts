// Text to speech over HTTP: the SDK against the real local server and its engines.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PaymentRequiredError,
  RateLimitError,
  UnprocessableEntityError,
  ValidationError,
} from "../../src/index.js";
import { type Integration, startIntegration } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration({ enableBenchmarkVoice: true });
});
after(() => it_.server.close());

describe("tts.convert against fishaudio-local", () => {
  it("speaks WAV with an English flite voice, streamed chunk by chunk", async () => {
    const audio = await it_.client.tts.convert({
      text: "Hello from the local server. This is the second sentence.",
      format: "wav",
      referenceId: "flite-rms",
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of audio) chunks.push(chunk);
    const wav = Buffer.concat(chunks);
    assert.equal(wav.toString("latin1", 0, 4), "RIFF");
    assert.equal(wav.toString("latin1", 8, 12), "WAVE");
    assert.ok(wav.length > 44100, `only ${wav.length} bytes`);
  });

  it("speaks mp3 (the default format), opus and raw pcm", async () => {
    const mp3 = await (await it_.client.tts.convert({ text: "Hello world." })).collect();
    assert.ok(
      (mp3[0] === 0x49 && mp3[1] === 0x44 && mp3[2] === 0x33) ||
        (mp3[0] === 0xff && (mp3[1]! & 0xe0) === 0xe0),
      "mp3 starts with ID3 or a frame sync",
    );
    const opus = await (
      await it_.client.tts.convert({ text: "Hello world.", format: "opus" })
    ).collect();
    assert.equal(Buffer.from(opus.subarray(0, 4)).toString("latin1"), "OggS");
    const pcm = await (
      await it_.client.tts.convert({
        text: "Hello world.",
        format: "pcm",
        config: { sampleRate: 16000 },
      })
    ).collect();
    assert.ok(pcm.length > 16000 && pcm.length % 2 === 0, `${pcm.length} bytes of s16`);
  });

  it("sends the model header, which the server records", async () => {
    await (
      await it_.client.tts.convert({ text: "Model check.", format: "pcm", model: "s1" })
    ).collect();
    assert.equal(it_.server.usage().at(-1)!.model, "s1");
    await (await it_.client.tts.convert({ text: "Default model.", format: "pcm" })).collect();
    assert.equal(it_.server.usage().at(-1)!.model, "s2.1-pro");
  });

  it("applies prosody speed: faster speech is shorter", async () => {
    const text = "The quick brown fox jumps over the lazy dog.";
    const normal = await (
      await it_.client.tts.convert({ text, format: "pcm", referenceId: "flite-rms" })
    ).collect();
    const fast = await (
      await it_.client.tts.convert({ text, format: "pcm", referenceId: "flite-rms", speed: 2 })
    ).collect();
    assert.ok(fast.length < normal.length * 0.8, `${fast.length} vs ${normal.length}`);
  });

  it("streams the benchmark voice: exactly N bytes", async () => {
    const pcm = await (
      await it_.client.tts.convert({ text: "2000000", format: "pcm", referenceId: "benchmark" })
    ).collect();
    assert.equal(pcm.length, 2_000_000);
  });

  describe("errors map to the SDK's classes", () => {
    it("an unknown voice is NotFoundError with the server's message", async () => {
      await assert.rejects(
        it_.client.tts.convert({ text: "Hi", referenceId: "no-such-voice" }),
        (error: NotFoundError) => {
          assert.ok(error instanceof NotFoundError);
          assert.equal(error.status, 404);
          assert.match(error.message, /no-such-voice/);
          assert.match(error.requestId ?? "", /^[0-9a-f]{16}$/);
          return true;
        },
      );
    });

    it("a bad key is AuthenticationError", async () => {
      await assert.rejects(it_.clientFor("wrong").tts.convert({ text: "Hi" }), AuthenticationError);
    });

    it("an empty balance is PaymentRequiredError", async () => {
      const poor = it_.server.createUser({ credits: 0 });
      await assert.rejects(
        it_.clientFor(poor.apiKey).tts.convert({ text: "Hi" }),
        PaymentRequiredError,
      );
    });

    it("values the server refuses come back as 4xx errors", async () => {
      await assert.rejects(
        it_.client.tts.convert({ text: "5x", referenceId: "benchmark", format: "mp3" }),
        UnprocessableEntityError,
      );
      await assert.rejects(
        it_.client.tts.convert({
          text: "Hi",
          referenceId: "flite-rms",
          config: { sampleRate: 12345 },
        }),
        (error: Error) =>
          error instanceof UnprocessableEntityError || error instanceof BadRequestError,
      );
    });

    it("out-of-range values fail in the SDK before anything is sent", async () => {
      const before = it_.server.usage().length;
      await assert.rejects(it_.client.tts.convert({ text: "Hi", speed: 5 }), ValidationError);
      assert.equal(it_.server.usage().length, before);
    });
  });
});

describe("rate limit", () => {
  it("past the limit the SDK raises RateLimitError carrying Retry-After", async () => {
    const limited = await startIntegration({ rateLimit: { requests: 2, windowMs: 60_000 } });
    try {
      await limited.client.voices.list();
      await limited.client.voices.list();
      await assert.rejects(limited.client.voices.list(), (error: RateLimitError) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.status, 429);
        assert.ok(Number(error.headers?.get("retry-after")) >= 1);
        return true;
      });
    } finally {
      await limited.server.close();
    }
  });
});
