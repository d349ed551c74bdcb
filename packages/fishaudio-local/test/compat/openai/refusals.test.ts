/**
 * What the OpenAI protocol refuses, and how: a 4xx in OpenAI's envelope (`{error: {code,
 * message, type}}`), seen through the official client's typed errors. Fake engines: these are
 * about the contract, not the speech.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI, { APIError, toFile } from "openai";
import { tone, wavFile } from "../../helpers/fake-engines.js";
import { startTestServer, type TestServer } from "../../helpers/server.js";

type Failure = { status: number; error: Record<string, unknown>; headers: Headers };

async function failure(call: () => Promise<unknown>): Promise<Failure> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof APIError, `expected an APIError, got ${String(error)}`);
    return {
      status: error.status!,
      error: error.error as Record<string, unknown>,
      headers: error.headers as Headers,
    };
  }
  assert.fail("the call succeeded");
}

/** A refusal of the compatibility layer: its status as `code`, no provider metadata. */
function assertRefused(f: Failure, status: number, type: string, mentions: RegExp): void {
  assert.equal(f.status, status);
  assert.equal(f.error.code, status);
  assert.equal(f.error.type, type);
  assert.equal(f.error.metadata, undefined);
  assert.match(String(f.error.message), mentions);
}

describe("OpenAI protocol refusals", () => {
  let t: TestServer;
  let client: OpenAI;
  const speech = { model: "tts-1", input: "Hello.", voice: "", response_format: "wav" } as const;
  const audio = () => toFile(wavFile(tone(150, 1, 16000)), "a.wav");
  before(async () => {
    t = await startTestServer();
    client = new OpenAI({
      baseURL: `${t.server.url}/compat/v1`,
      apiKey: t.server.apiKey,
      maxRetries: 0,
    });
  });
  after(() => t.close());

  for (const format of ["aac", "flac"] as const) {
    it(`response_format ${format} is a 400`, async () => {
      const f = await failure(async () =>
        client.audio.speech.create({ ...speech, response_format: format }),
      );
      assertRefused(f, 400, "invalid_request_error", new RegExp(format));
    });
  }

  it("instructions is a 400; an empty string is not a request", async () => {
    const f = await failure(async () =>
      client.audio.speech.create({ ...speech, instructions: "Speak softly" }),
    );
    assertRefused(f, 400, "invalid_request_error", /instructions/);
    const ok = await client.audio.speech.create({ ...speech, instructions: "" });
    assert.equal(ok.status, 200);
  });

  it("stream_format sse is a 400; audio is accepted", async () => {
    const f = await failure(async () =>
      client.audio.speech.create({ ...speech, stream_format: "sse" }),
    );
    assertRefused(f, 400, "invalid_request_error", /stream_format/);
    const ok = await client.audio.speech.create({ ...speech, stream_format: "audio" });
    assert.equal(ok.status, 200);
  });

  it("preset voice names are a 400 (nova, capital Alloy); lowercase alloy speaks", async () => {
    for (const voice of ["nova", "echo", "Alloy"]) {
      const f = await failure(async () => client.audio.speech.create({ ...speech, voice }));
      assertRefused(f, 400, "invalid_request_error", /preset voice/);
    }
    const ok = await client.audio.speech.create({ ...speech, voice: "alloy" });
    assert.equal(ok.status, 200);
    assert.equal(t.engines.calls.at(-1)!.options.voice.engineVoiceId, "fake-high");
  });

  it("an id that names no voice is the provider's 400 'Reference not found'", async () => {
    const f = await failure(async () =>
      client.audio.speech.create({ ...speech, voice: "0123456789abcdef" }),
    );
    assert.equal(f.status, 400);
    assert.equal(f.error.type, "provider_error");
    assert.deepEqual(f.error.metadata, { provider_name: "fish-audio" });
    assert.match(String(f.error.message), /Reference not found/);
  });

  it("an unknown model is a 400, never substituted; a transcription model cannot speak", async () => {
    for (const model of ["gpt-9-tts", "fish-audio/transcribe-1"]) {
      const f = await failure(async () => client.audio.speech.create({ ...speech, model }));
      assertRefused(f, 400, "invalid_request_error", /model/i);
    }
  });

  it("sample rates the codec doesn't take are a 400 (22.05 kHz everywhere, 48 kHz for wav)", async () => {
    for (const [format, rate] of [
      ["mp3", 22050],
      ["wav", 22050],
      ["wav", 48000],
      ["opus", 24000],
    ] as const) {
      const f = await failure(async () =>
        // @ts-expect-error sample_rate is an extension field
        client.audio.speech.create({ ...speech, response_format: format, sample_rate: rate }),
      );
      assert.equal(f.status, 400, `${format} at ${rate}`);
      assert.match(String(f.error.message), new RegExp(`${rate}`));
    }
  });

  it("speed outside 0.25–4.0 is a 400; inside, it is mapped to the engine's rate", async () => {
    const f = await failure(async () => client.audio.speech.create({ ...speech, speed: 5 }));
    assertRefused(f, 400, "invalid_request_error", /speed/);
    await client.audio.speech.create({ ...speech, speed: 1.5 });
    assert.equal(t.engines.calls.at(-1)!.options.voice.speed, 1.5);
  });

  it("native MP3 bitrates must be a tier (X-Fish-Mp3-Bitrate); headers win over provider.options", async () => {
    const f = await failure(async () =>
      client.audio.speech.create(
        { ...speech, response_format: "mp3" },
        { headers: { "X-Fish-Mp3-Bitrate": "96" } },
      ),
    );
    assertRefused(f, 400, "invalid_request_error", /mp3_bitrate/);
    await client.audio.speech.create(
      {
        ...speech,
        response_format: "mp3",
        provider: { options: { "fish-audio": { mp3_bitrate: 192 } } },
      } as OpenAI.Audio.SpeechCreateParams,
      { headers: { "X-Fish-Mp3-Bitrate": "64" } },
    );
    assert.equal(t.engines.encoders.at(-1)!.mp3Bitrate, 64);
  });

  for (const option of ["include", "known_speaker_names", "known_speaker_references"] as const) {
    it(`transcription option ${option} is a 400`, async () => {
      const f = await failure(async () =>
        client.audio.transcriptions.create({
          model: "whisper-1",
          file: await audio(),
          [option]: option === "include" ? ["logprobs"] : ["x"],
        } as unknown as OpenAI.Audio.TranscriptionCreateParamsNonStreaming),
      );
      assertRefused(f, 400, "invalid_request_error", new RegExp(option));
    });
  }

  it("transcription refuses native options (X-Fish-* headers)", async () => {
    const f = await failure(async () =>
      client.audio.transcriptions.create(
        { model: "whisper-1", file: await audio() },
        { headers: { "X-Fish-Latency": "normal" } },
      ),
    );
    assertRefused(f, 400, "invalid_request_error", /x-fish-latency/i);
  });

  it("transcription takes a JSON body with base64 audio; ignored options pass", async () => {
    const res = await fetch(`${t.server.url}/compat/v1/audio/transcriptions`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.server.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "whisper-1",
        file: Buffer.from(wavFile(tone(150, 1, 16000))).toString("base64"),
        prompt: "ignored",
        temperature: 0.3,
        response_format: "verbose_json",
        timestamp_granularities: ["word"],
      }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { text: string; words: unknown[]; duration: number };
    assert.equal(body.text, "fake transcript of 16000 samples");
    assert.equal(body.duration, 1);
    assert.equal(body.words.length, 2);
  });

  it("no key is a 401 authentication_error; a wrong key the provider's 401", async () => {
    const res = await fetch(`${t.server.url}/compat/v1/audio/speech`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(speech),
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: Record<string, unknown> };
    assert.equal(body.error.type, "authentication_error");
    assert.equal(body.error.metadata, undefined);

    const wrong = new OpenAI({
      baseURL: `${t.server.url}/compat/v1`,
      apiKey: "wrong",
      maxRetries: 0,
    });
    const f = await failure(async () => wrong.audio.speech.create(speech));
    assert.equal(f.status, 401);
    assert.equal(f.error.type, "provider_error");
    assert.deepEqual(f.error.metadata, { provider_name: "fish-audio" });
  });

  it("credit and rate limits are the native ones: 402 from the provider, charged nothing", async () => {
    const { userId, apiKey } = t.server.createUser({ credits: 0 });
    const poor = new OpenAI({ baseURL: `${t.server.url}/compat/v1`, apiKey, maxRetries: 0 });
    const f = await failure(async () => poor.audio.speech.create(speech));
    assert.equal(f.status, 402);
    assert.equal(f.error.type, "provider_error");
    assert.equal(t.server.usage(userId).length, 0);
  });

  it("translations and model retrieval are 404s", async () => {
    const f = await failure(async () =>
      client.audio.translations.create({ model: "whisper-1", file: await audio() }),
    );
    assert.equal(f.status, 404);
    const g = await failure(async () => client.models.retrieve("fish-audio/s2.1-pro"));
    assert.equal(g.status, 404);
  });
});

describe("OpenAI protocol rate limits", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ rateLimit: { requests: 1, windowMs: 60_000 } });
  });
  after(() => t.close());

  it("a key over its rate limit gets 429 with Retry-After", async () => {
    const client = new OpenAI({
      baseURL: `${t.server.url}/compat/v1`,
      apiKey: t.server.apiKey,
      maxRetries: 0,
    });
    const speech = { model: "tts-1", input: "Hi.", voice: "", response_format: "pcm" } as const;
    await (await client.audio.speech.create(speech)).arrayBuffer();
    const f = await failure(async () => client.audio.speech.create(speech));
    assert.equal(f.status, 429);
    assert.ok(Number(f.headers.get("retry-after")) >= 1);
  });
});
