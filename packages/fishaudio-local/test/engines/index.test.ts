import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { createEngines, type LocalEngines } from "../../src/engines/index.js";
import {
  type PcmChunk,
  type SynthesisOptions,
  UnsupportedAudioError,
} from "../../src/engines/types.js";
import { joinPcm, rms } from "./fixtures.js";

const TWO_SENTENCES =
  "The weather today is sunny with a light breeze. Please send the report by Friday.";

let engines: LocalEngines;

before(async () => {
  engines = await createEngines();
});

after(async () => {
  await engines.close();
});

async function speak(text: string, voice: SynthesisOptions["voice"], signal?: AbortSignal) {
  const chunks: PcmChunk[] = [];
  for await (const c of engines.synthesize(text, { voice, ...(signal ? { signal } : {}) }))
    chunks.push(c);
  return chunks;
}

describe("createEngines: voices", () => {
  it("lists every voice with the EngineVoice fields, default first", () => {
    const voices = engines.voices();
    assert.ok(voices.length >= 30);
    assert.equal(voices[0]!.id, "flite-rms");
    for (const v of voices) {
      assert.ok(v.title && v.description && v.languages.length > 0 && v.pitchHz > 50, v.id);
      assert.ok(["male", "female", "neutral"].includes(v.gender));
      assert.ok(["flite", "espeak"].includes(v.engine));
    }
    voices[0]!.languages.push("xx");
    assert.deepEqual(engines.voices()[0]!.languages, ["en"], "callers get copies");
    assert.equal(engines.voiceForLanguage("fr").id, "espeak-fr");
  });

  it("rejects an unknown engine voice id with the list of valid ones", () => {
    assert.throws(
      () => engines.synthesize("Hi.", { voice: { engineVoiceId: "nope" } }),
      /Unknown engine voice "nope".*flite-rms/,
    );
  });
});

