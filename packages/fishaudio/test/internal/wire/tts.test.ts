import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "fishaudio";
import {
  encodeStartFrame,
  encodeTTSRequest,
  loadReferences,
  resolveTTS,
} from "../../../src/internal/wire/tts.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

// protocol.md section 12.1: PY 1.3.0 `client.tts.convert(text="Hello")` (266 bytes).
const DEFAULT_CALL =
  "8fa474657874a548656c6c6fac6368756e6b5f6c656e677468ccc8a6666f726d6174a36d7033ab6d70335f62697472617465cc80ac6f7075735f6269747261746520aa7265666572656e63657390a96e6f726d616c697a65c3a76c6174656e6379a862616c616e636564a5746f705f70cb3fe6666666666666ab74656d7065726174757265cb3fe6666666666666ae6d61785f6e65775f746f6b656e73cd0400b272657065746974696f6e5f70656e616c7479cb3ff3333333333333b06d696e5f6368756e6b5f6c656e67746832bc636f6e646974696f6e5f6f6e5f70726576696f75735f6368756e6b73c3b46561726c795f73746f705f7468726573686f6c64cb3ff0000000000000";

// Section 12.1 "with everything set", assembled from the pieces the spec gives: 18 keys,
// sample_rate cd3e80, references 91 82 audio c406 000152494646 text "ref", reference_id "abc",
// prosody {speed 1.5, volume -3.0} as float64.
export const FULL_CALL =
  "de0012a474657874a548656c6c6fac6368756e6b5f6c656e677468ccc8a6666f726d6174a3776176ab73616d706c655f72617465cd3e80ab6d70335f62697472617465cc80ac6f7075735f6269747261746520aa7265666572656e6365739182a5617564696fc406000152494646a474657874a3726566ac7265666572656e63655f6964a3616263a96e6f726d616c697a65c3a76c6174656e6379a862616c616e636564a770726f736f647982a57370656564cb3ff8000000000000a6766f6c756d65cbc008000000000000a5746f705f70cb3fe6666666666666ab74656d7065726174757265cb3fe6666666666666ae6d61785f6e65775f746f6b656e73cd0400b272657065746974696f6e5f70656e616c7479cb3ff3333333333333b06d696e5f6368756e6b5f6c656e67746832bc636f6e646974696f6e5f6f6e5f70726576696f75735f6368756e6b73c3b46561726c795f73746f705f7468726573686f6c64cb3ff0000000000000";

// Section 12.2: the PY start frame for a default TTSConfig (320 bytes).
const START_FRAME =
  "82a56576656e74a57374617274a772657175657374de0012a474657874a0ac6368756e6b5f6c656e677468ccc8a6666f726d6174a36d7033ab73616d706c655f72617465c0ab6d70335f62697472617465cc80ac6f7075735f6269747261746520aa7265666572656e63657390ac7265666572656e63655f6964c0a96e6f726d616c697a65c3a76c6174656e6379a862616c616e636564a770726f736f6479c0a5746f705f70cb3fe6666666666666ab74656d7065726174757265cb3fe6666666666666ae6d61785f6e65775f746f6b656e73cd0400b272657065746974696f6e5f70656e616c7479cb3ff3333333333333b06d696e5f6368756e6b5f6c656e67746832bc636f6e646974696f6e5f6f6e5f70726576696f75735f6368756e6b73c3b46561726c795f73746f705f7468726573686f6c64cb3ff0000000000000";

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
      refs.map((r) => [...r.audio]),
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
