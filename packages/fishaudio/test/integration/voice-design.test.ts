// Voice design through the SDK against the real local server and its engines.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BadRequestError, ValidationError } from "../../src/index.js";
import { type Integration, startIntegration } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration();
});
after(() => it_.server.close());

describe("voices.design against fishaudio-local", () => {
  it("returns n candidates with their WAV audio decoded, and the same seed gives the same bytes", async () => {
    const params = {
      instruction: "Warm, confident studio narrator with a natural tone",
      referenceText: "Welcome to Fish Audio.",
      language: "en",
      n: 3,
      speed: 1,
      numStep: 32,
      guidanceScale: 2,
      instructGuidanceScale: 0,
      seed: 42,
    };
    const { candidates } = await it_.client.voices.design(params);
    assert.equal(candidates.length, 3);
    for (const [i, c] of candidates.entries()) {
      assert.equal(c.index, i);
      assert.equal(new TextDecoder().decode(c.audio.subarray(0, 4)), "RIFF");
      assert.equal(
        new DataView(c.audio.buffer, c.audio.byteOffset).getUint32(24, true),
        c.sampleRate,
      );
      // 16-bit mono: the data after the 44-byte header is the duration.
      const seconds = (c.audio.byteLength - 44) / 2 / c.sampleRate;
      assert.ok(Math.abs(seconds * 1000 - c.durationMs) < 50, `${seconds} s vs ${c.durationMs} ms`);
      assert.equal(c.text, "Welcome to Fish Audio.");
      assert.equal(c.language, "en");
      assert.equal(c.instruct, params.instruction);
    }
    assert.equal(new Set(candidates.map((c) => c.id)).size, 3);
    const again = await it_.client.voices.design(params);
    assert.deepEqual(
      again.candidates.map((c) => c.audio),
      candidates.map((c) => c.audio),
    );
    const other = await it_.client.voices.design({ ...params, seed: 43 });
    assert.notDeepEqual(other.candidates[0]!.audio, candidates[0]!.audio);
  });

  it("keeps a candidate as a voice in one call, which then speaks", async () => {
    const { candidates } = await it_.client.voices.design({
      instruction: "a bright young woman",
      n: 2,
      seed: 3,
    });
    const voice = await it_.client.voices.keep(candidates[1]!, {
      title: "Designed",
      tags: ["designed"],
    });
    assert.equal(voice.title, "Designed");
    assert.equal(voice.samples.length, 1);
    assert.equal(voice.samples[0]!.text, candidates[1]!.text);
    assert.deepEqual(voice.tags, ["designed"]);
    const stored = await it_.client.voices.get(voice.id);
    assert.equal(stored.visibility, "private");
    const audio = await (
      await it_.client.tts.convert({ text: "Hello.", referenceId: voice.id, format: "wav" })
    ).collect();
    assert.ok(audio.byteLength > 1000);
  });

  it("is charged once per request", async () => {
    const before_ = Number((await it_.client.account.getCredits()).credit);
    await it_.client.voices.design({ instruction: "narrator", n: 4 });
    const after_ = Number((await it_.client.account.getCredits()).credit);
    assert.ok(Math.abs(before_ - after_ - 0.01) < 1e-9, `${before_} -> ${after_}`);
  });

  it("refuses bad parameters before sending, and reports what the server refuses", async () => {
    await assert.rejects(it_.client.voices.design({ instruction: "a", n: 9 }), ValidationError);
    await assert.rejects(
      it_.client.voices.design({ instruction: "a", model: "voice-design-0" }),
      (e: unknown) => e instanceof BadRequestError && /'voice-design-0'/.test(e.message),
    );
    await assert.rejects(
      it_.client.voices.design({ instruction: "a", language: "xx" }),
      (e: unknown) => e instanceof BadRequestError && /'xx'.*use one of en/.test(e.message),
    );
  });
});
