// withResponse / asResponse / requestId through the one request pipeline, with an injected fetch.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APIPromise, AudioStream, NotFoundError } from "fishaudio";
import { clientWith, json, manualStream } from "../helpers.js";

const credits = { _id: "c1", user_id: "u1", credit: "1.5", created_at: "t", updated_at: "t" };
const withId = (id: string) => ({ headers: { "x-request-id": id } });

/** A body that counts how often it is read, to prove nothing reads it twice. */
function countedJSON(body: unknown, id: string) {
  let reads = 0;
  const text = JSON.stringify(body);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      reads += 1;
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
  const response = new Response(stream, {
    headers: { "content-type": "application/json", "x-request-id": id },
  });
  return { response, reads: () => reads };
}

describe("APIPromise", () => {
  it("puts requestId on the result without changing its JSON", async () => {
    const { client } = clientWith(() => json(credits, withId("req-1")));
    const result = await client.account.getCredits();
    assert.equal(result.requestId, "req-1");
    assert.equal(JSON.stringify(result).includes("requestId"), false);
    assert.ok(client.account.getCredits() instanceof APIPromise);
  });

  it("withResponse() gives the data, the response and the request id; the body is read once", async () => {
    const counted = countedJSON(credits, "req-2");
    const { client } = clientWith(() => counted.response);
    const { data, response, requestId } = await client.account.getCredits().withResponse();
    assert.equal(data.credit, "1.5");
    assert.equal(data.requestId, "req-2");
    assert.equal(requestId, "req-2");
    assert.equal(response.status, 200);
    assert.equal(response.bodyUsed, true);
    assert.equal(counted.reads(), 1);
  });

  it("asResponse() hands over the response with its body unread", async () => {
    const { client } = clientWith(() => json(credits, withId("req-3")));
    const response = await client.account.getCredits().asResponse();
    assert.equal(response.bodyUsed, false);
    assert.equal(response.headers.get("x-request-id"), "req-3");
    assert.deepEqual(await response.json(), credits);
  });

  it("asResponse() after the body was parsed returns an unread copy instead of reading again", async () => {
    const { client } = clientWith(() => json(credits, withId("req-4")));
    const promise = client.account.getCredits();
    assert.equal((await promise).credit, "1.5");
    const response = await promise.asResponse();
    assert.equal(response.bodyUsed, false);
    assert.equal(response.headers.get("x-request-id"), "req-4");
    assert.deepEqual(await response.json(), credits);
  });

  it("asResponse() on audio leaves the stream to the caller, chunk by chunk", async () => {
    const body = manualStream();
    const { client } = clientWith(() => new Response(body.stream, withId("tts-1")));
    const pending = client.tts.convert({ text: "Hi" }).asResponse();
    const response = await pending;
    assert.equal(response.headers.get("x-request-id"), "tts-1");
    const reader = response.body!.getReader();
    body.push(1, 2);
    assert.deepEqual([...(await reader.read()).value!], [1, 2]);
    body.end();
    assert.equal((await reader.read()).done, true);
  });

  it("withResponse() on audio gives the AudioStream with requestId", async () => {
    const { client } = clientWith(() => new Response(new Uint8Array([7, 8]), withId("tts-2")));
    const { data, requestId } = await client.tts.convert({ text: "Hi" }).withResponse();
    assert.ok(data instanceof AudioStream);
    assert.equal(requestId, "tts-2");
    assert.equal(data.requestId, "tts-2");
    assert.deepEqual([...(await data.collect())], [7, 8]);
  });

  it("errors reject all three forms and carry the request id", async () => {
    const { client } = clientWith(() =>
      json({ status: 404, message: "no such voice" }, { status: 404, ...withId("req-404") }),
    );
    for (const call of [
      () => client.voices.get("x"),
      () => client.voices.get("x").withResponse(),
      () => client.voices.get("x").asResponse(),
    ]) {
      await assert.rejects(
        call(),
        (error: unknown) => error instanceof NotFoundError && error.requestId === "req-404",
      );
    }
  });

  it("validation errors reject the promise instead of throwing", async () => {
    const { client, calls } = clientWith(() => json({}));
    const promise = client.voices.get("");
    assert.ok(promise instanceof APIPromise);
    await assert.rejects(promise.withResponse(), /voiceId/);
    assert.equal(calls.length, 0);
  });

  it("void results still expose the response", async () => {
    const { client } = clientWith(() => new Response(null, { status: 200, ...withId("del-1") }));
    assert.equal(await client.voices.delete("v1"), undefined);
    const { requestId, response } = await client.voices.delete("v1").withResponse();
    assert.equal(requestId, "del-1");
    assert.equal(response.status, 200);
  });
});
