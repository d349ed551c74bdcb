// A refused WebSocket upgrade leaves one log line with its status (and never the key).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("WS /v1/tts/live refusals", () => {
  let t: TestServer;
  const lines: string[] = [];
  before(async () => {
    t = await startTestServer({ logger: (line) => lines.push(line) });
  });
  after(() => t.close());

  /** Attempts an upgrade and resolves with the HTTP status of the refusal. */
  function upgrade(key: string): Promise<number | undefined> {
    return new Promise((resolve) => {
      const url = `${t.server.url.replace(/^http/, "ws")}/v1/tts/live`;
      const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${key}` } });
      ws.on("unexpected-response", (_request, response) => {
        response.resume();
        resolve(response.statusCode);
        ws.terminate();
      });
      ws.on("error", () => {});
      ws.on("open", () => {
        ws.close();
        resolve(101);
      });
    });
  }

  it("logs 401 and 402 with the path and the status, without the key", async () => {
    const wrongKey = "wrong-key-0123456789";
    assert.equal(await upgrade(wrongKey), 401);
    const broke = t.server.createUser({ credits: 0 });
    assert.equal(await upgrade(broke.apiKey), 402);
    const refusals = lines.filter((line) => line.startsWith("WS /v1/tts/live refused"));
    assert.equal(refusals.length, 2, lines.join("\n"));
    assert.deepEqual(refusals, ["WS /v1/tts/live refused 401", "WS /v1/tts/live refused 402"]);
    const all = lines.join("\n");
    assert.equal(/Bearer\s+\S/.test(all), false);
    assert.equal(all.includes(wrongKey), false);
    assert.equal(all.includes(broke.apiKey), false);
  });
});
