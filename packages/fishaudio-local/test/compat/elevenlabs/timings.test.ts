/**
 * ElevenLabs character timings come from the engines' own word timings: with long pauses
 * between words, the first letter of each word starts where its sound starts (held, as the
 * engines' word timings are, within 50 ms of the audio's energy onset). Real engines (flite),
 * through the official client (`convertWithTimestamps`) and the stream-input socket.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ElevenLabsClient } from "@elevenlabs/elevenlabs-js";
import { type LocalServer, startServer } from "fishaudio-local";
import WebSocket from "ws";
import { energyOnsetAfter } from "../../helpers/onsets.js";

// Words that start with a vowel, nasal or liquid (their onset is the first energy), one
// sentence, with pauses that an even spread over the sentence would smear the words across.
const TEXT = "Apple [long pause] mango [long pause] [long pause] orange, lemon.";
const WORDS = ["Apple", "mango", "orange", "lemon"];

/** Checks each word's first character against the sound onset after the word before it. */
function assertOnsets(
  pcm: Int16Array,
  rate: number,
  chars: string[],
  starts: number[],
  ends: number[],
) {
  assert.equal(chars.join(""), TEXT);
  let from = 0;
  let previousEnd = 0;
  for (const word of WORDS) {
    const at = TEXT.indexOf(word, from);
    from = at + word.length;
    const onset = energyOnsetAfter(pcm, rate, previousEnd);
    assert.ok(onset !== undefined, `no sound after ${previousEnd}s`);
    assert.ok(
      Math.abs(starts[at]! - onset) <= 0.05,
      `"${word}" starts at ${starts[at]!.toFixed(3)}s, its sound at ${onset.toFixed(3)}s`,
    );
    previousEnd = ends[from - 1]!;
  }
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! >= starts[i - 1]!);
}

describe("ElevenLabs character timings from engine word timings", () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it("convertWithTimestamps: each word's first character at its sound's onset", async () => {
    const client = new ElevenLabsClient({
      baseUrl: `${server.url}/compat/elevenlabs`,
      apiKey: server.apiKey,
    });
    const result = await client.textToSpeech.convertWithTimestamps("flite-rms", {
      text: TEXT,
      outputFormat: "pcm_16000",
    });
    const bytes = Buffer.from(result.audioBase64, "base64");
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    const a = result.alignment!;
    assertOnsets(
      pcm,
      16000,
      a.characters,
      a.characterStartTimesSeconds,
      a.characterEndTimesSeconds,
    );
  });

  it("stream-input with sync_alignment: the same, in milliseconds on the session's clock", async () => {
    const url = `${server.url.replace(/^http/, "ws")}/compat/elevenlabs/v1/text-to-speech/flite-rms/stream-input?output_format=pcm_16000&sync_alignment=true`;
    const ws = new WebSocket(url, { headers: { "xi-api-key": server.apiKey } });
    const frames: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on("open", () => {
        for (const text of [" ", TEXT, ""]) ws.send(JSON.stringify({ text }));
      });
      ws.on("message", (data: Buffer) => frames.push(JSON.parse(data.toString())));
      ws.on("close", () => resolve());
      ws.on("error", reject);
    });
    const audio = Buffer.concat(
      frames
        .filter((f) => typeof f.audio === "string")
        .map((f) => Buffer.from(f.audio as string, "base64")),
    );
    const pcm = new Int16Array(audio.buffer, audio.byteOffset, audio.length / 2);
    const chars: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    for (const f of frames) {
      const a = f.alignment as
        | { chars: string[]; charStartTimesMs: number[]; charDurationsMs: number[] }
        | undefined;
      if (!a) continue;
      chars.push(...a.chars);
      a.charStartTimesMs.forEach((s, i) => {
        starts.push(s / 1000);
        ends.push((s + a.charDurationsMs[i]!) / 1000);
      });
    }
    assertOnsets(pcm, 16000, chars, starts, ends);
  });
});
