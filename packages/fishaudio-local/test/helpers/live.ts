/** A tiny msgpack WebSocket client for /v1/tts/live tests. */
import { decode, encode } from "@msgpack/msgpack";
import WebSocket from "ws";

export interface LiveResult {
  audio: Buffer;
  frames: number;
  /** Largest frame as received on the wire (msgpack-encoded), in bytes. */
  maxFrameBytes: number;
  finish: Record<string, unknown> | undefined;
  closeCode: number;
  /** Events in arrival order ("audio" or "finish:<reason>"). */
  events: string[];
}

export interface LiveSocket {
  ws: WebSocket;
  send(event: Record<string, unknown>): void;
  /** Resolves at the next audio frame. */
  nextAudio(): Promise<void>;
  done: Promise<LiveResult>;
}

/** Opens a session; `headers` defaults to the server key. */
export function openLive(
  url: string,
  key: string,
  headers: Record<string, string> = {},
): Promise<LiveSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/v1/tts/live`, {
    headers: { authorization: `Bearer ${key}`, ...headers },
  });
  const result: LiveResult = {
    audio: Buffer.alloc(0),
    frames: 0,
    maxFrameBytes: 0,
    finish: undefined,
    closeCode: 0,
    events: [],
  };
  const chunks: Buffer[] = [];
  let waiters: Array<() => void> = [];
  const done = new Promise<LiveResult>((resolve, reject) => {
    ws.on("message", (data: Buffer) => {
      result.maxFrameBytes = Math.max(result.maxFrameBytes, data.length);
      const event = decode(data) as Record<string, unknown>;
      if (event.event === "audio") {
        result.frames++;
        chunks.push(Buffer.from(event.audio as Uint8Array));
        result.events.push("audio");
        for (const w of waiters) w();
        waiters = [];
      } else if (event.event === "finish") {
        result.finish = event;
        result.events.push(`finish:${String(event.reason)}`);
      }
    });
    ws.on("close", (code) => {
      result.closeCode = code;
      result.audio = Buffer.concat(chunks);
      resolve(result);
    });
    ws.on("error", reject);
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () =>
      resolve({
        ws,
        send: (event) => ws.send(encode(event)),
        nextAudio: () => new Promise((r) => waiters.push(r)),
        done,
      }),
    );
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.once("error", reject);
  });
}
