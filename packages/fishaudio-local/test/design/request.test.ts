import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDesignRequest } from "../../src/design/request.js";
import { HttpError } from "../../src/http/errors.js";

function rejects(body: unknown, pattern: RegExp, status = 422) {
  assert.throws(
    () => parseDesignRequest(body),
    (e: unknown) => e instanceof HttpError && e.status === status && pattern.test(e.message),
  );
}

describe("parseDesignRequest", () => {
  it("fills in the schema's defaults", () => {
    assert.deepEqual(parseDesignRequest({ instruction: "warm" }), {
      instruction: "warm",
      referenceText: undefined,
      language: undefined,
      n: 2,
      speed: 1,
      numStep: 32,
      guidanceScale: 2,
      instructGuidanceScale: 0,
      seed: undefined,
    });
  });

  it("accepts every field at its bounds, and nulls where the schema allows them", () => {
    const p = parseDesignRequest({
      instruction: "x".repeat(2000),
      reference_text: "y".repeat(150),
      language: "en",
      n: 4,
      speed: 3,
      num_step: 128,
      guidance_scale: 0,
      instruct_guidance_scale: 0,
      seed: -5,
    });
    assert.equal(p.n, 4);
    assert.equal(p.seed, -5);
    const nulls = parseDesignRequest({
      instruction: "a",
      reference_text: null,
      language: null,
      seed: null,
    });
    assert.equal(nulls.seed, undefined);
  });

  it("rejects what the schema rejects, naming the field", () => {
    rejects({}, /'instruction'.*required/);
    rejects({ instruction: "" }, /'instruction' must be 1 to 2000/);
    rejects({ instruction: "x".repeat(2001) }, /'instruction' must be 1 to 2000/);
    rejects({ instruction: "a", reference_text: "y".repeat(151) }, /'reference_text'.*at most 150/);
    rejects({ instruction: "a", n: 0 }, /'n' must be at least 1 and at most 4/);
    rejects({ instruction: "a", n: 5 }, /'n'/);
    rejects({ instruction: "a", n: 1.5 }, /'n' must be an integer/);
    rejects({ instruction: "a", speed: 0 }, /'speed' must be greater than 0 and at most 3/);
    rejects({ instruction: "a", speed: 3.01 }, /'speed'/);
    rejects({ instruction: "a", num_step: 129 }, /'num_step'/);
    rejects({ instruction: "a", guidance_scale: -0.1 }, /'guidance_scale' must be at least 0/);
    rejects({ instruction: "a", instruct_guidance_scale: -1 }, /'instruct_guidance_scale'/);
    rejects({ instruction: "a", seed: 1.5 }, /'seed' must be an integer or null/);
    rejects({ instruction: "a", seed: "1" }, /'seed'/);
    rejects({ instruction: "a", language: 5 }, /'language' must be a string/);
    rejects({ instruction: "a", n: "2" }, /'n' must be an integer/);
  });

  it("rejects unknown fields (additionalProperties: false), naming them", () => {
    rejects(
      { instruction: "a", features: [], include_audio_base64: true },
      /'features', 'include_audio_base64'/,
    );
    rejects([], /JSON object/, 400);
    rejects("instruction", /JSON object/, 400);
  });
});
