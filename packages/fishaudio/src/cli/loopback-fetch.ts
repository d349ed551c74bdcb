/**
 * The fetch the CLI gives the SDK for --local: plain node:http to the in-process server on
 * 127.0.0.1. Node's global fetch is undici, which a one-shot command (`fishaudio tts --local …`)
 * pays ~50–75 ms of CPU to load and set up before its one request; node:http is loaded already
 * (the server listens with it). The request still goes over a real socket through the server's
 * whole HTTP path. Bodies other than text and bytes (FormData uploads) go to the global fetch,
 * which encodes multipart.
 */
import { type IncomingMessage, request } from "node:http";
import { Readable } from "node:stream";
import type { Fetch } from "../client.js";

/** The response headers, read the way the Fetch API's Headers reads them. */
class ResponseHeaders {
  readonly #values = new Map<string, string>();

  constructor(raw: string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const value = raw[i + 1]!;
      const before = this.#values.get(name);
      this.#values.set(name, before === undefined ? value : `${before}, ${value}`);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, value] of this.#values) fn(value, name);
  }

  entries(): IterableIterator<[string, string]> {
    return this.#values.entries();
  }

  keys(): IterableIterator<string> {
    return this.#values.keys();
  }

  values(): IterableIterator<string> {
    return this.#values.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
}

/** What the SDK reads of a Response: status, headers, and the body as a stream or whole. */
class LoopbackResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: ResponseHeaders;
  readonly url: string;
  readonly redirected = false;
  readonly type = "basic";
  readonly body: ReadableStream<Uint8Array>;

  constructor(url: string, message: IncomingMessage) {
    this.url = url;
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? "";
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new ResponseHeaders(message.rawHeaders);
    this.body = Readable.toWeb(message) as ReadableStream<Uint8Array>;
  }

  get bodyUsed(): boolean {
    return this.body.locked;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return copy.buffer;
  }

  async bytes(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.body) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

/**
 * A fetch for http:// URLs of a server on this machine, over node:http.
 * @example new FishAudio({ apiKey, baseUrl: server.url, fetch: loopbackFetch });
 */
export const loopbackFetch: Fetch = (input, init) => {
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== "string" && !isBytes(body)) {
    return globalThis.fetch(input, init);
  }
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (body !== undefined && body !== null) {
      headers["content-length"] = String(Buffer.byteLength(body as string | Uint8Array));
    }
    const req = request(input, { method: init.method ?? "GET", headers });
    const onAbort = () => req.destroy(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    req.once("response", (message) => {
      // From here on an abort ends the body stream (the SDK reads it under the same signal).
      message.once("close", () => signal?.removeEventListener("abort", onAbort));
      resolve(new LoopbackResponse(input, message) as unknown as Response);
    });
    req.once("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    });
    req.end(body ?? undefined);
  });
};

function isBytes(body: unknown): body is Uint8Array {
  return body instanceof Uint8Array;
}
