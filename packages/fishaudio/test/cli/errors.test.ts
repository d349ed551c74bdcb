import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CliError, diagnose, ExitCode } from "../../src/cli/errors.js";
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  FishAudioError,
  ValidationError,
  WebSocketError,
} from "../../src/index.js";

const json = (status: number, body: unknown) =>
  APIError.generate(status, body, new Headers({ "x-request-id": "req-1" }));

describe("diagnose", () => {
  const url = "http://127.0.0.1:9";

  it("maps each HTTP status class to its message and exit code", () => {
    const cases: [number, RegExp, number][] = [
      [400, /the server rejected the request \(HTTP 400\): bad text/, ExitCode.usage],
      [
        401,
        /API key was rejected by http:\/\/127\.0\.0\.1:9 \(HTTP 401\): set FISH_API_KEY.*or use --local/,
        ExitCode.auth,
      ],
      [402, /not enough credits \(HTTP 402\)/, ExitCode.quota],
      [403, /permission denied \(HTTP 403\)/, ExitCode.auth],
      [404, /not found \(HTTP 404\): bad text/, ExitCode.notFound],
      [422, /rejected the request \(HTTP 422\)/, ExitCode.usage],
      [429, /rate limited \(HTTP 429\).*try again/, ExitCode.quota],
      [
        503,
        /http:\/\/127\.0\.0\.1:9 failed \(HTTP 503\): bad text \(request id req-1\); try again later/,
        ExitCode.failure,
      ],
      [418, /answered HTTP 418/, ExitCode.failure],
    ];
    for (const [status, pattern, code] of cases) {
      const found = diagnose(json(status, { status, message: "bad text" }), { baseUrl: url });
      assert.match(found.message, pattern, `status ${status}`);
      assert.equal(found.exitCode, code, `status ${status}`);
      assert.equal(found.stack, undefined);
    }
  });

  it("uses the command's own wording for 404 and 400", () => {
    const ctx = { notFound: 'voice "x" not found', rejected: "could not read a.wav" };
    assert.equal(diagnose(json(404, {}), ctx).message, 'voice "x" not found');
    assert.match(
      diagnose(json(400, { message: "not audio" }), ctx).message,
      /^could not read a\.wav \(HTTP 400\): not audio$/,
    );
  });

  it("names the URL and the cause code when the connection fails", () => {
    const cause = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    const found = diagnose(new APIConnectionError("Connection error.", { cause }), {
      baseUrl: url,
    });
    assert.equal(
      found.message,
      `could not connect to ${url} (ECONNREFUSED): check FISH_BASE_URL and your network, or use --local`,
    );
    assert.equal(found.exitCode, ExitCode.network);
    assert.match(
      diagnose(new APITimeoutError(), { baseUrl: url }).message,
      /timed out waiting for http/,
    );
  });

  it("treats abort as an interruption", () => {
    assert.equal(diagnose(new APIUserAbortError()).exitCode, 130);
  });

  it("passes CLI, validation and WebSocket errors through as one line", () => {
    assert.deepEqual(diagnose(new CliError("no text", 2)), { message: "no text", exitCode: 2 });
    const invalid = diagnose(new ValidationError("speed", "must be in 0.5..2.0"));
    assert.equal(invalid.message, "invalid speed: must be in 0.5..2.0");
    assert.equal(invalid.exitCode, ExitCode.usage);
    const ws = diagnose(new WebSocketError("closed", { serverMessage: "bad voice" }), {
      baseUrl: url,
    });
    assert.equal(ws.message, `the realtime session with ${url} failed: bad voice`);
    assert.match(diagnose(new FishAudioError("No API key given")).message, /set FISH_API_KEY/);
  });

  it("explains file errors by path", () => {
    const missing = Object.assign(new Error("ENOENT"), { code: "ENOENT", path: "a.wav" });
    assert.deepEqual(diagnose(missing), {
      message: "no such file or directory: a.wav",
      exitCode: 2,
    });
  });

  it("tells a refused realtime session from an unreachable server", () => {
    const refused = new WebSocketError("ended", {
      reason: "error",
      serverMessage: "Voice 'v' not found",
    });
    assert.deepEqual(diagnose(refused, { baseUrl: url, notFound: 'voice "v" not found' }), {
      message: 'voice "v" not found',
      exitCode: ExitCode.notFound,
    });
    const other = new WebSocketError("ended", { reason: "error", serverMessage: "text too long" });
    assert.deepEqual(diagnose(other, { baseUrl: url }), {
      message: "the server ended the realtime session: text too long",
      exitCode: ExitCode.failure,
    });
    const cause = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const down = new WebSocketError("Could not connect", { cause });
    assert.equal(
      diagnose(down, { baseUrl: url }).message,
      `could not connect to ${url} (ECONNREFUSED): check FISH_BASE_URL and your network, or use --local`,
    );
    assert.equal(diagnose(down, { baseUrl: url }).exitCode, ExitCode.network);
  });

  it("keeps the stack of an unexpected error for FISHAUDIO_DEBUG only", () => {
    const found = diagnose(new RangeError("boom"));
    assert.match(found.message, /^unexpected error: boom \(run with FISHAUDIO_DEBUG=1/);
    assert.match(found.stack ?? "", /RangeError: boom/);
    assert.equal(found.exitCode, 1);
  });
});
