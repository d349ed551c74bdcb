import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { FliteEngine, startFliteThreadEarly } from "../../../src/engines/speech/flite-engine.js";
import { VOICES } from "../../../src/engines/speech/voices.js";

const voice = VOICES.find((v) => v.id === "flite-rms")!;

/** The PCM of `text` from a fresh engine, as one buffer. */
async function speak(options: { thread: boolean; tierUp?: boolean }, text: string) {
  const flite = new FliteEngine({ processes: 1, ...options });
  try {
    const parts: Int16Array[] = [];
    for await (const chunk of flite.speak(text, voice, { timings: true }))
      parts.push(chunk.samples);
    return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  } finally {
    await flite.close();
  }
}

describe("flite in a worker thread (one-shot commands)", () => {
  it("gives the same PCM as a child process", async () => {
    const text = "Hello from Fish Audio.";
    const thread = await speak({ thread: true }, text);
    const child = await speak({ thread: false, tierUp: false }, text);
    assert.ok(thread.length > 32_000, "over a second of 16 kHz speech");
    assert.ok(thread.equals(child), "the same PCM from the thread and the child");
  });

  it("sends a sentence's audio, then its words, as the child does", async () => {
    const text = "Hello from Fish Audio.";
    const chunksFrom = async (options: { thread: boolean; tierUp?: boolean }) => {
      const flite = new FliteEngine({ processes: 1, ...options });
      try {
        const chunks = [];
        const settings = { timings: true, wordsAfterAudio: true };
        for await (const chunk of flite.speak(text, voice, settings)) chunks.push(chunk);
        return chunks;
      } finally {
        await flite.close();
      }
    };
    const thread = await chunksFrom({ thread: true });
    const child = await chunksFrom({ thread: false, tierUp: false });
    assert.equal(thread.length, 2);
    assert.ok(thread[0]!.samples.length > 16_000 && thread[0]!.words === undefined);
    assert.equal(thread[1]!.samples.length, 0);
    assert.deepEqual(
      thread[1]!.words!.map((w) => w.text),
      ["Hello", "from", "Fish", "Audio"],
    );
    // Timed from the end of the audio: the first word starts about a sentence earlier.
    const seconds = thread[0]!.samples.length / thread[0]!.sampleRate;
    assert.ok(thread[1]!.words![0]!.start < 0 && thread[1]!.words![0]!.start > -seconds);
    assert.deepEqual(thread, child);
  });

  it("speaks more sentences than it keeps a worker for, and removes its scratch files", async () => {
    const flite = new FliteEngine({ processes: 1, thread: true, recycleAfter: 2 });
    const seconds: number[] = [];
    for (let i = 0; i < 5; i++) {
      const pieces = flite.speak(`Sentence number ${i + 1}.`, voice, {});
      for await (const chunk of pieces) seconds.push(chunk.samples.length / chunk.sampleRate);
    }
    assert.equal(seconds.length, 5);
    assert.ok(
      seconds.every((s) => s > 0.5),
      seconds.join(", "),
    );
    assert.ok(flite.pool.started >= 3, `${flite.pool.started} workers for 5 sentences`);
    const scratch = flite.scratchDir!;
    assert.ok(existsSync(scratch));
    await flite.close();
    assert.equal(existsSync(scratch), false, "the scratch directory is removed on close");
  });

  it("a worker that dies mid-sentence is replaced once; dying again fails the request clearly", async () => {
    const flite = new FliteEngine({ processes: 1, thread: true });
    try {
      await flite.pool.warm();
      const pieces = flite.speak("This sentence never gets to the end of itself.", voice, {});
      // Kill whatever worker holds the sentence, the first one and its replacement.
      const killed = new Set<unknown>();
      const killer = setInterval(() => {
        for (const helper of flite.pool.helpers()) {
          if (!killed.has(helper)) helper.kill();
          killed.add(helper);
        }
      }, 2);
      try {
        await assert.rejects(
          (async () => {
            for await (const _ of pieces);
          })(),
          /The flite engine stopped/,
        );
      } finally {
        clearInterval(killer);
      }
      assert.ok(flite.pool.started >= 2, "the sentence was retried on a fresh worker");
      const after: Int16Array[] = [];
      for await (const chunk of flite.speak("And then it works.", voice, {}))
        after.push(chunk.samples);
      assert.ok(after[0]!.length > 8000, "a fresh worker speaks the next sentence");
    } finally {
      await flite.close();
    }
  });

  it("adopts a thread started early (one-shot commands): the same PCM, its scratch removed", async () => {
    const text = "Hello from Fish Audio.";
    startFliteThreadEarly();
    const flite = new FliteEngine({ processes: 1, thread: true });
    const scratch = flite.scratchDir;
    assert.ok(scratch && existsSync(scratch), "the engine owns the early thread's scratch");
    const parts: Int16Array[] = [];
    try {
      for await (const chunk of flite.speak(text, voice, {})) parts.push(chunk.samples);
      assert.equal(flite.pool.started, 1, "no second thread was started");
    } finally {
      await flite.close();
    }
    assert.equal(existsSync(scratch), false);
    const early = Buffer.concat(
      parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)),
    );
    assert.ok(early.equals(await speak({ thread: true }, text)), "the same PCM as a fresh thread");
  });

  it("stops an early thread no request needed, and the next engine starts its own", async () => {
    startFliteThreadEarly();
    const unused = new FliteEngine({ processes: 1, thread: true });
    const scratch = unused.scratchDir!;
    await unused.close();
    assert.equal(existsSync(scratch), false, "the early thread's scratch is removed on close");
    const next = new FliteEngine({ processes: 1, thread: true });
    assert.equal(next.scratchDir, undefined, "nothing early left to adopt");
    await next.close();
  });
});
