import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "fishaudio";
import {
  encodeStartFrame,
  encodeTTSRequest,
  loadReferences,
  resolveTTS,
} from "../../../src/internal/wire/tts.js";

import { DEFAULT_CALL, FULL_CALL, START_FRAME } from "../../wire/vectors.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

const FULL_PARAMS = {
  config: {
    format: "wav" as const,
    sampleRate: 16000,
    references: [{ audio: new Uint8Array([0x00, 0x01, 0x52, 0x49, 0x46, 0x46]), text: "ref" }],
    prosody: { speed: 1.2, volume: -3 },
  },
  referenceId: "abc",
  speed: 1.5,
};

describe("TTS request body (section 12.1)", () => {
  it("matches PY's default call byte for byte", async () => {
    const resolved = resolveTTS(undefined, {});
    const body = encodeTTSRequest("Hello", resolved, await loadReferences(resolved.references));
    assert.equal(body.length, 266);
    assert.equal(hex(body), DEFAULT_CALL);
  });

  it("matches PY's all-options call: speed overrides, config volume kept as float64", async () => {
    const resolved = resolveTTS(FULL_PARAMS.config, FULL_PARAMS);
    const body = encodeTTSRequest("Hello", resolved, await loadReferences(resolved.references));
    assert.equal(hex(body), FULL_CALL);
  });

  it("sends volume 0.0 with a direct speed when the config has no prosody", async () => {
    const resolved = resolveTTS(undefined, { speed: 1 });
    const body = hex(encodeTTSRequest("Hi", resolved, []));
    // prosody {speed: 1.0, volume: 0.0}, both float64
    assert.ok(
      body.includes(
        "a770726f736f647982a57370656564cb3ff0000000000000a6766f6c756d65cb0000000000000000",
      ),
    );
  });

  it("lets direct options override the config", () => {
    const resolved = resolveTTS(
      { format: "mp3", latency: "normal", referenceId: "cfg", references: [] },
      { format: "opus", latency: "low", referenceId: "direct" },
    );
    assert.equal(resolved.format, "opus");
    assert.equal(resolved.latency, "low");
    assert.equal(resolved.referenceId, "direct");
  });

  it("reads Blob and ReadableStream references into bin", async () => {
    const resolved = resolveTTS(undefined, {
      references: [
        { audio: new Blob([new Uint8Array([1, 2])]), text: "a" },
        {
          audio: new ReadableStream({
            start(c) {
              c.enqueue(new Uint8Array([3]));
              c.close();
            },
          }),
          text: "b",
        },
      ],
    });
    const refs = await loadReferences(resolved.references);
    assert.deepEqual(
      refs.flat().map((r) => [...r.audio]),
      [[1, 2], [3]],
    );
    const body = hex(encodeTTSRequest("Hi", resolved, refs));
    assert.ok(body.includes("aa7265666572656e6365739282a5617564696fc4020102"));
  });
});

describe("WebSocket start frame (section 12.2)", () => {
  it("matches PY's 320-byte start frame with nil for unset fields", () => {
    const frame = encodeStartFrame(resolveTTS(undefined, {}), []);
    assert.equal(frame.length, 320);
    assert.equal(hex(frame), START_FRAME);
  });

  it("carries the overrides in the same 18 keys", () => {
    const frame = hex(encodeStartFrame(resolveTTS(undefined, { referenceId: "abc" }), []));
    assert.ok(frame.includes("ac7265666572656e63655f6964a3616263"));
    assert.ok(frame.includes("ab73616d706c655f72617465c0")); // sample_rate still nil
  });
});

describe("TTS validation", () => {
  const bad: [string, () => unknown][] = [
    ["config.chunkLength", () => resolveTTS({ chunkLength: 99 }, {})],
    ["config.chunkLength", () => resolveTTS({ chunkLength: 150.5 }, {})],
    ["speed", () => resolveTTS(undefined, { speed: 2.5 })],
    ["config.prosody.volume", () => resolveTTS({ prosody: { volume: -21 } }, {})],
    ["config.topP", () => resolveTTS({ topP: 1.1 }, {})],
    ["config.temperature", () => resolveTTS({ temperature: -0.1 }, {})],
    ["format", () => resolveTTS(undefined, { format: "flac" as "mp3" })],
    ["config.mp3Bitrate", () => resolveTTS({ mp3Bitrate: 96 as 64 }, {})],
    ["config.opusBitrate", () => resolveTTS({ opusBitrate: 32000 as 32 }, {})],
    ["latency", () => resolveTTS(undefined, { latency: "fast" as "low" })],
    ["config.sampleRate", () => resolveTTS({ sampleRate: 0 }, {})],
    [
      "references[0].audio",
      () => resolveTTS(undefined, { references: [{ audio: "x" as never, text: "" }] }),
    ],
  ];
  for (const [field, run] of bad) {
    it(`rejects a bad ${field}`, () => {
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.field, field);
        return true;
      });
    });
  }

  it("accepts the range edges", () => {
    resolveTTS(
      { chunkLength: 100, topP: 0, temperature: 1, prosody: { speed: 0.5, volume: 20 } },
      {},
    );
    resolveTTS({ chunkLength: 300, opusBitrate: -1000, mp3Bitrate: 192 }, { speed: 2 });
  });
});
