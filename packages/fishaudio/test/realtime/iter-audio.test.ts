import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { encode } from "@msgpack/msgpack";
import { WebSocket } from "ws";
import { WebSocketError } from "../../src/core/error.js";
import { iterWebsocketAudio } from "../../src/realtime/index.js";
import { type Connection, decodeFrame, type LiveServer, startLiveServer } from "./live-server.js";

const servers: LiveServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function open(onConnection: (c: Connection) => Promise<void>): Promise<WebSocket> {
  const server = await startLiveServer(onConnection);
  servers.push(server);
  const ws = new WebSocket(server.url, { headers: { Authorization: "Bearer k" } });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

describe("iterWebsocketAudio on a socket the caller drives", () => {
  it("yields the audio of each audio event until finish/stop", async () => {
    const ws = await open(async (c) => {
      for (;;) {
        const frame = decodeFrame(await c.nextFrame());
        if (frame.event === "text") {
          c.sendEvent({ event: "audio", audio: new TextEncoder().encode(String(frame.text)) });
        }
        if (frame.event === "stop") {
          c.sendEvent({ event: "finish", reason: "stop" });
          return;
        }
      }
    });
    ws.send(encode({ event: "start", request: { text: "" } }));
    ws.send(encode({ event: "text", text: "Hello " }));
    ws.send(encode({ event: "text", text: "world" }));
    ws.send(encode({ event: "stop" }));
    const bytes = await iterWebsocketAudio(ws).collect();
    assert.equal(new TextDecoder().decode(bytes), "Hello world");
    // Reading stops at finish; the socket is still the caller's to close.
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.close();
  });

  it("throws WebSocketError carrying the server's message on finish/error", async () => {
    const ws = await open(async (c) => {
      await c.nextFrame();
      c.sendEvent({ event: "finish", reason: "error", message: "bad reference_id" });
      c.ws.close();
    });
    ws.send(encode({ event: "start", request: { text: "" } }));
    await assert.rejects(iterWebsocketAudio(ws).collect(), (error: unknown) => {
      assert.ok(error instanceof WebSocketError);
      assert.equal(error.reason, "error");
      assert.equal(error.serverMessage, "bad reference_id");
      return true;
    });
  });

  it("throws WebSocketError when the socket closes without finish", async () => {
    const ws = await open(async (c) => {
      await c.nextFrame();
      c.ws.close(1011, "internal");
    });
    ws.send(encode({ event: "start", request: { text: "" } }));
    await assert.rejects(iterWebsocketAudio(ws).collect(), (error: unknown) => {
      assert.ok(error instanceof WebSocketError);
      assert.equal(error.code, 1011);
      assert.equal(error.serverMessage, "internal");
      return true;
    });
  });

  it("refuses a socket that is already closed", async () => {
    const ws = await open(async () => {});
    ws.close();
    await new Promise((resolve) => ws.once("close", resolve));
    await assert.rejects(iterWebsocketAudio(ws).collect(), /already closed/);
  });

  it("stops listening when the caller breaks, leaving the socket open", async () => {
    const ws = await open(async (c) => {
      await c.nextFrame();
      c.sendEvent({ event: "audio", audio: new Uint8Array([1]) });
      c.sendEvent({ event: "audio", audio: new Uint8Array([2]) });
    });
    ws.send(encode({ event: "start", request: { text: "" } }));
    for await (const chunk of iterWebsocketAudio(ws)) {
      assert.deepEqual([...chunk], [1]);
      break;
    }
    assert.equal(ws.listenerCount("message"), 0);
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.close();
  });
});
