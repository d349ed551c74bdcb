/**
 * Clients that start an upload and then stop sending, on raw connections (issue 17 item 6).
 */
import net from "node:net";

export interface Answer {
  status: number;
  headers: string;
  body: string;
}

export interface Partial {
  /** The status line and body once an answer has come, or undefined when the socket closed without one. */
  answer: Promise<Answer | undefined>;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  socket: net.Socket;
}

/**
 * Sends `head` and `body` on a raw connection and then nothing more, as a stalled client does.
 * Gives up (destroying the socket) after `patienceMs`.
 */
export function stalledUpload(
  url: string,
  head: string,
  body: Buffer | Buffer[],
  patienceMs = 15_000,
): Partial {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.on("connect", () => {
    socket.write(head);
    // Pieces are written as given (one buffer may repeat), so a large body costs no memory here.
    for (const piece of Array.isArray(body) ? body : [body]) socket.write(piece);
  });
  let text = "";
  let resolveAnswer: (v: Answer | undefined) => void;
  const answer = new Promise<Answer | undefined>((r) => {
    resolveAnswer = r;
  });
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    const end = text.indexOf("\r\n\r\n");
    if (end === -1) return;
    const length = Number(/content-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
    if (text.length >= end + 4 + length) {
      resolveAnswer({
        status: Number(text.slice(9, 12)),
        headers: text.slice(0, end),
        body: text.slice(end + 4, end + 4 + length),
      });
    }
  });
  const closed = new Promise<void>((resolve) => {
    socket.on("close", () => {
      resolveAnswer(undefined);
      resolve();
    });
  });
  socket.on("error", () => {});
  setTimeout(() => socket.destroy(), patienceMs).unref();
  return { answer, closed, socket };
}

/** A request head for `path` with a body of `length` bytes (or chunked). */
export function head(path: string, type: string, length: number | "chunked", key: string): string {
  const framing = length === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`;
  return `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: ${type}\r\n${framing}\r\n\r\n`;
}

/** One chunk of a chunked body. */
export function chunk(bytes: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`${bytes.length.toString(16)}\r\n`),
    bytes,
    Buffer.from("\r\n"),
  ]);
}

/**
 * Opens a realtime socket by hand and sends the first `sent` bytes of a masked binary frame that
 * announces `announced` bytes, then nothing. Resolves with the close code the server sent
 * (undefined if it sent none) once the connection is closed, or undefined after `patienceMs`.
 */
export function stalledFrame(
  url: string,
  key: string,
  announced: number,
  sent: number,
  patienceMs = 15_000,
): Promise<number | undefined> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const nonce = Buffer.from(Array.from({ length: 16 }, (_, i) => i * 7)).toString("base64");
  socket.write(
    `GET /v1/tts/live HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${nonce}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${key}\r\n\r\n`,
  );
  let received = Buffer.alloc(0);
  let upgraded = false;
  socket.on("data", (data: Buffer) => {
    received = Buffer.concat([received, data]);
    if (upgraded || received.indexOf("\r\n\r\n") === -1) return;
    upgraded = true;
    if (!received.toString("latin1").startsWith("HTTP/1.1 101")) {
      socket.destroy();
      return;
    }
    const frameHead = Buffer.alloc(14);
    frameHead[0] = 0x82;
    frameHead[1] = 0xff;
    frameHead.writeBigUInt64BE(BigInt(announced), 2);
    frameHead.set([1, 2, 3, 4], 10);
    socket.write(frameHead);
    const piece = Buffer.alloc(Math.min(sent, 1024 * 1024));
    for (let left = sent; left > 0; left -= piece.length) {
      socket.write(left >= piece.length ? piece : piece.subarray(0, left));
    }
  });
  socket.on("error", () => {});
  const timer = setTimeout(() => socket.destroy(), patienceMs);
  timer.unref();
  return new Promise((resolve) => {
    socket.once("close", () => {
      clearTimeout(timer);
      const at = received.indexOf("\r\n\r\n") + 4;
      const closeAt = received.indexOf(0x88, at);
      resolve(closeAt !== -1 && at > 3 ? received.readUInt16BE(closeAt + 2) : undefined);
    });
  });
}
