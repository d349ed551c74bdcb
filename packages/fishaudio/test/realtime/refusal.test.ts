// A wrong key on the realtime socket: the same AuthenticationError, with what to check, whether
// the runtime's WebSocket shows the upgrade's status (`ws`) or hides it (WHATWG WebSocket).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encode } from "@msgpack/msgpack";
import { type LocalServer, startServer } from "fishaudio-local";
import { AuthenticationError, FishAudio, WebSocketError } from "../../src/index.js";
import { streamLive } from "../../src/realtime/index.js";
import type { WebSocketConstructor } from "../../src/realtime/socket.js";
import { StatuslessWebSocket } from "./statusless-websocket.js";

let server: LocalServer;
before(async () => {
  server = await startServer({ host: "127.0.0.1", port: 0 });
});
after(() => server.close());

function session(apiKey: string, WebSocket: WebSocketConstructor | undefined) {
  const client = new FishAudio({ apiKey, baseUrl: server.url, maxRetries: 0 });
  return streamLive({
    url: `${server.url.replace(/^http/, "ws")}/v1/tts/live`,
    headers: { Authorization: `Bearer ${apiKey}` },
    startFrame: encode({ event: "start", request: { text: "" } }),
    input: ["Hello."],
    probe: () => client.account.getCredits(),
    ...(WebSocket ? { WebSocket } : {}),
  });
}

describe("a refused realtime upgrade", () => {
  it("is the same actionable AuthenticationError with and without the status", async () => {
    const messages: string[] = [];
    for (const WebSocket of [undefined, StatuslessWebSocket as unknown as WebSocketConstructor]) {
      await assert.rejects(session("wrong-key", WebSocket).collect(), (error: unknown) => {
        assert.ok(error instanceof AuthenticationError, String(error));
        assert.equal(error.status, 401);
        assert.match(error.message, /check FISH_API_KEY or the apiKey option/);
        messages.push(error.message);
        return true;
      });
    }
    assert.equal(messages[0], messages[1]);
  });

  it("names the likely causes when the key works over HTTP but the upgrade still fails", async () => {
    const broke = server.createUser({ credits: 0 });
    await assert.rejects(
      session(broke.apiKey, StatuslessWebSocket as unknown as WebSocketConstructor).collect(),
      (error: unknown) => {
        assert.ok(error instanceof WebSocketError, String(error));
        assert.match(error.message, /API key works over HTTP/);
        assert.match(error.message, /credit is used up/);
        assert.match(error.message, /npm install ws/);
        return true;
      },
    );
  });
});
