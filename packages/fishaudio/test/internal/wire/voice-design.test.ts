import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APIError, ValidationError } from "fishaudio";
import {
  toVoiceDesignBody,
  toVoiceDesignResponse,
} from "../../../src/internal/wire/voice-design.js";

function rejects(params: unknown, field: string, pattern: RegExp) {
  assert.throws(
    () => toVoiceDesignBody(params as Parameters<typeof toVoiceDesignBody>[0]),
    (e: unknown) => e instanceof ValidationError && e.field === field && pattern.test(e.message),
  );
}

describe("voice design wire mapping", () => {
  it("sends every field in snake_case, and leaves unset ones out", () => {
    assert.deepEqual(toVoiceDesignBody({ instruction: "warm" }), { instruction: "warm" });
    assert.deepEqual(
      toVoiceDesignBody({
        instruction: "warm",
        referenceText: "Hi.",
        language: "en",
        n: 4,
        speed: 3,
        numStep: 128,
        guidanceScale: 0,
        instructGuidanceScale: 1.5,
        seed: 42,
      }),
      {
        instruction: "warm",
        reference_text: "Hi.",
        language: "en",
        n: 4,
        speed: 3,
        num_step: 128,
        guidance_scale: 0,
        instruct_guidance_scale: 1.5,
        seed: 42,
      },
    );
    assert.deepEqual(toVoiceDesignBody({ instruction: "a", seed: null, referenceText: null }), {
      instruction: "a",
    });
  });

  it("checks the bounds the schema states before anything is sent", () => {
    rejects({}, "instruction", /must be a string/);
    rejects({ instruction: "" }, "instruction", /1 to 2000 characters, got 0/);
    rejects({ instruction: "é".repeat(2001) }, "instruction", /got 2001/);
    assert.doesNotThrow(() => toVoiceDesignBody({ instruction: "😀".repeat(2000) }));
    rejects({ instruction: "a", referenceText: "x".repeat(151) }, "referenceText", /at most 150/);
    rejects({ instruction: "a", n: 0 }, "n", /between 1 and 4/);
    rejects({ instruction: "a", n: 5 }, "n", /between 1 and 4/);
    rejects({ instruction: "a", n: 2.5 }, "n", /integer/);
    rejects({ instruction: "a", speed: 0 }, "speed", /greater than 0/);
    rejects({ instruction: "a", speed: 3.5 }, "speed", /at most 3/);
    rejects({ instruction: "a", numStep: 0 }, "numStep", /between 1 and 128/);
    rejects({ instruction: "a", numStep: 129 }, "numStep", /between 1 and 128/);
    rejects({ instruction: "a", guidanceScale: -1 }, "guidanceScale", /at least 0/);
    rejects({ instruction: "a", instructGuidanceScale: -1 }, "instructGuidanceScale", /at least 0/);
    rejects({ instruction: "a", seed: 0.5 }, "seed", /integer/);
    rejects({ instruction: "a", language: "" }, "language", /empty/);
  });

  it("decodes candidates' base64 audio to bytes, in index order", () => {
    const { candidates } = toVoiceDesignResponse({
      candidates: [
        { id: "b", index: 1, audio_base64: "AAEC", sample_rate: 44100, duration_ms: 10 },
        {
          id: "a",
          index: 0,
          audio_base64: "UklGRg==",
          sample_rate: 44100,
          duration_ms: 20,
          text: "Hi.",
          instruct: "warm",
          language: "en",
          extra: true,
        },
      ],
    });
    assert.deepEqual(
      candidates.map((c) => [c.id, c.index, [...c.audio]]),
      [
        ["a", 0, [82, 73, 70, 70]],
        ["b", 1, [0, 1, 2]],
      ],
    );
    assert.deepEqual(
      [candidates[0]!.sampleRate, candidates[0]!.durationMs, candidates[0]!.text],
      [44100, 20, "Hi."],
    );
    assert.equal(candidates[0]!.language, "en");
    assert.equal("text" in candidates[1]!, false);
  });

  it("says so when the answer is not a list of candidates", () => {
    assert.throws(
      () => toVoiceDesignResponse({}),
      (e: unknown) => e instanceof APIError && /candidates/.test(e.message),
    );
    assert.throws(
      () => toVoiceDesignResponse({ candidates: [{ id: "x" }] }),
      (e: unknown) => e instanceof APIError && /audio_base64/.test(e.message),
    );
    assert.throws(
      () => toVoiceDesignResponse({ candidates: [{ id: "x", audio_base64: "%%%" }] }),
      (e: unknown) => e instanceof APIError && /base64/.test(e.message),
    );
  });
});