describe("createEngines: synthesis", () => {
  const samples: Record<string, string> = {
    en: "The quick brown fox jumps over the lazy dog.",
    de: "Der schnelle braune Fuchs springt über den faulen Hund.",
    fr: "Le renard brun rapide saute par-dessus le chien paresseux.",
    es: "El rápido zorro marrón salta sobre el perro perezoso.",
    zh: "敏捷的棕色狐狸跳过了那只懒狗。",
    ja: "すばやい茶色の狐がのろまな犬を飛び越える。",
    ru: "Быстрая коричневая лиса прыгает через ленивую собаку.",
  };
  it("every voice produces non-silent PCM of plausible duration", async () => {
    for (const voice of engines.voices()) {
      const text = samples[voice.languages[0]!] ?? samples.en!;
      const pcm = joinPcm(await speak(text, { engineVoiceId: voice.id }));
      const seconds = pcm.samples.length / pcm.sampleRate;
      assert.ok(seconds > 0.8 && seconds < 12, `${voice.id}: ${seconds.toFixed(2)} s`);
      assert.ok(rms(pcm.samples) > 300, `${voice.id}: rms ${rms(pcm.samples)}`);
      assert.ok([16000, 22050].includes(pcm.sampleRate), `${voice.id}: ${pcm.sampleRate}`);
    }
  });

  for (const id of ["flite-rms", "espeak-en"]) {
    it(`${id}: yields the first chunk before the last sentence is produced`, async () => {
      const text = `${TWO_SENTENCES} ${"This is one more sentence to speak. ".repeat(6)}`;
      const iterator = engines
        .synthesize(text, { voice: { engineVoiceId: id } })
        [Symbol.asyncIterator]();
      const first = await iterator.next();
      assert.equal(first.done, false);
      const firstSeconds = first.value.samples.length / first.value.sampleRate;
      let total = firstSeconds;
      let count = 1;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        total += r.value.samples.length / r.value.sampleRate;
        count++;
      }
      assert.ok(count > 1, `${count} chunks`);
      // The first chunk is at most the first sentence, a small part of the whole text.
      assert.ok(
        firstSeconds < total / 4,
        `first ${firstSeconds.toFixed(2)} s of ${total.toFixed(2)} s`,
      );
    });
  }

  for (const id of ["flite-rms", "flite-slt", "espeak-de"]) {
    it(`${id}: speed changes the duration`, async () => {
      const seconds = async (speed: number) => {
        const pcm = joinPcm(await speak(TWO_SENTENCES, { engineVoiceId: id, speed }));
        return pcm.samples.length / pcm.sampleRate;
      };
      const normal = await seconds(1);
      const fast = await seconds(2);
      const slow = await seconds(0.5);
      assert.ok(fast < normal * 0.7, `fast ${fast} vs ${normal}`);
      assert.ok(slow > normal * 1.5, `slow ${slow} vs ${normal}`);
    });
  }

  for (const id of ["flite-rms", "flite-slt", "flite-awb", "flite-kal16", "espeak-de"]) {
    it(`${id}: a pitch target moves the measured pitch toward it`, async () => {
      const measure = async (pitchHz?: number) =>
        engines.estimatePitch(
          joinPcm(
            await speak(TWO_SENTENCES, { engineVoiceId: id, ...(pitchHz ? { pitchHz } : {}) }),
          ),
        )!;
      const base = await measure();
      const voice = engines.voices().find((v) => v.id === id)!;
      assert.ok(
        Math.abs(base - voice.pitchHz) / voice.pitchHz < 0.15,
        `${id} measures ${base}, listed ${voice.pitchHz}`,
      );
      const high = await measure(base * 1.4);
      const low = await measure(base * 0.75);
      assert.ok(
        Math.abs(high - base * 1.4) / (base * 1.4) < 0.15,
        `high ${high} for ${base * 1.4}`,
      );
      assert.ok(
        Math.abs(low - base * 0.75) / (base * 0.75) < 0.15,
        `low ${low} for ${base * 0.75}`,
      );
    });
  }

  it("stops quietly when the signal aborts", async () => {
    const controller = new AbortController();
    const chunks: PcmChunk[] = [];
    const text = "One sentence. ".repeat(20);
    for await (const c of engines.synthesize(text, {
      voice: { engineVoiceId: "flite-kal16" },
      signal: controller.signal,
    })) {
      chunks.push(c);
      controller.abort();
    }
    assert.equal(chunks.length, 1);
    // The engine is still usable afterwards.
    assert.ok((await speak("Still here.", { engineVoiceId: "flite-kal16" })).length > 0);
  });

  it("yields nothing for text with nothing to say", async () => {
    assert.deepEqual(await speak(" ... ", { engineVoiceId: "flite-rms" }), []);
  });
});

describe("createEngines: chunking", () => {
  it("yields chunks of at most half a second, so synchronous encoding steps stay short", async () => {
    const chunks = await speak(
      "This sentence is long enough to take well over one second to say.",
      {
        engineVoiceId: "flite-rms",
      },
    );
    assert.ok(chunks.length >= 3);
    for (const c of chunks) assert.ok(c.samples.length <= c.sampleRate / 2);
  });
});

describe("createEngines: decode (worker thread)", () => {
  it("decodes encoded speech back to 16 kHz and reports bad input as UnsupportedAudioError", async () => {
    const pcm = joinPcm(await speak(TWO_SENTENCES, { engineVoiceId: "flite-rms" }));
    const enc = await engines.createEncoder({ format: "mp3", mp3Bitrate: 64 });
    const mp3 = Buffer.concat([enc.write(pcm), enc.end()]);
    const back = await engines.decode(mp3);
    assert.equal(back.sampleRate, 16000);
    assert.ok(Math.abs(back.samples.length / 16000 - pcm.samples.length / pcm.sampleRate) < 0.1);
    assert.ok(rms(back.samples) > 300);
    assert.ok(mp3.length > 0, "the caller's buffer is left intact");
    await assert.rejects(
      engines.decode(new TextEncoder().encode("<html>not audio</html>")),
      UnsupportedAudioError,
    );
  });
});

