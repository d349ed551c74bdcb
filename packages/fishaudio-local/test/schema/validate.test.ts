import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpError } from "../../src/http/errors.js";
import { validateComponent, validateQuery } from "../../src/schema/validate.js";

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 422);
    return error.message;
  }
  assert.fail("expected a 422");
}

describe("validation against the published schema", () => {
  it("names the field and what it must be", () => {
    assert.equal(
      message(() => validateComponent("TTSRequest", { text: "a", temperature: 2 })),
      "'temperature' must be between 0 and 1, got 2",
    );
    assert.equal(
      message(() => validateComponent("TTSRequest", { text: 5 })),
      "'text' must be a string, got 5",
    );
    assert.equal(
      message(() => validateComponent("TTSRequest", { format: "wav" })),
      "'text' is required",
    );
    assert.equal(
      message(() => validateComponent("TTSRequest", { text: "a", prosody: { speed: 3 } })),
      "'speed' in 'prosody' must be between 0.5 and 2, got 3",
    );
    assert.equal(
      message(() => validateComponent("TTSRequest", { text: "a", references: [{ text: "x" }] })),
      "'audio' in 'references[0]' is required",
    );
    assert.match(
      message(() => validateComponent("TTSRequest", { text: "a", format: "flac" })),
      /^'format' must be one of wav, pcm, mp3, opus, got "flac"$/,
    );
  });

  it("keeps the cloud's leniency: both opus bitrate units, any mp3 bitrate in range", () => {
    for (const opus_bitrate of [-1000, 24, 64, 24000, 64000]) {
      validateComponent("TTSRequest", { text: "a", opus_bitrate });
    }
    assert.match(
      message(() => validateComponent("TTSRequest", { text: "a", opus_bitrate: 5 })),
      /'opus_bitrate' must be -1000 \(auto\), 6\.\.510 kbps/,
    );
    validateComponent("TTSRequest", { text: "a", mp3_bitrate: 100 });
  });

  it("types query parameters from the schema, with FastAPI's booleans", () => {
    const query = validateQuery(
      "get /model",
      new URL("http://x/model?page_size=5&self=1&tag=a&tag=b&title="),
    );
    assert.deepEqual(query, { page_size: 5, self: true, tag: ["a", "b"] });
    assert.equal(
      message(() => validateQuery("get /model", new URL("http://x/model?page_size=abc"))),
      `Query parameter 'page_size' must be an integer, got "abc"`,
    );
    assert.equal(
      message(() => validateQuery("get /model", new URL("http://x/model?page_size=101"))),
      "Query parameter 'page_size' must be between 1 and 100, got 101",
    );
  });
});
