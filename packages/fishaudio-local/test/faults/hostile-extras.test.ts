/**
 * Issue 17 extras: a request whose headers never finish is a 408 (not "malformed", 400), and a
 * full disk is a 507 that says so (not a bare 500).
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { errorResponse } from "../../src/app.js";
import type { ServerContext } from "../../src/context.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("hostile extras", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ headersTimeoutMs: 500 });
  });
  after(() => t.close());

  it("headers that stop halfway: 408 with a message once headersTimeoutMs passes", async () => {
    const { hostname, port } = new URL(t.server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write("GET /model HTTP/1.1\r\nHost: x\r\nAuthori");
      });
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
      });
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
      setTimeout(() => socket.destroy(), 10_000);
    });
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /"status":408/);
    assert.match(answer, /did not arrive in time/);
  });

  for (const code of ["SQLITE_FULL", "ENOSPC"]) {
    it(`a ${code} error is a 507 that says the disk is full`, () => {
      const ctx = { log: () => {} } as unknown as ServerContext;
      const error = Object.assign(new Error("database or disk is full"), { code });
      const answer = errorResponse(ctx, error);
      assert.equal(answer.status, 507);
      assert.match(answer.message, /disk is full/);
    });
  }
});
