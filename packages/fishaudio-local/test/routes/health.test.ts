import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorBody, startTestServer, type TestServer } from "../helpers/server.js";

describe("health (GET / and GET /v1/health)", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("answers {status: ok} without a key, and HEAD without a body", async () => {
    const answers = [
      await t.call("GET", "/", { key: null }),
      await t.call("GET", "/v1/health", { key: null }),
    ];
    for (const res of answers) {
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok" });
    }
    const head = await t.call("HEAD", "/v1/health", { key: null });
    assert.equal(head.status, 200);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it("refuses other methods with 405 and Allow, still without a key", async () => {
    const res = await t.call("POST", "/v1/health", { key: null });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET");
    await errorBody(res);
  });
});
