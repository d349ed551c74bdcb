/**
 * The "plain" side of every SDK comparison: the same requests written by hand with fetch and a
 * bare `ws` socket, speaking the wire protocol directly (protocol.md §2, §3).
 */
import { decode, encode } from "@msgpack/msgpack";
import WebSocket from "ws";

export interface Endpoint {
  url: string;
  apiKey: string;
}

/** Starts POST /v1/tts with a msgpack body and returns the response (body unread). */
export async function plainTts(
  ep: Endpoint,
  request: { text: string; reference_id?: string; format?: string },
): Promise<Response> {
  const res = await fetch(`${ep.url}/v1/tts`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${ep.apiKey}`,
      "content-type": "application/msgpack",
      model: "s2-pro",
    },
    body: encode(request),
  });
  if (!res.ok || !res.body) throw new Error(`POST /v1/tts: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** One POST /v1/tts read to the end: first body byte and total time, in ms from the request. */
export async function timedTts(
  ep: Endpoint,
  request: { text: string; reference_id?: string; format?: string },
): Promise<{ firstMs: number; totalMs: number; bytes: number }> {
  const t0 = performance.now();
  const reader = ((await plainTts(ep, request)).body as ReadableStream<Uint8Array>).getReader();
  let firstMs = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstMs === 0 && value.byteLength > 0) firstMs = performance.now() - t0;
    bytes += value.byteLength;
  }
  return { firstMs, totalMs: performance.now() - t0, bytes };
}

/**
 * One POST /v1/tts/stream/with-timestamp read to the end: the time to the first SSE event that
 * carries audio, and the total, in ms from the request.
 */
export async function timedTimestampTts(
  ep: Endpoint,
  request: { text: string; reference_id?: string; format?: string },
): Promise<{ firstMs: number; totalMs: number; words: number }> {
  const t0 = performance.now();
  const res = await fetch(`${ep.url}/v1/tts/stream/with-timestamp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${ep.apiKey}`,
      "content-type": "application/msgpack",
      model: "s2-pro",
    },
    body: encode(request),
  });
  if (!res.ok || !res.body)
    throw new Error(`with-timestamp: HTTP ${res.status} ${await res.text()}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  let firstMs = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    // The first complete event with a non-empty audio_base64.
    if (firstMs === 0) {
      const complete = text.slice(0, text.lastIndexOf("\n\n") + 1);
      if (/"audio_base64":"[^"]/.test(complete)) firstMs = performance.now() - t0;
    }
  }
  // Each chunk's latest alignment snapshot replaces its earlier ones (the schema): count those.
  const latest = new Map<number, number>();
  for (const block of text.trim().split("\n\n")) {
    const payload = JSON.parse(block.slice(block.indexOf("data: ") + 6)) as {
      alignment: { segments: unknown[] } | null;
      chunk_seq: number;
    };
    if (payload.alignment) latest.set(payload.chunk_seq, payload.alignment.segments.length);
  }
  return {
    firstMs,
    totalMs: performance.now() - t0,
    words: [...latest.values()].reduce((a, b) => a + b, 0),
  };
}

/** Reads a response body to the end and returns the byte count. */
export async function drain(res: Response): Promise<number> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

/** GET a JSON resource with the bearer key, as a hand-written client would. */
export async function plainGetJson(ep: Endpoint, pathname: string): Promise<unknown> {
  const res = await fetch(`${ep.url}${pathname}`, {
    headers: { authorization: `Bearer ${ep.apiKey}` },
  });
  if (!res.ok) throw new Error(`GET ${pathname}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** The WebSocket URL of /v1/tts/live for an http:// base URL. */
export function liveUrl(ep: Endpoint): string {
  return `${ep.url.replace(/^http/, "ws")}/v1/tts/live`;
}

type ServerEvent = { event?: string; audio?: Uint8Array; reason?: string; message?: string };

/**
 * A bare realtime session: opens the socket, sends start, then lets `script` drive it.
 * `script` gets `send(event)`, `nextAudio()` (resolves at the next non-empty audio frame) and
 * `audioBytes()` (audio received so far);
 * the returned promise settles at `finish`.
 */
export async function bareLive<T>(
  ep: Endpoint,
  request: Record<string, unknown>,
  script: (io: {
    send(event: Record<string, unknown>): void;
    nextAudio(): Promise<Uint8Array>;
    audioBytes(): number;
  }) => Promise<T>,
): Promise<{ result: T; audioBytes: number }> {
  // No permessage-deflate, as the SDK: audio does not compress, and both sides must send the
  // same bytes for the comparison to hold.
  const ws = new WebSocket(liveUrl(ep), {
    headers: { authorization: `Bearer ${ep.apiKey}`, model: "s2-pro" },
    perMessageDeflate: false,
  });
  ws.binaryType = "nodebuffer";
  let audioBytes = 0;
  const waiters: Array<(chunk: Uint8Array) => void> = [];
  const finished = new Promise<void>((resolve, reject) => {
    ws.on("message", (data: Buffer) => {
      const msg = decode(data) as ServerEvent;
      if (msg.event === "audio" && msg.audio && msg.audio.byteLength > 0) {
        audioBytes += msg.audio.byteLength;
        waiters.shift()?.(msg.audio);
      } else if (msg.event === "finish") {
        if (msg.reason === "error") reject(new Error(`finish/error: ${msg.message ?? ""}`));
        else resolve();
      }
    });
    ws.on("error", reject);
    ws.on("close", (code) => reject(new Error(`socket closed (${code}) before finish`)));
  });
  finished.catch(() => {});
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const send = (event: Record<string, unknown>) => ws.send(encode(event));
  send({ event: "start", request: { text: "", ...request } });
  const result = await script({
    send,
    nextAudio: () => new Promise<Uint8Array>((resolve) => waiters.push(resolve)),
    audioBytes: () => audioBytes,
  });
  await finished;
  ws.close();
  return { result, audioBytes };
}
