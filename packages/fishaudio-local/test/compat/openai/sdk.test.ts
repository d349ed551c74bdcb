/**
 * The official `openai` npm client, unchanged but for its base URL and key, against the local
 * server with its real engines: speech is synthesised by flite and transcribed by pocketsphinx.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type LocalServer, startServer } from "fishaudio-local";
import OpenAI, { toFile } from "openai";
import { tone, wavFile } from "../../helpers/fake-engines.js";
import { startTestServer, type TestServer } from "../../helpers/server.js";

describe("openai SDK against /compat/v1", () => {
  let server: LocalServer;
  let client: OpenAI;
  before(async () => {
    server = await startServer();
    client = new OpenAI({ baseURL: `${server.url}/compat/v1`, apiKey: server.apiKey });
  });
  after(() => server.close());

  it("audio.speech.create buffered: an MP3 of the spoken text, charged to the key", async () => {
    const before = server.usage().length;
    const response = await client.audio.speech.create({
      model: "tts-1",
      input: "Hello from the local server.",
      voice: "",
      response_format: "mp3",
    });
    assert.equal(response.headers.get("content-type"), "audio/mpeg");
    assert.match(response.headers.get("x-generation-id") ?? "", /^[0-9a-f]{24}$/);
    const mp3 = Buffer.from(await response.arrayBuffer());
    assert.ok(mp3.length > 2000, `mp3 of ${mp3.length} bytes`);
    assert.ok(mp3[0] === 0xff || mp3.toString("latin1", 0, 3) === "ID3", "starts like MP3");
    const usage = server.usage().slice(before);
    assert.equal(usage.length, 1);
    assert.equal(usage[0]!.kind, "tts");
    assert.equal(usage[0]!.model, "s2.1-pro");
    assert.equal(usage[0]!.units, Buffer.byteLength("Hello from the local server."));
  });

  it("audio.speech.create streamed: WAV arrives in pieces with the placeholder header, and transcribes back", async () => {
    const response = await client.audio.speech.create({
      model: "fish-audio/s2.1-pro",
      input: "Good morning. We will go for a walk.",
      voice: "flite-rms",
      response_format: "wav",
      // @ts-expect-error sample_rate is an extension field the Node SDK passes through
      sample_rate: 16000,
    });
    const pieces: Buffer[] = [];
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      pieces.push(Buffer.from(chunk));
    }
    const wav = Buffer.concat(pieces);
    assert.ok(pieces.length > 1, `streamed in ${pieces.length} piece(s)`);
    assert.equal(wav.toString("ascii", 0, 4), "RIFF");
    assert.equal(wav.readUInt32LE(4), 4294967076);
    assert.equal(wav.readUInt32LE(24), 16000);
    assert.equal(wav.readUInt32LE(40), 4294967040);
    const seconds = (wav.length - 44) / 32000;
    assert.ok(seconds > 1 && seconds < 8, `${seconds} s of audio`);

    const transcript = await client.audio.transcriptions.create({
      model: "whisper-1",
      file: await toFile(wav, "speech.wav"),
      response_format: "verbose_json",
      timestamp_granularities: ["word"],
    });
    assert.match(transcript.text, /walk|morning/i);
    // The recogniser's own word times: in order, inside the audio.
    const words = transcript.words ?? [];
    assert.equal(words.map((w) => w.word).join(" "), transcript.text);
    for (const [i, w] of words.entries()) {
      assert.ok(w.end > w.start && w.end <= transcript.duration + 0.01);
      if (i > 0) assert.ok(w.start >= words[i - 1]!.end - 0.01);
    }
  });

  it("every accepted response_format streams its own codec at its default rate", async () => {
    const expect: Record<string, (b: Buffer) => boolean> = {
      mp3: (b) => b[0] === 0xff || b.toString("latin1", 0, 3) === "ID3",
      opus: (b) => b.toString("latin1", 0, 4) === "OggS",
      wav: (b) => b.toString("latin1", 0, 4) === "RIFF" && b.readUInt32LE(24) === 44100,
      pcm: (b) => b.length % 2 === 0,
      pcm16: (b) => b.length % 2 === 0,
    };
    const lengths: Record<string, number> = {};
    for (const format of Object.keys(expect)) {
      const response = await client.audio.speech.create({
        model: "tts-1",
        input: "Hi there.",
        voice: "flite-kal16",
        response_format: format as "mp3",
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      assert.ok(expect[format]!(bytes), `${format}: ${bytes.subarray(0, 8).toString("hex")}`);
      lengths[format] = bytes.length;
    }
    // pcm is 44.1 kHz, pcm16 24 kHz: the same speech in 44.1/24 as many bytes.
    const ratio = lengths.pcm! / lengths.pcm16!;
    assert.ok(Math.abs(ratio - 44100 / 24000) < 0.05, `pcm/pcm16 byte ratio ${ratio}`);
  });

  it("models.list is the Fish catalog, answered without a key", async () => {
    const anonymous = new OpenAI({ baseURL: `${server.url}/compat/v1`, apiKey: "not-a-key" });
    const ids: string[] = [];
    for await (const model of anonymous.models.list()) ids.push(model.id);
    assert.deepEqual(ids, [
      "fish-audio/s2.1-pro",
      "fish-audio/s2.1-pro-free",
      "fish-audio/s2-pro",
      "fish-audio/s1",
      "fish-audio/transcribe-1",
    ]);
  });

  it("answers under the /compat/api/v1 and /compat/openai/v1 aliases too", async () => {
    for (const base of ["/compat/api/v1", "/compat/openai/v1"]) {
      const aliased = new OpenAI({ baseURL: `${server.url}${base}`, apiKey: server.apiKey });
      const response = await aliased.audio.speech.create({
        model: "tts-1",
        input: "Hi.",
        voice: "default",
        response_format: "wav",
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      assert.equal(bytes.toString("latin1", 0, 4), "RIFF", base);
    }
  });
});

describe("openai SDK transcription formats against /compat/v1", () => {
  // The formats are shaping of one transcript: fake engines keep this file fast on a loaded
  // machine (the real recogniser is exercised above).
  let t: TestServer;
  let client: OpenAI;
  before(async () => {
    t = await startTestServer();
    client = new OpenAI({ baseURL: `${t.server.url}/compat/v1`, apiKey: t.server.apiKey });
  });
  after(() => t.close());

  it("audio.transcriptions.create in json, text, verbose_json (word timings), srt and vtt", async () => {
    const file = () => toFile(wavFile(tone(150, 3, 16000)), "tone.wav");
    const json = await client.audio.transcriptions.create({
      model: "whisper-1",
      file: await file(),
    });
    assert.equal(json.text, "fake transcript of 48000 samples");

    const text = await client.audio.transcriptions.create({
      model: "whisper-1",
      file: await file(),
      response_format: "text",
    });
    assert.equal(typeof text, "string");
    assert.equal(text.trim(), json.text);

    const verbose = await client.audio.transcriptions.create({
      model: "fish-audio/transcribe-1",
      file: await file(),
      response_format: "verbose_json",
      timestamp_granularities: ["word"],
      language: "en",
    });
    assert.equal(verbose.language, "en");
    assert.equal(verbose.duration, 3);
    // The fake recogniser times one segment "fake transcript" over 0–3 s: its words share it
    // by length (4 and 10 letters).
    assert.deepEqual(verbose.words, [
      { word: "fake", start: 0, end: 0.857 },
      { word: "transcript", start: 0.857, end: 3 },
    ]);
    assert.deepEqual(
      verbose.segments?.map((s) => [s.id, s.text, s.start, s.end, s.avg_logprob, s.no_speech_prob]),
      [
        [0, "fake", 0, 0.857, 0, 0],
        [1, "transcript", 0.857, 3, 0, 0],
      ],
    );

    const plain = await client.audio.transcriptions.create({
      model: "whisper-1",
      file: await file(),
      response_format: "verbose_json",
    });
    assert.equal(plain.words, undefined);
    assert.equal(plain.language, "");

    const srt = (await client.audio.transcriptions.create({
      model: "whisper-1",
      file: await file(),
      response_format: "srt",
    })) as unknown as string;
    assert.equal(srt, "1\n00:00:00,000 --> 00:00:03,000\nfake transcript\n");

    const vtt = (await client.audio.transcriptions.create({
      model: "whisper-1",
      file: await file(),
      response_format: "vtt",
    })) as unknown as string;
    assert.equal(vtt, "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nfake transcript\n");
  });
});
