/**
 * The table's `body` encodings are enforced by the dispatcher, before any handler runs: every
 * entry that takes a body refuses another declared Content-Type with 415 naming what to send
 * (and an `Accept` header listing it), /v1/asr answers JSON with the cloud's 400, and a body
 * without a Content-Type is sniffed as JSON or msgpack.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ROUTES } from "../../src/routes/table.js";
import { errorBody, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

const TYPES: Record<string, string> = {
  json: "application/json",
  msgpack: "application/msgpack",
  multipart: "multipart/form-data",
  urlencoded: "application/x-www-form-urlencoded",
};

describe("body encodings from the route table", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  for (const route of ROUTES) {
    if (route.method === "WS" || route.body.length === 0) continue;
    const path = route.path.replace(/\{\w+:int\}/g, "1").replace(/\{\w+\}/g, "no-such-id");
    // The compatibility protocols answer in their own error shapes (compat/): read them raw.
    const compat = path.startsWith("/compat/");
    it(`${route.method} ${route.path} refuses text/plain with 415 before its handler runs`, async () => {
      const init = {
        body: "hello",
        headers: { "content-type": "text/plain; charset=utf-8" },
      };
      const res = compat
        ? await fetch(`${t.server.url}${path}`, {
            method: route.method,
            ...init,
            headers: { ...init.headers, authorization: `Bearer ${t.server.apiKey}` },
          })
        : await t.call(route.method, path, init);
      assert.equal(res.status, 415);
      const message = compat ? await res.text() : (await errorBody(res)).message;
      assert.match(message, /'text\/plain'/);
      const accepted = route.body.map((e) => TYPES[e]!);
      for (const type of accepted) assert.ok(message.includes(type), message);
      assert.equal(res.headers.get("accept"), accepted.join(", "));
    });
  }

  it("an accepted type with parameters is accepted (charset, boundary)", async () => {
    const res = await t.call("POST", "/v1/tts", {
      body: JSON.stringify({ text: "Hi." }),
      headers: { "content-type": "Application/JSON; charset=utf-8" },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  it("JSON on /v1/asr is the cloud's 400, saying what to send", async () => {
    const res = await t.call("POST", "/v1/asr", {
      body: JSON.stringify({ audio: "AAAA" }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.status, 400);
    assert.match((await errorBody(res)).message, /multipart\/form-data or application\/msgpack/);
  });

  it("a JSON-only entry says so: msgpack on /v1/voice-design", async () => {
    const res = await t.call("POST", "/v1/voice-design", {
      body: new Uint8Array([0x80]),
      headers: { "content-type": "application/msgpack", model: "voice-design-1" },
    });
    assert.equal(res.status, 415);
    assert.match(
      (await errorBody(res)).message,
      /accepts JSON only; send Content-Type: application\/json/,
    );
  });

  it("a body without a Content-Type is sniffed: JSON by its '{', else msgpack", async () => {
    // fetch labels a string body text/plain; bytes go out without a type.
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const tts = await t.call("POST", "/v1/tts", { body: bytes({ text: "Hi." }) });
    assert.equal(tts.status, 200);
    await tts.arrayBuffer();
    const packed = await t.call("POST", "/v1/tts", { body: msgpack({ text: "Hi." }).body });
    assert.equal(packed.status, 200);
    await packed.arrayBuffer();
    const user = await t.call("POST", "/local/users", { body: bytes({ nickname: "x" }) });
    assert.equal(user.status, 201);
    await user.json();
  });

  it("an entry without a body ignores what the request declares", async () => {
    const res = await t.call("GET", "/model", {
      headers: { "content-type": "text/plain" },
    });
    assert.equal(res.status, 200);
    await res.json();
  });
});
