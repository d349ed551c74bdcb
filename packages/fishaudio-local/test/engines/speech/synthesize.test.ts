import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChunkQueue } from "../../../src/engines/speech/chunk-queue.js";
import { type PieceSpeaker, speakText } from "../../../src/engines/speech/synthesize.js";
import { VOICES } from "../../../src/engines/speech/voices.js";
import { HelperPool } from "../../../src/engines/workers/helper-pool.js";

const voice = VOICES[0]!;

/**
 * A speaker on a one-helper pool (like a busy flite): every piece becomes `samples` of 16 kHz PCM
 * (default 50 ms) on the next turn; `sent` records the order pieces reach the helper.
 */
function fakeSpeaker(
  sent: string[],
  samples: number | ((text: string) => number) = 800,
): { speaker: PieceSpeaker; pool: HelperPool } {
  const pool = new HelperPool({
    name: "fake",
    size: 1,
    recycleAfter: 1000,
    create: (events) =>
      Promise.resolve({
        send(message: unknown) {
          const { text } = message as { text: string };
          sent.push(text);
          setImmediate(() => events.message({ text }));
        },
        setBusy() {},
        kill() {},
        async stop() {},
      }),
  });
  const speaker: PieceSpeaker = {
    speak(text, _voice, _settings, signal, due) {
      const queue = new ChunkQueue();
      pool.run({
        payload: { text },
        ...(signal ? { signal } : {}),
        ...(due ? { priority: due } : {}),
        onMessage: (m) => {
          if ((m as { text: string }).text !== text) return false;
          const n = typeof samples === "number" ? samples : samples(text);
          queue.push({ samples: new Int16Array(n), sampleRate: 16000 });
          queue.end();
          return true;
        },
        onError: (e) => queue.fail(e),
      });
      return queue;
    },
  };
  return { speaker, pool };
}

/** `n` sentences tagged with the request's name: "A0. A1. …". */
function sentences(name: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${name}${i} says hello.`).join(" ");
}

describe("speakText scheduling", () => {
  it("runs a new request's first piece before later pieces of requests with audio to play", async () => {
    const sent: string[] = [];
    const events: string[] = [];
    // Two seconds a piece: the older requests' listeners have seconds of audio ahead of them.
    const { speaker, pool } = fakeSpeaker(sent, 32000);
    await pool.warm();
    const consume = async (name: string, onChunk?: (n: number) => void) => {
      let n = 0;
      for await (const _ of speakText(speaker, voice, sentences(name, 8), {
        voice: { engineVoiceId: voice.id },
      })) {
        n++;
        if (n === 1) events.push(`first ${name}`);
        onChunk?.(n);
      }
      events.push(`done ${name}`);
    };
    let late: Promise<void> | undefined;
    let sentBeforeLate = 0;
    const olders = ["A", "B", "C", "D"].map((name) =>
      consume(name, (n) => {
        // Once A is under way (its read-ahead and the others' pieces queued), a new request arrives.
        if (name === "A" && n === 2 && !late) {
          sentBeforeLate = sent.length;
          late = consume("N");
        }
      }),
    );
    await Promise.all(olders);
    await late;
    // The new request's first piece went to the engine right after the piece that was running.
    const firstOfN = sent.indexOf("N0 says hello.");
    assert.ok(firstOfN >= 0);
    assert.ok(
      firstOfN <= sentBeforeLate + 1,
      `N0 was sent ${firstOfN - sentBeforeLate} pieces after it arrived: ${sent.join(" | ")}`,
    );
    // And its first audio came before any older request finished.
    const firstN = events.indexOf("first N");
    for (const name of ["A", "B", "C", "D"]) {
      assert.ok(firstN < events.indexOf(`done ${name}`), events.join(", "));
    }
    // Every request's first piece reached the engine before anyone's fourth piece.
    const fourth = sent.findIndex((t) => /^[A-DN]3 /.test(t));
    for (const name of ["A", "B", "C", "D", "N"]) {
      assert.ok(sent.indexOf(`${name}0 says hello.`) < fourth, sent.join(" | "));
    }
    await pool.close();
  });

  it("serves a stream about to run dry before later pieces of streams far ahead", async () => {
    const sent: string[] = [];
    // B and C: two seconds a piece; A: 50 ms a piece, so its listener is always about to run dry.
    const { speaker, pool } = fakeSpeaker(sent, (text) => (text.startsWith("A") ? 800 : 32000));
    await pool.warm();
    const consume = async (name: string) => {
      for await (const _ of speakText(speaker, voice, sentences(name, 8), {
        voice: { engineVoiceId: voice.id },
      })) {
      }
    };
    const ahead = [consume("B"), consume("C")];
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([...ahead, consume("A")]);
    // By piece order alone, B3 and C3 (index 3) would run before A4 (index 4).
    const a4 = sent.indexOf("A4 says hello.");
    for (const later of ["B3 says hello.", "C3 says hello."]) {
      assert.ok(a4 < sent.indexOf(later), sent.join(" | "));
    }
    await pool.close();
  });

  it("keeps a bounded read-ahead when the consumer stops pulling", async () => {
    const sent: string[] = [];
    const { speaker, pool } = fakeSpeaker(sent);
    await pool.warm();
    const iterator = speakText(speaker, voice, sentences("S", 20), {
      voice: { engineVoiceId: voice.id },
    })[Symbol.asyncIterator]();
    await iterator.next();
    // Let every queued piece run.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.ok(sent.length >= 2 && sent.length <= 4, `${sent.length} pieces were synthesised`);
    await iterator.return?.(undefined);
    await pool.close();
  });
});
