// Browsers preflight every SDK call: the local server must allow every header the SDK sends.
// Firefox lists User-Agent in the preflight (Chromium drops it), which once broke every call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FishAudio } from "../../src/index.js";
import { type Integration, startIntegration } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration();
});
after(() => it_.server.close());

/** Header names a browser would have to get past a preflight (not CORS-safelisted). */
const SAFELISTED = new Set(["accept", "accept-language", "content-language"]);

describe("CORS against fishaudio-local", () => {
  it("allows every header the SDK sends, in the server's list and when asked as Firefox asks", async () => {
    const sent = new Set<string>();
    const client = new FishAudio({
      apiKey: it_.server.apiKey,
      baseUrl: it_.server.url,
      fetch: (input, init) => {
        for (const name of Object.keys(init.headers as Record<string, string>)) {
          sent.add(name.toLowerCase());
        }
        return fetch(input, init);
      },
    });
    const wav = await (await client.tts.convert({ text: "Hello.", format: "wav" })).collect();
    const voice = await client.voices.create({ title: "Cors", voices: [wav], texts: ["Hello."] });
    await client.voices.update(voice.id, { title: "Cors 2" });
    await client.voices.delete(voice.id);
    await client.asr.transcribe({ audio: wav });
    await client.account.getCredits();
    const needed = [...sent].filter((name) => !SAFELISTED.has(name)).sort();
    assert.ok(needed.includes("user-agent") && needed.includes("authorization"), String(needed));

    const preflight = async (requestHeaders?: string) => {
      const headers: Record<string, string> = {
        Origin: "http://127.0.0.1:1",
        "Access-Control-Request-Method": "POST",
      };
      if (requestHeaders) headers["Access-Control-Request-Headers"] = requestHeaders;
      const response = await fetch(`${it_.server.url}/v1/tts`, { method: "OPTIONS", headers });
      assert.equal(response.status, 204);
      return new Set(
        (response.headers.get("access-control-allow-headers") ?? "")
          .split(",")
          .map((name) => name.trim().toLowerCase()),
      );
    };
    const listed = await preflight();
    assert.deepEqual(
      needed.filter((name) => !listed.has(name)),
      [],
    );
    const asked = await preflight([...needed, "x-team"].join(","));
    assert.deepEqual(
      [...needed, "x-team"].filter((name) => !asked.has(name)),
      [],
    );
  });
});
