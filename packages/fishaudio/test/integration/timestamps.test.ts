// Word timestamps, dialogue and cues: the SDK against the real local server and its engines.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  APIUserAbortError,
  AuthenticationError,
  FishAudio,
  NotFoundError,
  PaymentRequiredError,
  RateLimitError,
  type TimestampEvent,
  type TTSConvertParams,
  toSrt,
  UnprocessableEntityError,
  ValidationError,
  wordsToCues,
} from "../../src/index.js";
import { type Integration, startIntegration, words } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration();
});
after(() => it_.server.close());

const CUE_WORDS = /whisper|pause|angry|laugh|happy|emphasis|break/i;

/** First 5 ms frame at or after `from` that is loud (4 % of the peak) after a quiet one. */
function onsetAfter(pcm: Int16Array, rate: number, from: number): number | undefined {
  const frame = Math.round(rate * 0.005);
  const levels: number[] = [];
  for (let i = 0; i + frame <= pcm.length; i += frame) {
    let sum = 0;
    for (let j = i; j < i + frame; j++) sum += pcm[j]! * pcm[j]!;
    levels.push(Math.sqrt(sum / frame));
  }
  const threshold = Math.max(...levels) * 0.04;
  let i = Math.floor(from / 0.005);
  while (i < levels.length && levels[i]! >= threshold) i++;
  while (i < levels.length && levels[i]! < threshold) i++;
  return i < levels.length ? i * 0.005 : undefined;
}

function int16(bytes: Uint8Array): Int16Array {
  const copy = bytes.slice();
  return new Int16Array(copy.buffer, 0, copy.byteLength >> 1);
}

