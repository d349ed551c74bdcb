/**
 * Issue 17 item 11: ownership was checked before the body was read and the update's row count
 * ignored, so a PATCH whose body arrived after a DELETE was acknowledged with 200 `{}`.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("PATCH /model/{id} racing DELETE", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("a PATCH whose body arrives after the voice was deleted is a 404", async () => {
    const form = new FormData();
    form.set("title", "short-lived");
    form.set("voices", new Blob([wavFile(tone(150, 0.5, 16000))]), "a.wav");
    const created = await t.call("POST", "/model", { body: form });
    assert.equal(created.status, 201);
    const { _id: id } = (await created.json()) as { _id: string };

    const { hostname, port } = new URL(t.server.url);
    const body = JSON.stringify({ title: "renamed" });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({
        host: hostname,
        port: Number(port),
        method: "PATCH",
        path: `/model/${id}`,
        headers: {
          authorization: `Bearer ${t.server.apiKey}`,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
        },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      // Half the body now; the rest after the DELETE below has been answered.
      req.write(body.slice(0, 5));
      req.flushHeaders();
      setTimeout(async () => {
        const deleted = await t.call("DELETE", `/model/${id}`);
        assert.equal(deleted.status, 200);
        req.end(body.slice(5));
      }, 200);
    });
    const patched = await answer;
    assert.equal(patched.status, 404, patched.text);
    assert.equal((await t.call("GET", `/model/${id}`)).status, 404);
  });
});
