/**
 * Long and unbroken input for the speech engines: a 500-character "word" once crashed flite
 * mid-response (B5). Whatever the server decides (speak it, or refuse it with 4xx), the answer
 * must be complete: a full HTTP body, or a realtime session that ends with `finish`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decode } from "@msgpack/msgpack";
import WebSocket from "ws";
import { json, msgpack, ttsRequest } from "../faults/payloads.js";
import { assertErrorShape, rawRequest } from "../faults/raw-http.js";
import { type ServerProcess, spawnServer } from "../faults/server-process.js";

const API_KEY = "long-input-key-4a8c2e6f0b1d3957";
const auth = { authorization: `Bearer ${API_KEY}` };

describe("local server: long unbroken words", () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "fishaudio-long-input-"));
    server = await spawnServer({ dataDir, apiKey: API_KEY, rateLimit: false });
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const voice of [undefined, "espeak-en"]) {
    // The flite default voice is where the crash was (B5, fixed); espeak coped.
    it(`HTTP TTS of a 500-letter word (${voice ?? "default voice"}): complete audio or a 4xx`, async () => {
      const body = { ...ttsRequest(), text: "x".repeat(500), reference_id: voice };
      // rawRequest rejects on a body cut short ("aborted"), which is the failure looked for.
      const res = await rawRequest(
        server.url,
        {
          method: "POST",
          path: "/v1/tts",
          headers: { ...auth, "content-type": "application/json" },
          body: json(body),
        },
        90_000,
      );
      if (res.status >= 400) assertErrorShape(res, "long word");
      else {
        assert.equal(res.status, 200);
        assert.equal(res.body.subarray(0, 4).toString(), "RIFF");
      }
      assert.ok(server.alive());
    });
  }

  it("realtime TTS of a 500-letter word: the session ends with finish", async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/tts/live`, { headers: auth });
    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no close within 90 s; events: ${events.join(",")}`));
      }, 90_000);
      ws.on("error", reject);
      ws.on("open", () => {
        ws.send(msgpack({ event: "start", request: { ...ttsRequest(), text: "" } }));
        ws.send(msgpack({ event: "text", text: "x".repeat(500) }));
        ws.send(msgpack({ event: "stop" }));
      });
      ws.on("message", (data: Buffer) => {
        const frame = decode(data) as { event: string; reason?: string };
        events.push(frame.event === "finish" ? `finish/${frame.reason}` : frame.event);
      });
      ws.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    assert.match(events.at(-1) ?? "", /^finish\//, `events: ${events.slice(-5).join(",")}`);
    assert.ok(server.alive());
  });
});