describe("tts.convertWithTimestamps against fishaudio-local", () => {
  it("yields audio and alignment events in order; words start where the sound does", async () => {
    const stream = await it_.client.tts.convertWithTimestamps({
      text: "Apple. Mango. Orange. Lemon.",
      referenceId: "flite-slt",
      format: "pcm",
      config: { sampleRate: 16000 },
    });
    const events: TimestampEvent[] = [];
    let wordsDuring = 0;
    for await (const event of stream) {
      events.push(event);
      wordsDuring = Math.max(wordsDuring, stream.words.length);
    }
    assert.ok(events.length > 1);
    assert.ok(events.some((e) => e.alignment !== null));
    const pcm = int16(new Uint8Array(Buffer.concat(events.map((e) => e.audio))));
    const list = stream.words;
    assert.equal(wordsDuring, list.length);
    assert.deepEqual(
      list.map((w) => w.text),
      ["Apple", "Mango", "Orange", "Lemon"],
    );
    let previousEnd = 0;
    for (const word of list) {
      const onset = onsetAfter(pcm, 16000, previousEnd);
      assert.ok(onset !== undefined);
      assert.ok(
        Math.abs(word.start - onset) <= 0.05,
        `"${word.text}" at ${word.start}s, sound at ${onset}s`,
      );
      previousEnd = word.end;
    }
    assert.ok(previousEnd <= pcm.length / 16000 + 0.01);
  });

  it("collects the audio and the absolute word list, ready for subtitles", async () => {
    const { audio, words: list } = await (
      await it_.client.tts.convertWithTimestamps({
        text: "Hello from the local server. This is the second sentence.",
        format: "mp3",
      })
    ).collect();
    assert.ok(audio.byteLength > 1000);
    assert.deepEqual(
      list.map((w) => w.text.toLowerCase()),
      words("Hello from the local server. This is the second sentence."),
    );
    for (let i = 1; i < list.length; i++) assert.ok(list[i]!.start >= list[i - 1]!.start);
    const srt = toSrt(wordsToCues(list));
    assert.match(
      srt,
      /^1\n00:00:00,\d{3} --> 00:00:0\d,\d{3}\nHello from the local server This is the\nsecond sentence\n$/,
    );
  });

  it("speaks each dialogue speaker with its own voice, in order, in one stream", async () => {
    const turns = ["Good morning to you.", "And a very good morning to you too."];
    const stream = await it_.client.tts.convertWithTimestamps({
      text: `<|speaker:0|>${turns[0]}<|speaker:1|>${turns[1]}`,
      referenceId: ["flite-rms", "flite-slt"],
      format: "pcm",
      config: { sampleRate: 16000 },
    });
    const finals = new Map<number, TimestampEvent>();
    for await (const e of stream) if (e.alignment) finals.set(e.chunkSeq, e);
    assert.deepEqual([...finals.keys()], [0, 1]);
    assert.equal(finals.get(1)!.content, turns[1]);
    // flite is deterministic: each turn is as long as that voice alone makes it.
    for (const [seq, voice] of [
      [0, "flite-rms"],
      [1, "flite-slt"],
    ] as const) {
      const alone = await (
        await it_.client.tts.convertWithTimestamps({
          text: turns[seq]!,
          referenceId: voice,
          format: "pcm",
          config: { sampleRate: 16000 },
        })
      ).collect();
      const duration = alone.audio.byteLength / 2 / 16000;
      assert.ok(
        Math.abs(finals.get(seq)!.alignment!.audioDuration - duration) < 0.01,
        `turn ${seq}: ${finals.get(seq)!.alignment!.audioDuration}s vs ${voice} alone ${duration}s`,
      );
    }
    assert.equal(finals.get(1)!.chunkAudioOffsetSec, finals.get(0)!.alignment!.audioDuration);
  });

  it("never speaks a cue: not in the words, not in a transcript of the audio", async () => {
    const text =
      "[whispering] The cat sat on the mat. [pause] (angry) The dog [laughing] ran home. [happy] [emphasis] Good night.";
    const { audio, words: list } = await (
      await it_.client.tts.convertWithTimestamps({ text, referenceId: "flite-rms", format: "wav" })
    ).collect();
    assert.deepEqual(
      list.map((w) => w.text),
      ["The", "cat", "sat", "on", "the", "mat", "The", "dog", "ran", "home", "Good", "night"],
    );
    const heard = await it_.client.asr.transcribe({ audio });
    assert.doesNotMatch(heard.text, CUE_WORDS, heard.text);
    const plain = await (await it_.client.tts.convert({ text, format: "wav" })).collect();
    const heardPlain = await it_.client.asr.transcribe({ audio: plain });
    assert.doesNotMatch(heardPlain.text, CUE_WORDS, heardPlain.text);
    assert.ok(heardPlain.text.trim().length > 0);
  });

  it("keeps the realtime WebSocket working with dialogue and cues in its start request", async () => {
    const live = it_.client.tts.streamWebsocket(
      ["<|speaker:0|>[whispering] Hello there. ", "<|speaker:1|>(sighing) Good [pause] night."],
      { referenceId: ["flite-rms", "espeak-en"], format: "wav" },
    );
    const audio = await live.collect();
    assert.ok(audio.byteLength > 16000);
    const heard = await it_.client.asr.transcribe({ audio });
    assert.doesNotMatch(heard.text, CUE_WORDS, heard.text);
  });

  it("rejects an unknown voice with the same typed error as convert, and bad dialogue before sending", async () => {
    await assert.rejects(
      it_.client.tts.convertWithTimestamps({ text: "Hi", referenceId: "no-such-voice" }),
      NotFoundError,
    );
    await assert.rejects(
      it_.client.tts.convertWithTimestamps({ text: "<|speaker:1|>Hi", referenceId: "flite-rms" }),
      ValidationError,
    );
  });
});

