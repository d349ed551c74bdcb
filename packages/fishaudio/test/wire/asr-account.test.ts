import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FishAudio } from "fishaudio";
import { type Captured, captureServer } from "./capture-server.js";

function respond(req: Captured, res: import("node:http").ServerResponse) {
  const send = (body: unknown) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  if (req.path === "/v1/asr") {
    return send({
      text: "hello world",
      duration: 1.5,
      segments: [{ text: "hello world", start: 0, end: 1.5 }],
      language_code: "en",
    });
  }
  if (req.path === "/wallet/self/api-credit") {
    return send({
      _id: "c1",
      user_id: "u1",
      credit: req.query.get("as") === "number" ? 100.5 : "100.50",
      cumulative_top_up: "200",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-02T00:00:00Z",
      has_phone_sha256: true,
      has_free_credit: null,
    });
  }
  if (req.path === "/wallet/self/package") {
    return send({
      user_id: "u1",
      type: "basic",
      total: 1000,
      balance: 750,
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-02T00:00:00Z",
      finished_at: null,
      stripe_subscription_id: "x",
    });
  }
  res.writeHead(404).end();
}

describe("wire: asr and account", () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  let client: FishAudio;
  before(async () => {
    server = await captureServer(respond);
    client = new FishAudio({ apiKey: "KEY", baseUrl: server.url });
  });
  after(() => server.close());
  const last = () => server.requests.at(-1)!;

  it("transcribe() sends PY's msgpack body (section 12.7) and maps the result", async () => {
    const result = await client.asr.transcribe({ audio: new Uint8Array([1, 2]) });
    const req = last();
    assert.equal(req.method, "POST");
    assert.equal(req.headers["content-type"], "application/msgpack");
    assert.equal(req.headers.model, undefined);
    assert.equal(
      req.body.toString("hex"),
      "82a5617564696fc4020102b169676e6f72655f74696d657374616d7073c2",
    );
    assert.deepEqual(result, {
      text: "hello world",
      duration: 1.5,
      segments: [{ text: "hello world", start: 0, end: 1.5 }],
      languageCode: "en",
    });
  });

  it("transcribe() adds language last and inverts includeTimestamps", async () => {
    await client.asr.transcribe({
      audio: new Blob([new Uint8Array([1, 2])]),
      language: "en",
      includeTimestamps: false,
    });
    assert.equal(
      last().body.toString("hex"),
      "83a5617564696fc4020102b169676e6f72655f74696d657374616d7073c3a86c616e6775616765a2656e",
    );
  });

  it("getCredits() keeps credit a decimal string, from a string or a number", async () => {
    const credits = await client.account.getCredits();
    assert.equal(last().path, "/wallet/self/api-credit");
    assert.equal(last().rawQuery, "");
    assert.deepEqual(credits, {
      id: "c1",
      userId: "u1",
      credit: "100.50",
      cumulativeTopUp: "200",
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-02T00:00:00Z",
      hasPhoneSha256: true,
    });
    const numeric = await client.account.getCredits({ query: { as: "number" } });
    assert.equal(numeric.credit, "100.5");
  });

  it("getPackage() accepts a package without _id", async () => {
    const pkg = await client.account.getPackage();
    assert.equal(last().path, "/wallet/self/package");
    assert.deepEqual(pkg, {
      id: undefined,
      userId: "u1",
      type: "basic",
      total: 1000,
      balance: 750,
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-02T00:00:00Z",
    });
  });
});
