import { WebSocket as NodeWebSocket } from "ws";

/**
 * A WebSocket that behaves as the WHATWG one does in Node 22+, Bun and Deno: plain events, and
 * when an upgrade is refused an `error` event and a close with code 1006 that carry no HTTP
 * status. Built on `ws` so that the tests run on Node 20 too.
 */
export class StatuslessWebSocket extends EventTarget {
  readonly #ws: NodeWebSocket;
  binaryType = "arraybuffer";

  constructor(url: string, options: { headers: Record<string, string> }) {
    super();
    this.#ws = new NodeWebSocket(url, { headers: options.headers });
    this.#ws.binaryType = "arraybuffer";
    this.#ws.on("open", () => this.dispatchEvent(new Event("open")));
    this.#ws.on("message", (data) => this.dispatchEvent(new MessageEvent("message", { data })));
    this.#ws.on("error", () => {
      const event = Object.assign(new Event("error"), {
        message: "Received network error or non-101 status code.",
      });
      this.dispatchEvent(event);
    });
    this.#ws.on("close", (code, reason) => {
      this.dispatchEvent(Object.assign(new Event("close"), { code, reason: reason.toString() }));
    });
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  send(data: Uint8Array): void {
    this.#ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#ws.close(code, reason);
  }
}
