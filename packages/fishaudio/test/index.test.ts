import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import * as sdk from "fishaudio";

describe("main entry", () => {
  it("imports no Node built-in and none of the Node-only modules (runs wherever fetch runs)", async () => {
    const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      platform: "neutral",
      format: "esm",
      external: ["@msgpack/msgpack"],
      logLevel: "silent",
    });
    const imports = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((i) => i.path),
    );
    assert.deepEqual(
      imports.filter(
        (path) =>
          path.startsWith("node:") ||
          /^(fs|path|os|child_process|http|https|net|stream)$/.test(path),
      ),
      [],
    );
    const files = Object.keys(result.metafile.inputs);
    assert.deepEqual(
      files.filter((f) => /src\/(node|cli)\//.test(f)),
      [],
    );
    // The timestamp stream, its SSE reader and the subtitle helpers are part of the bundle.
    for (const module of ["core/timestamp-stream.ts", "internal/sse.ts", "subtitles.ts"]) {
      assert.ok(
        files.some((f) => f.endsWith(`src/${module}`)),
        `${module} is in the browser bundle`,
      );
    }
  });

  it("bundles the timestamp and subtitle code with no Node global (Buffer, process)", async () => {
    const result = await build({
      stdin: {
        contents:
          'export { TimestampStream } from "./src/core/timestamp-stream.ts";\n' +
          'export * from "./src/subtitles.ts";',
        resolveDir: fileURLToPath(new URL("..", import.meta.url)),
        loader: "ts",
      },
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    assert.match(code, /var TimestampStream = class/);
    assert.match(code, /function\* readServerSentEvents/);
    assert.match(code, /function wordsToCues/);
    assert.doesNotMatch(code, /\bBuffer\b|\bprocess\.|\brequire\(/);
  });

  it("bundles for the browser in under 25 kB gzipped (as bench/suites/package.ts measures it)", async () => {
    const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      external: ["ws"],
      write: false,
      logLevel: "silent",
    });
    const gzipped = gzipSync(result.outputFiles[0]!.contents, { level: 9 }).byteLength;
    assert.ok(gzipped < 25_000, `${gzipped} bytes gzipped`);
  });

  it("exports the public surface of sdk-api.md", () => {
    const names = [
      "FishAudio",
      "FishAudioError",
      "APIError",
      "BadRequestError",
      "AuthenticationError",
      "PaymentRequiredError",
      "PermissionDeniedError",
      "NotFoundError",
      "UnprocessableEntityError",
      "RateLimitError",
      "ServerError",
      "APIConnectionError",
      "APITimeoutError",
      "APIUserAbortError",
      "WebSocketError",
      "ValidationError",
      "iterWebsocketAudio",
      "AudioStream",
      "PagePromise",
      "APIPromise",
      "TimestampStream",
      "toSrt",
      "toVtt",
      "wordsToCues",
    ];
    for (const name of names)
      assert.equal(typeof (sdk as Record<string, unknown>)[name], "function", name);
  });
});
