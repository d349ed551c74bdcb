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
import { assertFuzzHealthy, fuzzContext, runFuzz } from "./fuzz-runner.js";
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
    // The budget is a safety net, not the plan: most of the cases must have run.
    await assertFuzzHealthy(server, report, 200, API_KEY);
  });

  it("malformed WebSocket frames (bad opcodes, unmasked, RSV bits, bad UTF-8, huge lengths): closed, server alive", async () => {
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = (first: number, payload: Buffer) => {
      const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
      return Buffer.concat([Buffer.from([first, 0x80 | payload.length]), mask, body]);
    };
    const frames: [string, Buffer][] = [
      ["reserved opcode 0x3", masked(0x83, Buffer.from("hi"))],
      ["reserved opcode 0xB (control)", masked(0x8b, Buffer.from("hi"))],
      ["unmasked client frame", Buffer.from([0x82, 0x02, 0x01, 0x02])],
      ["RSV1 without an extension", masked(0xc2, Buffer.from("hi"))],
      ["text frame with invalid UTF-8", masked(0x81, Buffer.from([0xc3, 0x28, 0xff]))],
      ["fragmented ping", masked(0x09, Buffer.from("p"))],
      ["continuation without a start", masked(0x80, Buffer.from("x"))],
      ["close with a 1-byte payload", masked(0x88, Buffer.from([0x03]))],
      ["close with code 999", masked(0x88, Buffer.from([0x03, 0xe7]))],
      [
        "64-bit length of 2^63",
        Buffer.concat([Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0]), mask]),
      ],
      ["truncated header", Buffer.from([0x82])],
    ];
    const port = Number(new URL(server.url).port);
    for (const [name, frame] of frames) {
      const closed = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        let upgraded = false;
        let buffer = "";
        socket.on("data", (chunk) => {
          if (upgraded) return;
          buffer += chunk.toString("latin1");
          if (buffer.includes("\r\n\r\n")) {
            upgraded = buffer.startsWith("HTTP/1.1 101");
            if (!upgraded) resolve(false);
            else socket.write(frame);
          }
        });
        socket.on("error", () => {});
        socket.on("close", () => resolve(upgraded));
        // A frame the server cannot parse must end the connection; a truncated one may wait
        // for more bytes, so that case ends from our side.
        socket.setTimeout(name === "truncated header" ? 500 : 10_000, () => {
          socket.destroy();
          resolve(name === "truncated header" && upgraded);
        });
        socket.write(
          "GET /v1/tts/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
            `Authorization: Bearer ${API_KEY}\r\n\r\n`,
        );
      });
      assert.ok(closed, `${name}: the upgrade failed or the server left the connection open`);
      assert.ok(server.alive(), `the server died on: ${name}`);
    }
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