describe("createEngines: crash recovery", () => {
  it("a killed flite process does not take the server down; the next synthesis works", async () => {
    const pool = engines.internals.flite.pool;
    const startedBefore = pool.started;
    const pending = speak(`${TWO_SENTENCES} ${TWO_SENTENCES}`, { engineVoiceId: "flite-slt" });
    // Kill every flite child while the request is in flight (SIGSEGV, like the real crash).
    await new Promise((r) => setTimeout(r, 30));
    for (const helper of pool.helpers()) helper.kill();
    const pcm = joinPcm(await pending);
    assert.ok(pcm.samples.length / pcm.sampleRate > 4, "the interrupted request still completes");
    // Each child's scratch directory lives under one parent the engine removes on close.
    const scratch = engines.internals.flite.scratchDir!;
    assert.ok(existsSync(scratch));
    assert.ok(readdirSync(scratch).length >= 2, "crashed children's directories are still tracked");
    assert.ok(pool.started > startedBefore, "fresh processes were started");
    const next = joinPcm(await speak("And the next one works.", { engineVoiceId: "flite-rms" }));
    assert.ok(rms(next.samples) > 300);
  });

  it("a terminated espeak worker is replaced; the next synthesis works", async () => {
    const pool = engines.internals.espeak.pool;
    for (const helper of pool.helpers()) helper.kill();
    await new Promise((r) => setTimeout(r, 50));
    const pcm = joinPcm(
      await speak("Hallo Welt, ich bin wieder da.", { engineVoiceId: "espeak-de" }),
    );
    assert.ok(rms(pcm.samples) > 300);
  });

  it("flite processes are recycled after N sentences without losing any", async () => {
    const recycled = await createEngines({ fliteProcesses: 1, fliteRecycleAfter: 3, warm: false });
    try {
      const text = Array.from({ length: 8 }, (_, i) => `Sentence number ${i + 1}.`).join(" ");
      const chunks: PcmChunk[] = [];
      for await (const c of recycled.synthesize(text, { voice: { engineVoiceId: "flite-slt" } }))
        chunks.push(c);
      const seconds = chunks.reduce((n, c) => n + c.samples.length / c.sampleRate, 0);
      assert.ok(seconds > 8, `${seconds.toFixed(2)} s for 8 sentences`);
      assert.ok(
        recycled.internals.flite.pool.started >= 3,
        `${recycled.internals.flite.pool.started} started`,
      );
    } finally {
      await recycled.close();
    }
  });
});

describe("createEngines: close", () => {
  it("leaves no helper behind and refuses new work", async () => {
    const e = await createEngines({ warm: true });
    const scratch = e.internals.flite.scratchDir!;
    assert.ok(existsSync(scratch));
    await e.close();
    assert.equal(existsSync(scratch), false, "flite scratch files are removed");
    assert.throws(() => e.synthesize("Hi.", { voice: { engineVoiceId: "flite-rms" } }), /closed/);
    assert.equal(e.internals.flite.pool.helpers().length, 0);
    assert.equal(e.internals.espeak.pool.helpers().length, 0);
    assert.equal(e.internals.asr.pool.helpers().length, 0);
    assert.equal(e.internals.decoder.pool.helpers().length, 0);
  });
});

describe("createEngines: lazy start", () => {
  it("with warm: false starts no helper until a request, then only the one it needs", async () => {
    const e = await createEngines({ warm: false });
    const started = () => ({
      flite: e.internals.flite.pool.started,
      espeak: e.internals.espeak.pool.started,
      asr: e.internals.asr.pool.started,
      decoder: e.internals.decoder.pool.started,
    });
    try {
      assert.deepEqual(started(), { flite: 0, espeak: 0, asr: 0, decoder: 0 });
      const chunks: PcmChunk[] = [];
      for await (const c of e.synthesize("Hello from Fish Audio.", {
        voice: { engineVoiceId: "flite-rms" },
      }))
        chunks.push(c);
      const pcm = joinPcm(chunks);
      assert.ok(rms(pcm.samples) > 300, "it spoke");
      assert.deepEqual(started(), { flite: 1, espeak: 0, asr: 0, decoder: 0 });
    } finally {
      await e.close();
    }
  });
});
