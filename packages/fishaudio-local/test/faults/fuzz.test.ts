/**
 * Fuzzing the local server (fast suite: a few hundred cases): malformed msgpack, JSON, multipart,
 * urlencoded and WebSocket input to every endpoint, against the server in a child process. No
 * case may get a 5xx, every error must be exactly `{status, message}`, and the server must live.
 * Replay a failing run with FUZZ_SEED=<seed>.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { describeReport, fuzzContext, runFuzz } from "./fuzz-runner.js";
import { fuzzSeed } from "./prng.js";
import { rawRequest } from "./raw-http.js";
import { type ServerProcess, spawnServer } from "./server-process.js";

const API_KEY = "fuzz-key-0123456789abcdef";

describe("local server under fuzzed input (fast)", () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "fishaudio-fuzz-"));
    server = await spawnServer({ dataDir, apiKey: API_KEY, rateLimit: false });
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("300 seeded cases: no 5xx, every error is {status, message}, the server stays up", async () => {
    const ctx = await fuzzContext(server, API_KEY);
    const report = await runFuzz(server, ctx, {
      seed: fuzzSeed(20261124),
      cases: 300,
      budgetMs: 120_000,
      wsShare: 0.15,
    });
    assert.deepEqual(report.failures, [], describeReport(report));
    // The budget is a safety net, not the plan: most of the cases must have run.
    assert.ok(report.httpCases + report.wsCases >= 200, describeReport(report));
    assert.ok(server.alive(), "the server process died");
    const health = await rawRequest(server.url, {
      method: "GET",
      path: "/model",
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    assert.equal(health.status, 200);
  });

  it("garbage below HTTP (bad request lines, binary noise): 400 JSON or a close, server alive", async () => {
    const inputs = [
      "GARBAGE\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "GET /model HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST /v1/tts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
      "GET /model HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n",
      `GET /${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      "\u0000\u0001\u0002\u0003\u00ff\u00fe\r\n\r\n",
    ];
    for (const input of inputs) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(new URL(server.url).port), "127.0.0.1");
        let data = "";
        socket.on("data", (chunk) => {
          data += chunk.toString("latin1");
        });
        socket.on("error", () => resolve(data));
        socket.on("close", () => resolve(data));
        socket.setTimeout(10_000, () => {
          socket.destroy();
          reject(new Error(`no answer and no close for ${JSON.stringify(input.slice(0, 40))}`));
        });
        socket.end(Buffer.from(input, "latin1"));
      });
      if (answer) {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
        assert.ok(status >= 400 && status < 500, `status line: ${answer.slice(0, 60)}`);
        const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
        assert.deepEqual(Object.keys(JSON.parse(body)).sort(), ["message", "status"]);
      }
      assert.ok(server.alive(), `the server died on ${JSON.stringify(input.slice(0, 40))}`);
    }
  });
});
