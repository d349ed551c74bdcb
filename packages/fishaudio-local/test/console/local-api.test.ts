import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { openLive } from "../helpers/live.js";
import { errorBody, json, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

describe("/local/ endpoints and the request log", () => {
  let t: TestServer;
  let bob: { userId: string; apiKey: string };
  before(async () => {
    t = await startTestServer({ requestLogSize: 50 });
    bob = t.server.createUser({ nickname: "bob" });
  });
  after(() => t.close());

  const requests = async (key?: string) => {
    const res = await t.call("GET", "/local/requests", key ? { key } : {});
    assert.equal(res.status, 200);
    return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
  };

  it("/local/me says who the key is, without the key", async () => {
    const me = (await (await t.call("GET", "/local/me")).json()) as Record<string, unknown>;
    assert.equal(me.user_id, t.server.userId);
    assert.equal(me.owner, true);
    const other = (await (await t.call("GET", "/local/me", { key: bob.apiKey })).json()) as Record<
      string,
      unknown
    >;
    assert.equal(other.owner, false);
    assert.ok(!JSON.stringify(other).includes(bob.apiKey));
  });

  it("logs an API request with key id, model header, status, sizes and credits, never the key", async () => {
    const res = await t.call("POST", "/v1/tts", {
      ...json({ text: "Logged words.", format: "wav" }),
      headers: { "content-type": "application/json", model: "s1" },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const id = res.headers.get("x-request-id")!;
    const entry = (await requests()).find((e) => e.id === id)!;
    assert.equal(entry.path, "/v1/tts");
    assert.equal(entry.model, "s1");
    assert.equal(entry.status, 200);
    assert.ok((entry.bytesIn as number) > 0);
    assert.ok((entry.bytesOut as number) > 1000);
    assert.equal(entry.creditMicro, 15 * Buffer.byteLength("Logged words."));
    assert.equal(entry.body, undefined, "the list leaves bodies to the detail");
    const detail = (await (await t.call("GET", `/local/requests/${id}`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal((detail.body as Record<string, unknown>).text, "Logged words.");
    assert.ok(!JSON.stringify(await requests()).includes(t.server.apiKey));
  });

  it("logs a realtime session as one WS entry with what it charged", async () => {
    const live = await openLive(t.server.url, bob.apiKey, { model: "live-model" });
    live.send({ event: "start", request: { text: "", format: "pcm" } });
    live.send({ event: "text", text: "Hello there. " });
    live.send({ event: "stop" });
    await live.done;
    // The server sees the close a moment after the client does.
    let entry: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !entry?.durationMs; i++) {
      entry = (await requests(bob.apiKey)).find((e) => e.path === "/v1/tts/live");
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(entry!.method, "WS");
    assert.equal(entry!.status, 101);
    assert.equal(entry!.model, "live-model");
    const charged = t.server
      .usage(bob.userId)
      .filter((u) => u.kind === "tts-live")
      .reduce((sum, u) => sum + u.costMicro, 0);
    assert.ok(charged > 0);
    assert.equal(entry!.creditMicro, charged);
  });

  it("keeps uploads as their size and a refund out of the credits", async () => {
    const form = new FormData();
    form.append("title", "Logged voice");
    form.append("voices", new Blob([wavFile(tone(180, 1, 16000))]), "a.wav");
    const res = await t.call("POST", "/model", { body: form });
    assert.equal(res.status, 201);
    const detail = (await (
      await t.call("GET", `/local/requests/${res.headers.get("x-request-id")}`)
    ).json()) as { body: { voices: { $binary: boolean; bytes: number; kind: string } } };
    const { clip, ...summary } = detail.body.voices as { clip?: string };
    assert.deepEqual(summary, { $binary: true, bytes: 32044, kind: "wav" });
    assert.ok(clip, "the upload is kept apart, to be played");
  });

  it("keeps a request's audio apart, for the key that sent it or the owner; 404 to any other key", async () => {
    const reference = wavFile(tone(150, 0.5, 16000));
    const res = await t.call("POST", "/v1/tts", {
      ...msgpack({
        text: "Cloned words.",
        format: "wav",
        references: [{ audio: reference, text: "ref" }],
      }),
    });
    assert.equal(res.status, 200);
    const answered = new Uint8Array(await res.arrayBuffer());
    const id = res.headers.get("x-request-id")!;
    type Clipped = { bytes: number; kind: string; clip: string };
    const detail = (await (await t.call("GET", `/local/requests/${id}`)).json()) as {
      body: { references: Array<{ audio: Clipped }> };
      responseAudio: Clipped;
    };
    const sent = detail.body.references[0]!.audio;
    assert.equal(sent.bytes, reference.length);
    assert.deepEqual(
      { bytes: detail.responseAudio.bytes, kind: detail.responseAudio.kind },
      { bytes: answered.length, kind: "wav" },
    );
    assert.ok(!JSON.stringify(detail).includes("RIFF"), "the log holds no audio bytes");
    const audio = (clip: string, key?: string) =>
      t.call("GET", `/local/requests/${id}/audio/${clip}`, key ? { key } : {});
    const upload = await audio(sent.clip);
    assert.equal(upload.status, 200);
    assert.equal(upload.headers.get("content-type"), "audio/wav");
    assert.deepEqual(new Uint8Array(await upload.arrayBuffer()), reference);
    const answer = await audio(detail.responseAudio.clip);
    assert.deepEqual(new Uint8Array(await answer.arrayBuffer()), answered);
    // Another user's key may not fetch it.
    for (const clip of [sent.clip, detail.responseAudio.clip]) {
      const refused = await audio(clip, bob.apiKey);
      assert.equal(refused.status, 404);
      assert.match((await errorBody(refused)).message, /only the key that sent the request/);
    }
    // The owner may hear what another user's key sent.
    const bobs = await t.call("POST", "/v1/tts", {
      ...json({ text: "Bob's words.", format: "wav" }),
      key: bob.apiKey,
    });
    const bobAnswer = new Uint8Array(await bobs.arrayBuffer());
    const bobId = bobs.headers.get("x-request-id")!;
    const bobDetail = (await (
      await t.call("GET", `/local/requests/${bobId}`, { key: bob.apiKey })
    ).json()) as { responseAudio: Clipped };
    assert.equal(bobDetail.responseAudio.kind, "wav");
    for (const key of [bob.apiKey, t.server.apiKey]) {
      const heard = await t.call(
        "GET",
        `/local/requests/${bobId}/audio/${bobDetail.responseAudio.clip}`,
        { key },
      );
      assert.equal(heard.headers.get("content-type"), "audio/wav");
      assert.deepEqual(new Uint8Array(await heard.arrayBuffer()), bobAnswer);
    }
    // Bob's other key sees the request (the same user) but not its audio (another key).
    const bobOtherKey = t.server.createApiKey(bob.userId);
    const seen = await t.call("GET", `/local/requests/${bobId}`, { key: bobOtherKey });
    assert.equal(seen.status, 200);
    const refused = await t.call(
      "GET",
      `/local/requests/${bobId}/audio/${bobDetail.responseAudio.clip}`,
      { key: bobOtherKey },
    );
    assert.equal(refused.status, 404);
    // A clip is reached only through its own request.
    const crossed = await t.call("GET", `/local/requests/${bobId}/audio/${sent.clip}`);
    assert.equal(crossed.status, 404);
  });

  it("keeps at most requestAudioBytes of audio, the oldest first out; a larger answer only as its size", async () => {
    const small = await startTestServer({ requestAudioBytes: 40_000 });
    try {
      const upload = async () => {
        const form = new FormData();
        form.append("audio", new Blob([wavFile(tone(180, 1, 16000))]), "a.wav");
        const res = await small.call("POST", "/v1/asr", { body: form });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
        const id = res.headers.get("x-request-id")!;
        const detail = (await (await small.call("GET", `/local/requests/${id}`)).json()) as {
          body: { audio: { clip: string } };
        };
        return `/local/requests/${id}/audio/${detail.body.audio.clip}`;
      };
      const first = await upload();
      assert.equal((await small.call("GET", first)).status, 200);
      const second = await upload();
      assert.equal((await small.call("GET", first)).status, 404, "evicted for the newer one");
      assert.equal((await small.call("GET", second)).status, 200);
      const long = await small.call("POST", "/v1/tts", {
        ...json({ text: "word ".repeat(60), format: "wav" }),
      });
      const bytes = (await long.arrayBuffer()).byteLength;
      assert.ok(bytes > 40_000);
      const detail = (await (
        await small.call("GET", `/local/requests/${long.headers.get("x-request-id")}`)
      ).json()) as { responseAudio: Record<string, unknown> };
      assert.deepEqual(detail.responseAudio, { $binary: true, bytes, kind: "wav" });
      assert.equal(
        (await small.call("GET", second)).status,
        200,
        "a capture given up frees its room",
      );
    } finally {
      await small.close();
    }
  });

  it("a non-owner sees only its own requests; someone else's detail is a 404", async () => {
    const mine = await t.call("GET", "/model?page_size=1", { key: bob.apiKey });
    assert.equal(mine.status, 200);
    const seen = await requests(bob.apiKey);
    assert.ok(seen.length >= 1);
    assert.ok(seen.every((e) => e.userId === bob.userId));
    const ownerRequest = (await requests()).find((e) => e.userId === t.server.userId)!;
    const res = await t.call("GET", `/local/requests/${ownerRequest.id}`, { key: bob.apiKey });
    assert.equal(res.status, 404);
  });

  it("leaves failed authentication to the owner, and the console's own traffic out", async () => {
    await t.call("GET", "/model", { key: "wrong-key" });
    const owner = await requests();
    const failed = owner.find((e) => e.status === 401)!;
    assert.equal(failed.keyId, null);
    assert.ok(!JSON.stringify(owner).includes("wrong-key"));
    assert.ok(!(await requests(bob.apiKey)).some((e) => e.status === 401));
    assert.ok(!owner.some((e) => String(e.path).startsWith("/local/")));
  });

  it("stays bounded", async () => {
    for (let i = 0; i < 60; i++) await (await t.call("GET", "/v1/health")).arrayBuffer();
    const all = await (await t.call("GET", "/local/requests?limit=1000")).json();
    assert.equal((all as { items: unknown[] }).items.length, 50);
  });

  it("lets the owner create users and keys and revoke keys; a non-owner gets 403", async () => {
    const created = await t.call("POST", "/local/users", {
      ...json({ nickname: "carol", credits: "5" }),
    });
    assert.equal(created.status, 201);
    const carol = (await created.json()) as Record<string, string>;
    assert.equal(carol.credit, "5.00");
    const asCarol = await t.call("GET", "/wallet/self/api-credit", { key: carol.api_key });
    assert.equal(asCarol.status, 200);

    const key = (await (
      await t.call("POST", `/local/users/${carol.user_id}/keys`, json({ label: "second" }))
    ).json()) as Record<string, string>;
    const users = (await (await t.call("GET", "/local/users")).json()) as {
      items: Array<{ user_id: string; keys: Array<{ key_id: string; label: string }> }>;
    };
    const listed = users.items.find((u) => u.user_id === carol.user_id)!;
    assert.deepEqual(
      listed.keys.map((k) => k.label),
      ["created in the console", "second"],
    );
    assert.ok(!JSON.stringify(users).includes(carol.api_key!));

    assert.equal((await t.call("DELETE", `/local/keys/${key.key_id}`)).status, 200);
    assert.equal(
      (await t.call("GET", "/wallet/self/api-credit", { key: key.api_key })).status,
      401,
    );
    assert.equal((await t.call("DELETE", `/local/keys/${key.key_id}`)).status, 404);

    for (const [method, path] of [
      ["GET", "/local/users"],
      ["POST", "/local/users"],
      ["DELETE", `/local/keys/${carol.key_id}`],
    ] as const) {
      const res = await t.call(method, path, { key: bob.apiKey });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.match((await errorBody(res)).message, /owner/);
    }
  });

  it("answers a bad credit amount with 422 and an unknown user with 404", async () => {
    const bad = await t.call("POST", "/local/users", json({ credits: "lots" }));
    assert.equal(bad.status, 422);
    assert.match((await errorBody(bad)).message, /credits/);
    const missing = await t.call("POST", "/local/users/nobody/keys", json({}));
    assert.equal(missing.status, 404);
  });

  it("/local/usage shows a non-owner its own ledger only", async () => {
    const res = await t.call("GET", `/local/usage?user_id=${t.server.userId}`, {
      key: bob.apiKey,
    });
    assert.equal(res.status, 403);
    const own = (await (await t.call("GET", "/local/usage", { key: bob.apiKey })).json()) as {
      items: Array<{ user_id: string }>;
    };
    assert.ok(own.items.every((u) => u.user_id === bob.userId));
    const all = (await (await t.call("GET", "/local/usage")).json()) as { items: unknown[] };
    assert.ok(all.items.length >= 1);
  });

  it("serves the page at / to browsers (with a strict CSP) and health JSON to everyone else", async () => {
    const page = await t.call("GET", "/", { key: null, headers: { accept: "text/html" } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /text\/html/);
    assert.match(page.headers.get("content-security-policy")!, /connect-src 'self'/);
    assert.match(await page.text(), /console\/app\.js/);
    const health = await t.call("GET", "/", { key: null });
    assert.deepEqual(await health.json(), { status: "ok" });
    const script = await t.call("GET", "/console/app.js", { key: null });
    assert.equal(script.status, 200);
    assert.match(script.headers.get("content-type")!, /javascript/);
    const style = await t.call("GET", "/console/app.css", { key: null });
    assert.equal(style.status, 200);
    assert.match(style.headers.get("content-type")!, /text\/css/);
    assert.match(style.headers.get("content-security-policy")!, /default-src 'none'/);
  });
});
