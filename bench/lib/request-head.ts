/**
 * What a client puts on the wire for one request: a throwaway TCP server answers one fixed JSON
 * body and keeps the request head it received, so two clients' requests can be compared header
 * by header (a client that sends more makes the server work more, which a ratio would hide).
 */
import assert from "node:assert/strict";
import net from "node:net";

export interface RequestHead {
  /** Request line, e.g. "GET /model/x HTTP/1.1". */
  line: string;
  /** Header names lowercased, with their values, in the order sent. */
  headers: Array<[string, string]>;
  /** Bytes of the head, request line to the blank line included. */
  bytes: number;
  /** Bytes after the head (a GET sends none). */
  bodyBytes: number;
}

/** Splits a raw request (head and whatever body followed) into a RequestHead. */
export function parseRequestHead(raw: string): RequestHead {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no complete request head in ${JSON.stringify(raw.slice(0, 200))}`);
  const [line = "", ...fields] = raw.slice(0, end).split("\r\n");
  const headers = fields.map((field): [string, string] => {
    const colon = field.indexOf(":");
    return [field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim()];
  });
  return {
    line,
    headers,
    bytes: Buffer.byteLength(raw.slice(0, end + 4)),
    bodyBytes: Buffer.byteLength(raw.slice(end + 4)),
  };
}

/**
 * Starts a server at a fresh port, calls `send(baseUrl)` and returns the head of the request it
 * made. The answer is `{"_id":"probe"}` with Content-Length, so a client can parse and finish.
 */
export async function captureRequestHead(
  send: (baseUrl: string) => Promise<unknown>,
): Promise<RequestHead> {
  let raw = "";
  const body = JSON.stringify({ _id: "probe", title: "probe" });
  const server = net.createServer((socket) => {
    socket.setEncoding("latin1");
    socket.on("data", (data: string) => {
      raw += data;
      if (!raw.includes("\r\n\r\n")) return;
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as net.AddressInfo;
    await send(`http://127.0.0.1:${port}`);
    return parseRequestHead(raw);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The value of a header (case-insensitive name), or undefined. */
export function headerOf(head: RequestHead, name: string): string | undefined {
  return head.headers.find(([n]) => n === name.toLowerCase())?.[1];
}

// Self-check.
{
  const head = parseRequestHead(
    "GET /model/a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nconnection: keep-alive\r\n\r\n",
  );
  assert.equal(head.line, "GET /model/a HTTP/1.1");
  assert.deepEqual(head.headers[1], ["authorization", "Bearer k"]);
  assert.equal(headerOf(head, "Connection"), "keep-alive");
  assert.equal(head.bytes, 83);
  assert.equal(head.bodyBytes, 0);
}
