/**
 * What a WebSocket hears when the server shuts down. The native realtime sessions get their
 * msgpack `finish` frame (server.ts); a compatibility protocol's socket registers its own notice
 * here, in its protocol's shape, so its clients never receive a frame they cannot parse.
 */
import type { WebSocket } from "ws";

const notices = new WeakMap<WebSocket, () => void>();

/**
 * Sets what `ws` is sent when the server shuts down (before it is closed with 1001).
 * @example onShutdown(ws, () => ws.send(JSON.stringify({ type: "error", … })));
 */
export function onShutdown(ws: WebSocket, notice: () => void): void {
  notices.set(ws, notice);
}

/**
 * Sends `ws` its registered shutdown notice; false when it has none (a native session).
 * @example if (!sendShutdownNotice(ws)) ws.send(finishFrame("error", "…"), { binary: true });
 */
export function sendShutdownNotice(ws: WebSocket): boolean {
  const notice = notices.get(ws);
  if (!notice) return false;
  notice();
  return true;
}
