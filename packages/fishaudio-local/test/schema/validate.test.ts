import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { HttpError } from "../../src/http/errors.js";
import { lenientSchemas } from "../../src/schema/leniency.js";
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
  // The server skips this check at start (it costs 0.3-0.5 s); every schema it uses is checked here.
  it("uses only schemas that are valid JSON Schema 2020-12", () => {
    const meta = new Ajv2020({ strict: false });
    meta.addKeyword({ keyword: "bytes", schemaType: "boolean" });
    const doc = lenientSchemas();
    const schemas: [string, unknown][] = Object.entries(doc.components.schemas);
    for (const [operation, parts] of Object.entries(doc.operations)) {
      schemas.push([`${operation} query`, parts.query]);
      for (const [type, body] of Object.entries(parts.body))
        schemas.push([`${operation} ${type}`, body]);
      for (const [code, body] of Object.entries(parts.responses))
        schemas.push([`${operation} ${code}`, body]);
    }
    assert.ok(schemas.length > 20);
    for (const [name, schema] of schemas) {
      assert.ok(meta.validateSchema(schema as object), `${name}: ${meta.errorsText(meta.errors)}`);
    }
  });

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
