/**
 * The one TTS data path (src/tts/pipeline.ts) seen from every HTTP endpoint that runs it: each
 * charges the same price for the same text, and each refunds it (and writes no ledger line) when
 * the engine or the encoder fails before the first audio, answering with an error status
 * instead of a dropped connection. Fake engines: `ENGINE-DOWN` and `ENCODER-FAIL` in the text
 * make them fail (helpers/fake-engines.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encode } from "@msgpack/msgpack";
import { startTestServer, type TestServer } from "../helpers/server.js";

interface Endpoint {
  name: string;
  request(text: string, key: string): { path: string; init: RequestInit };
}

const native = (path: string): Endpoint => ({
  name: path,
  request: (text, key) => ({
    path,
    init: {
      headers: { authorization: `Bearer ${key}`, "content-type": "application/msgpack" },
      body: encode({ text, format: "wav" }),
    },
  }),
});

const elevenLabs = (variant: string): Endpoint => ({
  name: `ElevenLabs text-to-speech${variant}`,
  request: (text, key) => ({
    path: `/compat/elevenlabs/v1/text-to-speech/default${variant}?output_format=pcm_16000`,
    init: {
      headers: { "xi-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ text, model_id: "eleven_multilingual_v2" }),
    },
  }),
});

const ENDPOINTS: Endpoint[] = [
  native("/v1/tts"),
  native("/v1/tts/stream/with-timestamp"),
  {
    name: "OpenAI audio/speech",
    request: (text, key) => ({
      path: "/compat/v1/audio/speech",
      init: {
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "tts-1", input: text, voice: "", response_format: "wav" }),
      },
    }),
  },
  elevenLabs(""),
  elevenLabs("/stream"),
  elevenLabs("/with-timestamps"),
  elevenLabs("/stream/with-timestamps"),
];

describe("the TTS pipeline behind every HTTP endpoint", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  const send = async (endpoint: Endpoint, text: string) => {
    const { path, init } = endpoint.request(text, t.server.apiKey);
    const res = await fetch(`${t.server.url}${path}`, { method: "POST", ...init });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };

  it("charges the same for the same text on every endpoint", async () => {
    const costs = new Map<string, string>();
    for (const endpoint of ENDPOINTS) {
      const before = Number(t.server.getCredits(t.server.userId));
      const res = await send(endpoint, "Hello there, one sentence.");
      assert.equal(res.status, 200, `${endpoint.name}: ${res.body.toString().slice(0, 200)}`);
      assert.ok(res.body.length > 0, endpoint.name);
      costs.set(endpoint.name, (before - Number(t.server.getCredits(t.server.userId))).toFixed(6));
    }
    assert.equal(new Set(costs.values()).size, 1, JSON.stringify(Object.fromEntries(costs)));
    assert.ok(Number([...costs.values()][0]) > 0);
  });

  for (const failure of ["ENGINE-DOWN now.", "ENCODER-FAIL now."]) {
    it(`refunds on every endpoint when the first audio fails (${failure})`, async () => {
      for (const endpoint of ENDPOINTS) {
        const credits = t.server.getCredits(t.server.userId);
        const entries = t.server.usage().length;
        const res = await send(endpoint, failure);
        assert.ok(res.status >= 500, `${endpoint.name}: HTTP ${res.status}`);
        assert.ok(res.body.length > 0, `${endpoint.name}: an error body, not a dropped connection`);
        assert.equal(t.server.getCredits(t.server.userId), credits, `${endpoint.name}: refunded`);
        assert.equal(t.server.usage().length, entries, `${endpoint.name}: no ledger line`);
      }
    });
  }
});
