import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorBody, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

const MODEL = { model: "voice-design-1" };

describe("POST /v1/voice-design", () => {
  let t: TestServer;
  const design = (body: unknown, headers: Record<string, string> = MODEL) =>
    t.call("POST", "/v1/voice-design", {
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", ...headers },
    });
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("answers n candidates with base64 WAV, sample rate, duration, id, text and language", async () => {
    const res = await design({ instruction: "a deep male narrator", n: 3, seed: 7 });
    assert.equal(res.status, 200);
    const { candidates } = (await res.json()) as { candidates: Record<string, unknown>[] };
    assert.equal(candidates.length, 3);
    candidates.forEach((c, i) => {
      assert.equal(c.index, i);
      assert.equal(typeof c.id, "string");
      const wav = Buffer.from(c.audio_base64 as string, "base64");
      assert.equal(wav.subarray(0, 4).toString("latin1"), "RIFF");
      assert.equal(c.sample_rate, 44100);
      assert.ok((c.duration_ms as number) > 0);
      assert.match(c.text as string, /Hello!/);
      assert.equal(c.instruct, "a deep male narrator");
      assert.equal(c.language, "en");
    });
    assert.equal(new Set(candidates.map((c) => c.id)).size, 3);
    // The engines were asked for three different pitches, all of them male-low.
    const asked = t.engines.calls.slice(-3).map((c) => c.options.voice.pitchHz!);
    assert.equal(new Set(asked).size, 3);
    assert.ok(
      asked.every((hz) => hz < 150),
      asked.join(","),
    );
  });

  it("speaks reference_text, defaults n to 2, and the same seed gives the same candidates", async () => {
    const body = {
      instruction: "cheerful woman",
      reference_text: "Welcome to Fish Audio.",
      seed: 42,
    };
    const first = (await (await design(body)).json()) as {
      candidates: { id: string; audio_base64: string; text: string }[];
    };
    const again = (await (await design(body)).json()) as typeof first;
    assert.equal(first.candidates.length, 2);
    assert.equal(first.candidates[0]!.text, "Welcome to Fish Audio.");
    assert.deepEqual(again, first);
    const other = (await (await design({ ...body, seed: 43 })).json()) as typeof first;
    assert.notEqual(other.candidates[0]!.id, first.candidates[0]!.id);
  });

  it("honours the language hint, and names the supported ones for others", async () => {
    const res = await design({ instruction: "a calm voice", language: "de-DE", n: 1 });
    assert.equal(res.status, 200);
    const { candidates } = (await res.json()) as {
      candidates: { language: string; text: string }[];
    };
    assert.equal(candidates[0]!.language, "de");
    assert.match(candidates[0]!.text, /Hallo/);
    assert.equal(t.engines.calls.at(-1)!.options.voice.engineVoiceId, "fake-de");
    const bad = await design({ instruction: "a calm voice", language: "xx" });
    assert.equal(bad.status, 400);
    assert.match((await errorBody(bad)).message, /'xx'.*use one of en, de/);
  });

  it("charges 0.01 credits once per successful request, and nothing for rejected ones", async () => {
    t.server.setCredits(t.server.userId, 1);
    const ok = await design({ instruction: "narrator", n: 4 });
    assert.equal(ok.status, 200);
    await ok.json();
    assert.equal(t.server.getCredits(t.server.userId), "0.99");
    const usage = t.server.usage().at(-1)!;
    assert.deepEqual(
      [usage.kind, usage.model, usage.units, usage.costMicro],
      ["voice-design", "voice-design-1", 4, 10_000],
    );
    assert.equal((await design({ instruction: "" })).status, 422);
    assert.equal(t.server.getCredits(t.server.userId), "0.99");
    t.server.setCredits(t.server.userId, "0.005");
    const poor = await design({ instruction: "narrator" });
    assert.equal(poor.status, 402);
    assert.match((await errorBody(poor)).message, /credit/i);
    assert.equal(t.server.getCredits(t.server.userId), "0.005");
    t.server.setCredits(t.server.userId, 1000);
  });

  describe("rejects", () => {
    it("fields outside the schema, and out-of-bounds values, with 422 naming the field", async () => {
      const cases: [unknown, RegExp][] = [
        [{ instruction: "a", features: [] }, /Unknown field 'features'/],
        [{ instruction: "a", n: 5 }, /'n'/],
        [{ instruction: "a", speed: 0 }, /'speed'/],
        [{ instruction: "a", reference_text: "x".repeat(151) }, /'reference_text'/],
        [{ n: 1 }, /'instruction'/],
      ];
      for (const [body, pattern] of cases) {
        const res = await design(body);
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.match((await errorBody(res)).message, pattern);
      }
    });

    it("anything but JSON (415), a missing or wrong model header (400), other methods (405)", async () => {
      const packed = await t.call("POST", "/v1/voice-design", {
        ...msgpack({ instruction: "a" }),
        headers: { ...msgpack({}).headers, ...MODEL },
      });
      assert.equal(packed.status, 415);
      assert.match((await errorBody(packed)).message, /JSON only/);
      const missing = await design({ instruction: "a" }, {});
      assert.equal(missing.status, 400);
      assert.match((await errorBody(missing)).message, /model: voice-design-1/);
      const wrong = await design({ instruction: "a" }, { model: "s2-pro" });
      assert.equal(wrong.status, 400);
      assert.match((await errorBody(wrong)).message, /'s2-pro'/);
      const get = await t.call("GET", "/v1/voice-design");
      assert.equal(get.status, 405);
      await errorBody(get);
      const unauthenticated = await t.call("POST", "/v1/voice-design", { key: null });
      assert.equal(unauthenticated.status, 401);
    });

    it("a body that is not an object, or not JSON", async () => {
      assert.equal((await design([1, 2])).status, 400);
      const broken = await t.call("POST", "/v1/voice-design", {
        body: "{nope",
        headers: { "content-type": "application/json", ...MODEL },
      });
      assert.equal(broken.status, 400);
      await errorBody(broken);
    });
  });
});
