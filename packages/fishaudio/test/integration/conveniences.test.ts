// withResponse / asResponse / requestId / logging / withOptions / apiKey functions against the
// real local server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AuthenticationError, FishAudio } from "../../src/index.js";
import { type Integration, startIntegration } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration();
});
after(() => it_.server.close());

describe("conveniences against fishaudio-local", () => {
  it("every result and error carries the server's request id", async () => {
    const { data, response, requestId } = await it_.client.voices.get("flite-rms").withResponse();
    assert.match(requestId ?? "", /^[0-9a-f]{16}$/);
    assert.equal(response.headers.get("x-request-id"), requestId);
    assert.equal(data.requestId, requestId);
    assert.equal(data.id, "flite-rms");
    const credits = await it_.client.account.getCredits();
    assert.ok(credits.requestId && credits.requestId !== requestId);
    const page = await it_.client.voices.list({ pageSize: 2 });
    assert.ok(page.requestId);
    await assert.rejects(
      it_.clientFor("wrong-key").account.getCredits(),
      (error: unknown) => error instanceof AuthenticationError && Boolean(error.requestId),
    );
  });

  it("asResponse() gives the audio response to read by hand", async () => {
    const response = await it_.client.tts
      .convert({ text: "Hello there.", format: "wav" })
      .asResponse();
    assert.equal(response.status, 200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), "RIFF");
    assert.ok(bytes.byteLength > 1000);
  });

  it("logs each request without the key; withOptions and a key function reach the server", async () => {
    const lines: string[] = [];
    const log = (message: string) => lines.push(message);
    const client = new FishAudio({
      apiKey: async () => it_.server.apiKey,
      baseUrl: it_.server.url,
      logLevel: "debug",
      logger: { debug: log, info: log, warn: log, error: log },
    });
    const audio = await client.tts.convert({ text: "Hi.", format: "wav" });
    assert.ok((await audio.collect()).byteLength > 0);
    const quiet = client.withOptions({ logLevel: "off" });
    await quiet.account.getPackage();
    assert.ok(
      lines.some((l) =>
        /^fishaudio: POST \/v1\/tts 200 in \d+ ms \(attempt 1 of 3, request id [0-9a-f]+\)$/.test(
          l,
        ),
      ),
    );
    assert.equal(
      lines.some((l) => l.includes("/wallet/self/package")),
      false,
    );
    assert.equal(lines.join("\n").includes(it_.server.apiKey), false);
  });
});
