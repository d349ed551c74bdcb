import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NotFoundError, ValidationError } from "fishaudio";
import { clientWith, json } from "../helpers.js";

describe("voices resource", () => {
  it("percent-encodes the voice id in the path", async () => {
    const { client, calls } = clientWith(() => json({ _id: "a/b" }));
    await client.voices.get("a/b");
    assert.equal(calls[0]?.url.pathname, "/model/a%2Fb");
  });

  it("maps a 404 to NotFoundError", async () => {
    const { client } = clientWith(() =>
      json({ status: 404, message: "not found" }, { status: 404 }),
    );
    await assert.rejects(client.voices.get("x"), NotFoundError);
  });

  it("rejects a bad pageSize or empty id without sending", async () => {
    const { client, calls } = clientWith(() => json({ total: 0, items: [] }));
    await assert.rejects(
      client.voices.list({ pageSize: 0 }),
      (e: unknown) => e instanceof ValidationError && e.field === "pageSize",
    );
    await assert.rejects(
      client.voices.delete(""),
      (e: unknown) => e instanceof ValidationError && e.field === "voiceId",
    );
    assert.equal(calls.length, 0);
  });

  it("stops iterating on a short page even when total says more", async () => {
    const { client, calls } = clientWith((call) =>
      json({
        total: 100,
        items:
          call.url.searchParams.get("page_number") === "1"
            ? [{ _id: "a" }, { _id: "b" }]
            : [{ _id: "c" }],
      }),
    );
    const ids: string[] = [];
    for await (const v of client.voices.list({ pageSize: 2 })) ids.push(v.id);
    assert.deepEqual(ids, ["a", "b", "c"]);
    assert.equal(calls.length, 2);
  });
});
