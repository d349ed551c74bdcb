/**
 * What the ElevenLabs protocol refuses, and how: a 4xx in ElevenLabs' envelope
 * (`{detail: {status, message}}`), seen through the official client's typed errors. Fake
 * engines: these are about the contract, not the speech.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ElevenLabsClient, ElevenLabsError } from "@elevenlabs/elevenlabs-js";
import { tone, wavFile } from "../../helpers/fake-engines.js";
import { startTestServer, type TestServer } from "../../helpers/server.js";

type Failure = { status: number; detail: { status: string; message: string } };

async function failure(call: () => Promise<unknown>): Promise<Failure> {
  try {
    await call();
  } catch (error) {
    assert.ok(
      error instanceof ElevenLabsError,
      `expected an ElevenLabsError, got ${String(error)}`,
    );
    const body = error.body as { detail: Failure["detail"] };
    assert.deepEqual(Object.keys(body), ["detail"]);
    assert.deepEqual(Object.keys(body.detail).sort(), ["message", "status"]);
    return { status: error.statusCode!, detail: body.detail };
  }
  assert.fail("the call succeeded");
}

function assertRefused(f: Failure, status: number, kind: string, mentions: RegExp): void {
  assert.equal(f.status, status);
  assert.equal(f.detail.status, kind);
  assert.match(f.detail.message, mentions);
}

describe("ElevenLabs protocol refusals", () => {
  let t: TestServer;
  let client: ElevenLabsClient;
  const file = () => new File([wavFile(tone(150, 1, 16000))], "a.wav");
  before(async () => {
    t = await startTestServer();
    client = new ElevenLabsClient({
      baseUrl: `${t.server.url}/compat/elevenlabs`,
      apiKey: t.server.apiKey,
      maxRetries: 0,
    });
  });
  after(() => t.close());

  for (const format of ["ulaw_8000", "alaw_8000"] as const) {
    it(`output_format ${format} is an invalid_request 400`, async () => {
      const f = await failure(async () =>
        client.textToSpeech.convert("default", { text: "Hi.", outputFormat: format }),
      );
      assertRefused(f, 400, "invalid_request", new RegExp(format));
    });
  }

  it("the 22.05 kHz family and rates a codec doesn't take are the provider's 400", async () => {
    for (const format of ["mp3_22050_32", "pcm_22050", "wav_48000", "opus_48000_64x"]) {
      const f = await failure(async () =>
        client.textToSpeech.convert(
          "default",
          { text: "Hi." },
          { queryParams: { output_format: format } },
        ),
      );
      assert.equal(f.status, 400, format);
      assert.ok(["provider_error", "invalid_request"].includes(f.detail.status), format);
    }
    const f = await failure(async () =>
      client.textToSpeech.convert("default", { text: "Hi.", outputFormat: "pcm_22050" }),
    );
    assertRefused(f, 400, "provider_error", /Invalid sample rate 22050/);
  });

  it("MP3 above 192 kbps is a 400; below a tier snaps up", async () => {
    const f = await failure(async () =>
      client.textToSpeech.convert(
        "default",
        { text: "Hi." },
        { queryParams: { output_format: "mp3_44100_320" } },
      ),
    );
    assertRefused(f, 400, "invalid_request", /320/);
    const audio = await client.textToSpeech.convert("default", {
      text: "Hi.",
      outputFormat: "mp3_44100_32",
    });
    for await (const _ of audio as unknown as AsyncIterable<Uint8Array>) {
      // drain
    }
    assert.equal(t.engines.encoders.at(-1)!.mp3Bitrate, 64);
    assert.equal(t.engines.encoders.at(-1)!.sampleRate, 44100);
  });

  it("preset names (Rachel) are a 400; unknown ids the provider's 'Reference not found'", async () => {
    const f = await failure(async () => client.textToSpeech.convert("Rachel", { text: "Hi." }));
    assertRefused(f, 400, "invalid_request", /preset voice/);
    const g = await failure(async () => client.textToSpeech.convert("feedc0ffee", { text: "Hi." }));
    assertRefused(g, 400, "provider_error", /Reference not found/);
  });

  it("an unknown model_id is model_not_found; eleven_* names are served by the default model", async () => {
    const f = await failure(async () =>
      client.textToSpeech.convert("default", { text: "Hi.", modelId: "gpt-4o" }),
    );
    assertRefused(f, 400, "model_not_found", /gpt-4o/);
    await client.textToSpeech.convert("-", { text: "Hi.", modelId: "eleven_turbo_v2_5" });
    assert.equal(t.server.usage().at(-1)!.model, "s2.1-pro");
  });

  it("voice_settings map (speed, 1 − stability); vendor knobs are ignored", async () => {
    await client.textToSpeech.convert("fake-low", {
      text: "Hi.",
      voiceSettings: {
        stability: 0.3,
        speed: 1.2,
        style: 0.9,
        similarityBoost: 0.1,
        useSpeakerBoost: false,
      },
      languageCode: "en",
      seed: 7,
    });
    assert.equal(t.engines.calls.at(-1)!.options.voice.speed, 1.2);
    const f = await failure(async () =>
      client.textToSpeech.convert("default", { text: "Hi.", voiceSettings: { stability: 3 } }),
    );
    assertRefused(f, 400, "invalid_request", /stability/);
  });

  it("reference audio is refused on the timestamped endpoints (X-Fish-References)", async () => {
    const references = JSON.stringify([
      { audio: Buffer.from(wavFile(tone(200, 0.1, 8000))).toString("base64"), text: "x" },
    ]);
    const f = await failure(async () =>
      client.textToSpeech.convertWithTimestamps(
        "default",
        { text: "Hi." },
        { headers: { "X-Fish-References": references } },
      ),
    );
    assertRefused(f, 400, "invalid_request", /Reference audio/);
  });

  const refusedOptions: Array<[string, Record<string, unknown>]> = [
    ["diarize", { diarize: true }],
    ["use_multi_channel", { useMultiChannel: true }],
    ["tag_audio_events", { tagAudioEvents: true }],
    ["no_verbatim", { noVerbatim: true }],
    ["additional_formats", { additionalFormats: [{ format: "srt" }] }],
    ["entity_detection", { entityDetection: ["all"] }],
    ["entity_redaction", { entityRedaction: ["all"] }],
    ["entity_redaction_mode", { entityRedactionMode: "redacted" }],
    ["webhook", { webhook: true }],
    ["webhook_id", { webhookId: "hook" }],
    ["cloud_storage_url", { cloudStorageUrl: "https://example.invalid/a.wav" }],
    ["timestamps_granularity", { timestampsGranularity: "character" }],
  ];
  for (const [name, option] of refusedOptions) {
    it(`speech-to-text refuses ${name}`, async () => {
      const calls = t.engines.transcribeCalls;
      const f = await failure(async () =>
        client.speechToText.convert({ file: file(), modelId: "scribe_v1", ...option } as never),
      );
      assertRefused(
        f,
        400,
        "invalid_request",
        new RegExp(name.replace("timestamps_granularity", "character")),
      );
      assert.equal(t.engines.transcribeCalls, calls);
    });
  }

  it("speech-to-text refuses source_url and enable_logging=false; false booleans are unset", async () => {
    const form = (extra: Record<string, string>) => {
      const body = new FormData();
      body.append("model_id", "scribe_v1");
      body.append("file", file());
      for (const [k, v] of Object.entries(extra)) body.append(k, v);
      return body;
    };
    const post = (extra: Record<string, string>) =>
      fetch(`${t.server.url}/compat/elevenlabs/v1/speech-to-text`, {
        method: "POST",
        headers: { "xi-api-key": t.server.apiKey },
        body: form(extra),
      });
    const refusedForms: Record<string, string>[] = [
      { source_url: "https://example.invalid/a.wav" },
      { enable_logging: "false" },
    ];
    for (const extra of refusedForms) {
      const res = await post(extra);
      assert.equal(res.status, 400);
      const body = (await res.json()) as { detail: { status: string } };
      assert.equal(body.detail.status, "invalid_request");
    }
    const ok = await post({
      diarize: "False",
      tag_audio_events: "off",
      webhook: "0",
      use_multi_channel: "none",
    });
    assert.equal(ok.status, 200);
  });

  it("speech-to-text refuses X-Fish-* headers", async () => {
    const f = await failure(async () =>
      client.speechToText.convert(
        { file: file(), modelId: "scribe_v1" },
        { headers: { "X-Fish-Temperature": "0.3" } },
      ),
    );
    assertRefused(f, 400, "invalid_request", /x-fish-temperature/i);
  });

  it("no key is unauthorized; a wrong key the provider's 401; an unknown voice lookup voice_not_found", async () => {
    // Plain fetch: the test server's call() expects the native error shape.
    const res = await fetch(`${t.server.url}/compat/elevenlabs/v1/voices`);
    assert.equal(res.status, 401);
    assert.deepEqual(
      ((await res.json()) as { detail: { status: string } }).detail.status,
      "unauthorized",
    );
    const wrong = new ElevenLabsClient({
      baseUrl: `${t.server.url}/compat/elevenlabs`,
      apiKey: "nope",
      maxRetries: 0,
    });
    assertRefused(
      await failure(async () => wrong.voices.getAll()),
      401,
      "provider_error",
      /Invalid API key/,
    );
    assertRefused(
      await failure(async () => client.voices.get("missing")),
      404,
      "voice_not_found",
      /missing/,
    );
  });

  it("an empty balance is the provider's 402, and nothing is charged", async () => {
    const { userId, apiKey } = t.server.createUser({ credits: 0 });
    const poor = new ElevenLabsClient({
      baseUrl: `${t.server.url}/compat/elevenlabs`,
      apiKey,
      maxRetries: 0,
    });
    assertRefused(
      await failure(async () => poor.textToSpeech.convert("default", { text: "Hi." })),
      402,
      "provider_error",
      /credit/,
    );
    assert.equal(t.server.usage(userId).length, 0);
  });
});

describe("ElevenLabs protocol rate limits", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ rateLimit: { requests: 1, windowMs: 60_000 } });
  });
  after(() => t.close());

  it("a key over its rate limit gets rate_limit_error 429 with Retry-After", async () => {
    const get = () =>
      fetch(`${t.server.url}/compat/elevenlabs/v1/voices`, {
        headers: { "xi-api-key": t.server.apiKey },
      });
    assert.equal((await get()).status, 200);
    const res = await get();
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get("retry-after")) >= 1);
    assert.equal(
      ((await res.json()) as { detail: { status: string } }).detail.status,
      "rate_limit_error",
    );
  });
});
