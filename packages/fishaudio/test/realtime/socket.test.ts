import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FishAudioError } from "../../src/core/error.js";
import {
  currentEnvironment,
  resolveWebSocket,
  type WebSocketConstructor,
} from "../../src/realtime/socket.js";

const WsClass = class Ws {} as unknown as WebSocketConstructor;
const GlobalClass = class Global {} as unknown as WebSocketConstructor;

describe("choosing a WebSocket implementation", () => {
  it("prefers `ws` on Node, for headers, pings, pausing and refused-upgrade details", async () => {
    const chosen = await resolveWebSocket({
      runtime: "node",
      loadWs: async () => WsClass,
      globalWebSocket: GlobalClass,
    });
    assert.equal(chosen, WsClass);
  });

  it("falls back to the global WebSocket on Node 22+ without `ws`", async () => {
    const chosen = await resolveWebSocket({
      runtime: "node",
      loadWs: async () => undefined,
      globalWebSocket: GlobalClass,
    });
    assert.equal(chosen, GlobalClass);
  });

  it("tells Node 20 users without `ws` to install it", async () => {
    await assert.rejects(
      resolveWebSocket({
        runtime: "node",
        loadWs: async () => undefined,
        globalWebSocket: undefined,
      }),
      (error: unknown) => {
        assert.ok(error instanceof FishAudioError);
        assert.match(error.message, /npm install ws/);
        return true;
      },
    );
  });

  it("uses the runtime's own WebSocket on Bun and Deno", async () => {
    for (const runtime of ["bun", "deno"] as const) {
      const chosen = await resolveWebSocket({
        runtime,
        loadWs: async () => WsClass,
        globalWebSocket: GlobalClass,
      });
      assert.equal(chosen, GlobalClass);
    }
  });

  it("explains that browsers cannot authenticate the socket and need a server-side proxy", async () => {
    await assert.rejects(
      resolveWebSocket({
        runtime: "browser",
        loadWs: async () => WsClass,
        globalWebSocket: GlobalClass,
      }),
      (error: unknown) => {
        assert.ok(error instanceof FishAudioError);
        assert.match(error.message, /Authorization header/);
        assert.match(error.message, /on a server/);
        return true;
      },
    );
  });

  it("detects this process as Node and finds the installed `ws`", async () => {
    const env = currentEnvironment();
    assert.equal(env.runtime, "node");
    const { WebSocket } = await import("ws");
    assert.equal(await env.loadWs(), WebSocket);
  });
});

// Compile-time checks: `ws` and the WHATWG WebSocket both fit the adapter types, so callers can
// hand either to iterWebsocketAudio or pass either class as `WebSocket`.
import type { WebSocket as NodeWebSocket } from "ws";
import type { WebSocketLike } from "../../src/realtime/socket.js";

export const fitsNode: (ws: NodeWebSocket) => WebSocketLike = (ws) => ws;
export const fitsStandard: (ws: globalThis.WebSocket) => WebSocketLike = (ws) => ws;
export const nodeConstructor = async (): Promise<WebSocketConstructor> =>
  (await import("ws")).WebSocket;
