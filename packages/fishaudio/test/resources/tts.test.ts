import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "fishaudio";
import { clientWith } from "../helpers.js";

describe("tts resource", () => {
  it("posts msgpack to /v1/tts with the default model and an overridable one", async () => {
    const { client, calls } = clientWith(() => new Response(new Uint8Array([1])));
    await (await client.tts.convert({ text: "Hi" })).collect();
    await (await client.tts.convert({ text: "Hi", model: "s2-pro" })).collect();
    assert.equal(calls[0]?.url.pathname, "/v1/tts");
    assert.equal(calls[0]?.init.method, "POST");
    assert.equal(calls[0]?.headers.get("content-type"), "application/msgpack");
    // The live API's own default, not the Python SDK 1.3's "s2-pro".
    assert.equal(calls[0]?.headers.get("model"), "s2.1-pro");
    assert.equal(calls[1]?.headers.get("model"), "s2-pro");
  });

  it("validates text, model and options before sending", async () => {
    const { client, calls } = clientWith(() => new Response(new Uint8Array([1])));
    const cases: [string, Parameters<typeof client.tts.convert>[0]][] = [
      ["text", { text: "" }],
      ["text", { text: 5 as unknown as string }],
      ["model", { text: "x", model: "" }],
      ["config.chunkLength", { text: "x", config: { chunkLength: 1000 } }],
      ["speed", { text: "x", speed: 0.1 }],
    ];
    for (const [field, params] of cases) {
      await assert.rejects(
        client.tts.convert(params),
        (e: unknown) => e instanceof ValidationError && e.field === field,
      );
    }
    assert.equal(calls.length, 0);
  });

  it("checks streamWebsocket's websocket options when called", () => {
    const { client } = clientWith(() => new Response(null));
    const open = (websocket: unknown) =>
      client.tts.streamWebsocket(["Hi"], { websocket: websocket as never });
    assert.throws(() => open({ pingInterval: -1 }), /websocket.pingInterval: must be at least 0/);
    assert.throws(() => open({ pingTimeout: 0 }), /websocket.pingTimeout: must be at least 1/);
    assert.throws(
      () => open({ maxMessageSize: 0 }),
      /websocket.maxMessageSize: must be at least 1/,
    );
    assert.throws(
      () => open({ maxMessageSize: 1.5 }),
      /websocket.maxMessageSize: must be an integer/,
    );
    assert.throws(() => open("fast"), ValidationError);
    assert.doesNotThrow(() =>
      open({ pingInterval: 0, pingTimeout: 5_000, maxMessageSize: 65_536 }),
    );
  });
});
