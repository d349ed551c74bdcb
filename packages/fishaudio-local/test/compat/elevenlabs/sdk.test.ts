/**
 * The official `@elevenlabs/elevenlabs-js` client, unchanged but for its base URL and key,
 * against the local server with its real engines (flite speaks, pocketsphinx listens).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ElevenLabsClient } from "@elevenlabs/elevenlabs-js";
import { type LocalServer, startServer } from "fishaudio-local";

async function collect(
  stream: ReadableStream<Uint8Array>,
): Promise<{ bytes: Buffer; pieces: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>)
    chunks.push(Buffer.from(chunk));
  return { bytes: Buffer.concat(chunks), pieces: chunks.length };
}

const TEXT = "Good morning. The weather is fine today.";

describe("@elevenlabs/elevenlabs-js against /compat/elevenlabs", () => {
  let server: LocalServer;
  let client: ElevenLabsClient;
  before(async () => {
    server = await startServer();
    client = new ElevenLabsClient({
      baseUrl: `${server.url}/compat/elevenlabs`,
      apiKey: server.apiKey,
    });
  });
  after(() => server.close());

  it("textToSpeech.convert: MP3 with the bitrate snapped up to a tier, charged with the model it was served by", async () => {
    const before = server.usage().length;
    const audio = await client.textToSpeech.convert("default", {
      text: TEXT,
      modelId: "eleven_multilingual_v2",
      outputFormat: "mp3_44100_96",
      voiceSettings: {
        stability: 0.5,
        similarityBoost: 0.75,
        style: 0.2,
        useSpeakerBoost: true,
        speed: 1,
      },
    });
    const { bytes } = await collect(audio);
    // MPEG-1 layer III frame header: sample-rate index 0 is 44.1 kHz; 96 kbps snapped up to 128 (index 9).
    const frame = bytes.indexOf(
      Buffer.from([0xff]),
      bytes.toString("latin1", 0, 3) === "ID3" ? 10 : 0,
    );
    assert.ok(frame >= 0);
    assert.equal((bytes[frame + 2]! >> 2) & 0x3, 0, "44.1 kHz");
    assert.equal(bytes[frame + 2]! >> 4, 9, "128 kbps");
    const usage = server.usage().slice(before);
    assert.equal(usage.length, 1);
    assert.equal(usage[0]!.model, "s2.1-pro");
    assert.equal(usage[0]!.units, Buffer.byteLength(TEXT));
  });

  it("textToSpeech.stream: PCM streams in pieces, and speechToText.convert hears it back with word timings", async () => {
    const { bytes, pieces } = await collect(
      await client.textToSpeech.stream("flite-rms", {
        text: "Hello there. We will go for a walk in the park.",
        outputFormat: "pcm_16000",
      }),
    );
    assert.ok(pieces > 1, `${pieces} piece(s)`);
    const seconds = bytes.length / 32000;
    assert.ok(seconds > 2 && seconds < 10, `${seconds} s`);
    const wav = Buffer.concat([wavHeader(16000, bytes.length), bytes]);
    const result = await client.speechToText.convert({
      file: new File([wav], "speech.wav"),
      modelId: "scribe_v1",
      // ElevenLabs' examples send these; false means unset, so they are not refused.
      tagAudioEvents: false,
      diarize: false,
    });
    assert.ok("words" in result);
    assert.match(result.text, /walk|park|day/i);
    assert.equal(result.languageCode, "");
    assert.equal(result.languageProbability, 1);
    const words = result.words.filter((w) => w.type === "word");
    assert.equal(words.map((w) => w.text).join(" "), result.text);
    assert.ok(result.words.some((w) => w.type === "spacing"));
    for (const w of result.words) {
      assert.equal(w.logprob, 0);
      assert.ok(w.end! >= w.start!);
    }
  });

  it("textToSpeech.convertWithTimestamps: audio plus character alignment in seconds over the whole text", async () => {
    const result = await client.textToSpeech.convertWithTimestamps("flite-slt", {
      text: TEXT,
      outputFormat: "wav_16000",
    });
    const wav = Buffer.from(result.audioBase64, "base64");
    assert.equal(wav.toString("latin1", 0, 4), "RIFF");
    const seconds = (wav.length - 44) / 32000;
    const a = result.alignment!;
    assert.equal(a.characters.join(""), TEXT);
    assert.equal(a.characterStartTimesSeconds.length, TEXT.length);
    assert.equal(a.characterEndTimesSeconds.length, TEXT.length);
    for (let i = 0; i < TEXT.length; i++) {
      assert.ok(a.characterEndTimesSeconds[i]! >= a.characterStartTimesSeconds[i]!);
      if (i > 0)
        assert.ok(a.characterStartTimesSeconds[i]! >= a.characterStartTimesSeconds[i - 1]!);
    }
    assert.ok(
      Math.abs(a.characterEndTimesSeconds.at(-1)! - seconds) < 0.05,
      `ends at ${seconds} s`,
    );
    // The second sentence starts after the first one's audio.
    assert.ok(a.characterStartTimesSeconds[TEXT.indexOf("The")]! > 0.5);
    assert.deepEqual(result.normalizedAlignment, result.alignment);
  });

  it("textToSpeech.streamWithTimestamps: NDJSON chunks whose alignments join into the text", async () => {
    const stream = await client.textToSpeech.streamWithTimestamps("default", {
      text: TEXT,
      outputFormat: "pcm_24000",
    });
    let characters = "";
    let audio = 0;
    let chunks = 0;
    let last = 0;
    for await (const chunk of stream) {
      chunks++;
      audio += Buffer.from(chunk.audioBase64 ?? "", "base64").length;
      const a = chunk.alignment;
      if (!a) continue;
      characters += a.characters.join("");
      assert.ok(a.characterStartTimesSeconds[0]! >= last - 1e-9, "times continue across chunks");
      last = a.characterEndTimesSeconds.at(-1)!;
    }
    assert.equal(characters, TEXT);
    assert.ok(chunks >= 2, `${chunks} chunks`);
    assert.ok(
      Math.abs(last - audio / 48000) < 0.05,
      `alignment ends at ${last}, audio ${audio / 48000}`,
    );
  });

  it("voices.search and voices.getAll list the library in the Voice shape; models.list the catalog", async () => {
    const page = await client.voices.search({ pageSize: 2 });
    assert.equal(page.voices.length, 2);
    assert.equal(page.hasMore, true);
    assert.ok(page.totalCount > 2);
    const next = await client.voices.search({ pageSize: 2, nextPageToken: page.nextPageToken });
    assert.notEqual(next.voices[0]!.voiceId, page.voices[0]!.voiceId);
    const found = await client.voices.search({ search: "flite-rms" });
    assert.deepEqual(
      found.voices.map((v) => v.voiceId),
      ["flite-rms"],
    );
    assert.equal(found.voices[0]!.category, "premade");
    const all = await client.voices.getAll();
    assert.equal(all.voices.length, page.totalCount);
    const one = await client.voices.get("espeak-de");
    assert.equal(one.labels?.language, "de");
    const models = await client.models.list();
    assert.ok(models.some((m) => m.modelId === "fish-audio/s2.1-pro" && m.canDoTextToSpeech));
  });
});

function wavHeader(rate: number, bytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + bytes, 4);
  h.write("WAVEfmt ", 8, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(bytes, 40);
  return h;
}
