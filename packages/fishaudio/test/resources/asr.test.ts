import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "fishaudio";
import { clientWith, json } from "../helpers.js";

describe("asr resource", () => {
  it("rejects a missing or unreadable audio before sending", async () => {
    const { client, calls } = clientWith(() => json({ text: "", duration: 0, segments: [] }));
    await assert.rejects(
      client.asr.transcribe({ audio: "file.wav" as never }),
      (e: unknown) => e instanceof ValidationError && e.field === "audio",
    );
    await assert.rejects(
      client.asr.transcribe({ audio: new Uint8Array(1), includeTimestamps: "yes" as never }),
      (e: unknown) => e instanceof ValidationError && e.field === "includeTimestamps",
    );
    assert.equal(calls.length, 0);
  });

  it("posts to /v1/asr without a model header", async () => {
    const { client, calls } = clientWith(() => json({ text: "ok", duration: 1, segments: [] }));
    const result = await client.asr.transcribe({ audio: new Uint8Array([1]) });
    assert.equal(result.text, "ok");
    assert.equal(calls[0]?.url.pathname, "/v1/asr");
    assert.equal(calls[0]?.headers.has("model"), false);
  });
});
