// Voice design on the real engines: candidates must be measurably different and reproducible.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type LocalServer, startServer } from "fishaudio-local";
import { parseWav } from "../../src/engines/codecs/wav.js";
import { estimatePitch } from "../../src/engines/signal/pitch.js";

interface Measured {
  bytes: Buffer;
  pitchHz: number | undefined;
  durationMs: number;
}

/** Relative difference of two positive numbers, as a fraction of the smaller. */
const apart = (a: number, b: number) => Math.abs(a - b) / Math.min(a, b);
/** Candidates count as different when their median pitch or their length differs this much. */
const MARGIN = 0.08;

describe("voice design on the open engines", () => {
  let server: LocalServer;
  before(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0 });
  });
  after(() => server.close());

  async function design(body: Record<string, unknown>): Promise<Measured[]> {
    const res = await fetch(`${server.url}/v1/voice-design`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.apiKey}`,
        "content-type": "application/json",
        model: "voice-design-1",
      },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const { candidates } = (await res.json()) as {
      candidates: { audio_base64: string; duration_ms: number; sample_rate: number }[];
    };
    return candidates.map((c) => {
      const bytes = Buffer.from(c.audio_base64, "base64");
      const pcm = parseWav(bytes);
      assert.equal(pcm.sampleRate, c.sample_rate);
      const seconds = pcm.samples.length / pcm.sampleRate;
      assert.ok(
        Math.abs(seconds * 1000 - c.duration_ms) < 50,
        `${seconds} s vs ${c.duration_ms} ms`,
      );
      return { bytes, pitchHz: estimatePitch(pcm), durationMs: c.duration_ms };
    });
  }

  function assertDifferent(a: Measured, b: Measured, what: string): void {
    const pitch = a.pitchHz && b.pitchHz ? apart(a.pitchHz, b.pitchHz) : 0;
    const length = apart(a.durationMs, b.durationMs);
    assert.ok(
      pitch >= MARGIN || length >= MARGIN,
      `${what}: pitch ${a.pitchHz} vs ${b.pitchHz} Hz, length ${a.durationMs} vs ${b.durationMs} ms`,
    );
  }

  it("the candidates of one request differ in median pitch or rate by a margin", async () => {
    for (const instruction of ["warm, deep narrator", "cheerful young woman", "a narrator"]) {
      const candidates = await design({ instruction, n: 4, seed: 1 });
      assert.equal(candidates.length, 4);
      for (let i = 0; i < 4; i++) {
        assert.ok(candidates[i]!.pitchHz !== undefined, `${instruction} #${i} has voiced speech`);
        for (let j = i + 1; j < 4; j++) {
          assertDifferent(candidates[i]!, candidates[j]!, `${instruction} #${i}/#${j}`);
        }
      }
    }
  });

  it("whispered candidates (no pitch to measure) differ in rate", async () => {
    const candidates = await design({ instruction: "a whispering old man", n: 3, seed: 3 });
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        assert.ok(apart(candidates[i]!.durationMs, candidates[j]!.durationMs) >= MARGIN);
      }
    }
  });

  it("the same instruction and seed give the same bytes; another seed another voice", async () => {
    const body = { instruction: "warm, deep narrator", n: 2, seed: 1 };
    const first = await design(body);
    const again = await design(body);
    for (const [i, c] of first.entries())
      assert.ok(c.bytes.equals(again[i]!.bytes), `candidate ${i}`);
    const other = await design({ ...body, seed: 2 });
    assertDifferent(first[0]!, other[0]!, "seed 1 vs seed 2");
  });

  it("what the words ask for is what is heard: deep is lower than high, slow longer than fast", async () => {
    const [deep] = await design({ instruction: "a very deep man", n: 1, seed: 5 });
    const [high] = await design({ instruction: "a very high-pitched woman", n: 1, seed: 5 });
    assert.ok(deep!.pitchHz! * 1.5 < high!.pitchHz!, `${deep!.pitchHz} vs ${high!.pitchHz}`);
    const [slow] = await design({ instruction: "a very slow man", n: 1, seed: 5 });
    const [fast] = await design({ instruction: "a very fast man", n: 1, seed: 5 });
    assert.ok(
      slow!.durationMs > fast!.durationMs * 1.3,
      `${slow!.durationMs} vs ${fast!.durationMs}`,
    );
  });
});
