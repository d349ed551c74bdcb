import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { siblingScript } from "../../../src/engines/workers/script-url.js";

describe("siblingScript", () => {
  it("finds a helper beside its engine, in src (.ts) and in the tsc build (.js)", () => {
    assert.equal(
      siblingScript("file:///p/src/engines/speech/flite-engine.ts", "flite-worker").href,
      "file:///p/src/engines/speech/flite-worker.ts",
    );
    assert.equal(
      siblingScript("file:///p/dist/engines/codecs/decode-engine.js", "decode-worker").href,
      "file:///p/dist/engines/codecs/decode-worker.js",
    );
  });

  it("from the bundle (dist/bundle), finds every helper in the tsc build, and they exist", () => {
    const dist = new URL("../../../dist/", import.meta.url);
    const chunk = new URL("bundle/chunk-ABC123.js", dist).href;
    const scripts = {
      "flite-worker": "engines/speech/flite-worker.js",
      "flite-child": "engines/speech/flite-child.js",
      "espeak-worker": "engines/speech/espeak-worker.js",
      "asr-worker": "engines/recognition/asr-worker.js",
      "decode-worker": "engines/codecs/decode-worker.js",
      "encoder-worker": "engines/codecs/encoder-worker.js",
    } as const;
    for (const [name, path] of Object.entries(scripts)) {
      const url = siblingScript(chunk, name as keyof typeof scripts);
      assert.equal(url.href, new URL(path, dist).href);
      assert.ok(existsSync(fileURLToPath(url)), `${path} is built (npm run build)`);
    }
  });
});
