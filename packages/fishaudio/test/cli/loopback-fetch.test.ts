import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { loopbackFetch } from "../../src/cli/loopback-fetch.js";
import { FishAudio } from "../../src/index.js";

let server: Server;
let url: string;
const seen: { method?: string; headers?: IncomingMessage["headers"]; body?: Buffer }[] = [];

before(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({ method: req.method!, headers: req.headers, body: Buffer.concat(chunks) });
    if (req.url === "/slow") {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(Buffer.alloc(10, 1));
      return; // never ends: the client aborts
    }
    if (req.url?.startsWith("/fail/")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: 404, message: "no such voice" }));
      return;
    }
    res.writeHead(200, [
      ["Content-Type", "application/octet-stream"],
      ["X-Twice", "a"],
      ["X-Twice", "b"],
    ]);
    res.end(Buffer.alloc(100_000, 7));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

describe("loopbackFetch (the CLI's fetch for --local)", () => {
  it("sends method, headers and a byte body; answers status, headers and the whole body", async () => {
    const response = await loopbackFetch(`${url}/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/msgpack", Authorization: "Bearer k" },
      body: new Uint8Array([1, 2, 3]),
    });
    assert.equal(response.status, 200);
    assert.equal(response.ok, true);
    assert.equal(response.headers.get("content-type"), "application/octet-stream");
    assert.equal(response.headers.get("x-twice"), "a, b");
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.equal(bytes.length, 100_000);
    assert.ok(bytes.every((b) => b === 7));
    const last = seen.at(-1)!;
    assert.equal(last.method, "POST");
    assert.equal(last.headers!.authorization, "Bearer k");
    assert.equal(last.headers!["content-length"], "3");
    assert.deepEqual([...last.body!], [1, 2, 3]);
  });

  it("drives the SDK: an API error is classified from the status and JSON body", async () => {
    const client = new FishAudio({ apiKey: "k", baseUrl: `${url}/fail`, fetch: loopbackFetch });
    await assert.rejects(client.voices.get("x"), (error: Error) => {
      assert.equal((error as { status?: number }).status, 404);
      assert.match(error.message, /no such voice/);
      return true;
    });
  });

  it("an abort ends a streamed body, and a refused connection says so in its cause", async () => {
    const controller = new AbortController();
    const response = await loopbackFetch(`${url}/slow`, { signal: controller.signal });
    const reader = response.body!.getReader();
    assert.equal((await reader.read()).value?.length, 10);
    const pending = reader.read();
    controller.abort();
    await assert.rejects(pending);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(loopbackFetch(`http://127.0.0.1:${port}/`, {}), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.equal((error.cause as { code?: string }).code, "ECONNREFUSED");
      return true;
    });
  });

  it("hands FormData bodies (multipart uploads) to the global fetch", async () => {
    const form = new FormData();
    form.append("title", "mine");
    const response = await loopbackFetch(`${url}/form`, { method: "POST", body: form });
    assert.ok(response instanceof Response, "the global fetch answered");
    await response.arrayBuffer();
    assert.match(String(seen.at(-1)!.headers!["content-type"]), /^multipart\/form-data; boundary=/);
    assert.match(seen.at(-1)!.body!.toString(), /name="title"\r\n\r\nmine/);
  });
});