describe("convertWithTimestamps: errors, retries and abort as convert, against fishaudio-local", () => {
  it("maps a bad key, an empty balance and a refused value to the SDK's classes", async () => {
    await assert.rejects(
      it_.clientFor("wrong").tts.convertWithTimestamps({ text: "Hi" }),
      AuthenticationError,
    );
    const poor = it_.server.createUser({ credits: 0 });
    await assert.rejects(
      it_.clientFor(poor.apiKey).tts.convertWithTimestamps({ text: "Hi" }),
      PaymentRequiredError,
    );
    await assert.rejects(
      it_.client.tts.convertWithTimestamps({
        text: "Hi",
        referenceId: "flite-rms",
        config: { sampleRate: 12345 },
      }),
      (error: Error) => {
        assert.ok(error instanceof UnprocessableEntityError, String(error));
        assert.match(error.message, /sample_rate|12345/);
        return true;
      },
    );
  });

  it("past the rate limit with no retries left it is RateLimitError", async () => {
    const limited = await startIntegration({ rateLimit: { requests: 1, windowMs: 60_000 } });
    try {
      await limited.client.account.getCredits();
      await assert.rejects(
        limited.client.tts.convertWithTimestamps({ text: "Hi." }),
        (error: RateLimitError) => {
          assert.ok(error instanceof RateLimitError, String(error));
          assert.ok(Number(error.headers?.get("retry-after")) >= 1);
          return true;
        },
      );
    } finally {
      await limited.server.close();
    }
  });

  it("retries a 429 before the first byte (after Retry-After), then streams the events", async () => {
    // One request per 3 s window: the credit check uses it, so the TTS request that follows at
    // once is answered 429 with Retry-After, and its retry lands in the next window.
    const limited = await startIntegration({ rateLimit: { requests: 1, windowMs: 3000 } });
    try {
      const lines: string[] = [];
      const log = (line: string) => lines.push(line);
      const patient = new FishAudio({
        apiKey: limited.server.apiKey,
        baseUrl: limited.server.url,
        maxRetries: 2,
        logLevel: "info",
        logger: { debug: log, info: log, warn: log, error: log },
      });
      await patient.account.getCredits();
      const { words: list } = await (
        await patient.tts.convertWithTimestamps({ text: "Two words." })
      ).collect();
      assert.deepEqual(
        list.map((w) => w.text),
        ["Two", "words"],
      );
      const posts = lines.filter((l) => l.includes("POST /v1/tts/stream/with-timestamp"));
      assert.match(posts[0] ?? "", / 429 .*attempt 1 of 3.*retrying in/);
      assert.match(posts[1] ?? "", / 200 .*attempt 2 of 3/);
    } finally {
      await limited.server.close();
    }
  });

  it("ends with APIUserAbortError when the caller aborts after the first event, and stops reading", async () => {
    const controller = new AbortController();
    const text = Array.from({ length: 12 }, (_, i) => `This is sentence number ${i + 1}.`).join(
      " ",
    );
    const stream = await it_.client.tts.convertWithTimestamps(
      { text, referenceId: "flite-rms", format: "pcm" },
      { signal: controller.signal },
    );
    const seen: TimestampEvent[] = [];
    await assert.rejects(async () => {
      for await (const event of stream) {
        seen.push(event);
        if (seen.length === 1) controller.abort();
      }
    }, APIUserAbortError);
    assert.equal(seen.length, 1);
    // Aborted before it was sent: nothing reaches the server.
    const before = it_.server.usage().length;
    await assert.rejects(
      it_.client.tts.convertWithTimestamps({ text: "Hi" }, { signal: AbortSignal.abort() }),
      APIUserAbortError,
    );
    assert.equal(it_.server.usage().length, before);
  });
});

describe("dialogue markers and voices that do not match fail before anything is sent", () => {
  const cases: [TTSConvertParams, RegExp][] = [
    [{ text: "<|speaker:0|>Hi<|speaker:1|>Yo", referenceId: "flite-rms" }, /only one voice/],
    [{ text: "Hi there", referenceId: ["flite-rms", "flite-slt"] }, /no <\|speaker:N\|> markers/],
    [{ text: "<|speaker:2|>Hi", referenceId: ["flite-rms", "flite-slt"] }, /only 2 voices/],
    [
      { text: "<|speaker 1|>Hi", referenceId: ["flite-rms", "flite-slt"] },
      /malformed speaker marker/,
    ],
    [
      {
        text: "<|speaker:0|>Hi<|speaker:1|>Yo",
        referenceId: ["flite-rms", "flite-slt"],
        model: "s1",
      },
      /"s1" cannot speak dialogue/,
    ],
    [
      {
        text: "<|speaker:0|>Hi<|speaker:1|>Yo",
        referenceId: ["flite-rms", "flite-slt"],
        references: [[{ audio: new Uint8Array([1]), text: "a" }]],
      },
      /1 speaker lists but referenceId names 2 speakers/,
    ],
    [
      {
        text: "<|speaker:0|>Hi",
        // A mistake only untyped callers can make.
        references: [[], { audio: new Uint8Array([1]), text: "a" }] as never,
      },
      /mixes samples and lists of samples/,
    ],
  ];
  for (const [params, message] of cases) {
    it(`${JSON.stringify(params.text)} with ${JSON.stringify(params.referenceId ?? "references")}${params.model ? ` on ${params.model}` : ""}`, async () => {
      const charged = it_.server.usage().length;
      const credits = it_.server.getCredits(it_.server.userId);
      for (const call of [
        () => it_.client.tts.convertWithTimestamps(params),
        () => it_.client.tts.convert(params),
      ]) {
        await assert.rejects(call(), (error: Error) => {
          assert.ok(error instanceof ValidationError, String(error));
          assert.match(error.message, message);
          return true;
        });
      }
      assert.equal(it_.server.usage().length, charged);
      assert.equal(it_.server.getCredits(it_.server.userId), credits);
    });
  }
});
