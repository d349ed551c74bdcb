import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { errorBody, json, msgpack, startTestServer, type TestServer } from "../helpers/server.js";

type Entity = Record<string, unknown> & { _id: string; samples: Array<Record<string, string>> };

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const HIGH = wavFile(tone(210, 0.5, 16000));
const LOW = wavFile(tone(95, 0.5, 16000));

/** The Python SDK's multipart create (protocol 12.8): repeated texts/tags, files named "upload". */
function pyForm(title: string, extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append("title", title);
  form.append("visibility", "private");
  form.append("type", "tts");
  form.append("train_mode", "fast");
  form.append("texts", "one");
  form.append("texts", "two");
  form.append("tags", "x");
  form.append("tags", "y");
  form.append("enhance_audio_quality", "true");
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  form.append("voices", new Blob([HIGH], { type: "application/octet-stream" }), "upload");
  form.append("voices", new Blob([HIGH], { type: "application/octet-stream" }), "upload");
  return form;
}

/** Every field the Python SDK's Voice model requires, with the types it checks. */
function assertEntityShape(entity: Entity): void {
  for (const key of [
    "_id",
    "type",
    "title",
    "description",
    "cover_image",
    "train_mode",
    "state",
    "visibility",
  ]) {
    assert.equal(typeof entity[key], "string", key);
  }
  for (const key of ["tags", "samples", "languages"]) assert.ok(Array.isArray(entity[key]), key);
  for (const key of ["like_count", "mark_count", "shared_count", "task_count"]) {
    assert.equal(typeof entity[key], "number", key);
  }
  for (const key of ["lock_visibility", "liked", "marked"])
    assert.equal(typeof entity[key], "boolean", key);
  assert.equal(entity.train_mode, "fast");
  assert.equal(entity.type, "tts");
  assert.match(entity.created_at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.match(entity.updated_at as string, /Z$/);
  const author = entity.author as Record<string, unknown>;
  assert.equal(typeof author._id, "string");
  assert.equal(typeof author.nickname, "string");
  assert.equal(typeof author.avatar, "string");
}

describe("/model", () => {
  let t: TestServer;
  let other: { userId: string; apiKey: string };
  before(async () => {
    t = await startTestServer();
    other = t.server.createUser({ nickname: "other" });
  });
  after(() => t.close());

  it("lists every engine voice as a public voice in the PY-valid shape", async () => {
    const res = await t.call("GET", "/model?page_size=100");
    assert.equal(res.status, 200);
    const body = (await res.json()) as { total: number; items: Entity[] };
    const ids = body.items.map((v) => v._id);
    for (const v of t.engines.voices()) assert.ok(ids.includes(v.id), v.id);
    for (const item of body.items) assertEntityShape(item);
    assert.equal(body.items[0]!.visibility, "public");
  });

  it("creates from a Python-style multipart form: 201, texts and tags kept, voice matched by pitch", async () => {
    const res = await t.call("POST", "/model", { body: pyForm("Mine") });
    assert.equal(res.status, 201);
    const entity = (await res.json()) as Entity;
    assertEntityShape(entity);
    assert.equal(entity.title, "Mine");
    assert.equal(entity.visibility, "private");
    assert.deepEqual(entity.tags, ["x", "y"]);
    assert.deepEqual(
      entity.samples.map((s) => s.text),
      ["one", "two"],
    );
    assert.equal(entity.state, "trained");
    // Speaking with it uses the engine voice closest to the samples' 210 Hz, at that pitch.
    const tts = await t.call(
      "POST",
      "/v1/tts",
      msgpack({ text: "Hi", reference_id: entity._id, format: "pcm" }),
    );
    assert.equal(tts.status, 200);
    await tts.arrayBuffer();
    const voice = t.engines.calls.at(-1)!.options.voice;
    assert.equal(voice.engineVoiceId, "fake-high");
    assert.ok(Math.abs(voice.pitchHz! - 210) < 5, String(voice.pitchHz));
    // The sample audio is served back at the URL in the entity.
    const sample = await t.call("GET", new URL(entity.samples[0]!.audio!).pathname);
    assert.equal(sample.status, 200);
    assert.deepEqual(new Uint8Array(await sample.arrayBuffer()), HIGH);
  });

  it("creates from Go/TS-style comma-joined texts and tags, transcribing when texts are missing", async () => {
    const form = new FormData();
    form.append("type", "tts");
    form.append("title", "Joined");
    form.append("train_mode", "fast");
    form.append("voices", new Blob([LOW]), "voice_0.wav");
    form.append("voices", new Blob([LOW]), "voice_1.wav");
    form.append("tags", "a,b");
    form.append("texts", "first,second");
    let res = await t.call("POST", "/model", { body: form });
    assert.equal(res.status, 201);
    let entity = (await res.json()) as Entity;
    assert.deepEqual(entity.tags, ["a", "b"]);
    assert.deepEqual(
      entity.samples.map((s) => s.text),
      ["first", "second"],
    );
    assert.equal(entity.visibility, "public");

    const bare = new FormData();
    bare.append("title", "Untranscribed");
    bare.append("visibility", "unlist");
    bare.append("voices", new Blob([LOW]), "blob");
    bare.append("cover_image", new Blob([PNG]), "cover.png");
    res = await t.call("POST", "/model", { body: bare });
    entity = (await res.json()) as Entity;
    assert.equal(entity.samples[0]!.text, "fake transcript of 8000 samples");
    assert.match(entity.cover_image as string, /\/cover$/);
    const cover = await t.call("GET", new URL(entity.cover_image as string).pathname);
    assert.equal(cover.headers.get("content-type"), "image/png");
  });

  it("serves a cover at /model/{id}/cover, and 404 for a voice without one", async () => {
    const form = new FormData();
    form.append("title", "Covered");
    form.append("voices", new Blob([LOW]), "blob");
    form.append("cover_image", new Blob([PNG]), "cover.png");
    const covered = (await (await t.call("POST", "/model", { body: form })).json()) as Entity;
    let res = await t.call("GET", `/model/${covered._id}/cover`);
    assert.equal(res.status, 200);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), PNG);
    const bare = (await (
      await t.call("POST", "/model", { body: pyForm("Bare") })
    ).json()) as Entity;
    res = await t.call("GET", `/model/${bare._id}/cover`);
    assert.equal(res.status, 404);
    assert.match((await errorBody(res)).message, /no cover image/);
  });

  it("creates from msgpack and from JSON with base64 audio", async () => {
    let res = await t.call(
      "POST",
      "/model",
      msgpack({ title: "Packed", voices: [HIGH], visibility: "private" }),
    );
    assert.equal(res.status, 201);
    res = await t.call(
      "POST",
      "/model",
      json({
        title: "Jason",
        voices: Buffer.from(HIGH).toString("base64"),
        texts: "hello",
        tags: "solo",
      }),
    );
    assert.equal(res.status, 201);
    const entity = (await res.json()) as Entity;
    assert.deepEqual(entity.tags, ["solo"]);
    assert.equal(entity.samples[0]!.text, "hello");
  });

  it("gets, updates (urlencoded, multipart, empty) and deletes its own voice", async () => {
    const created = (await (
      await t.call("POST", "/model", { body: pyForm("Editable") })
    ).json()) as Entity;
    let res = await t.call("PATCH", `/model/${created._id}`, {
      body: "title=Renamed&visibility=unlist&tags=p&tags=q&description=new+words",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    let entity = (await (await t.call("GET", `/model/${created._id}`)).json()) as Entity;
    assert.equal(entity.title, "Renamed");
    assert.equal(entity.visibility, "unlist");
    assert.equal(entity.description, "new words");
    assert.deepEqual(entity.tags, ["p", "q"]);

    const form = new FormData();
    form.append("tags", "m,n");
    res = await t.call("PATCH", `/model/${created._id}`, { body: form });
    assert.equal(res.status, 200);
    entity = (await (await t.call("GET", `/model/${created._id}`)).json()) as Entity;
    assert.deepEqual(entity.tags, ["m", "n"]);

    res = await t.call("PATCH", `/model/${created._id}`);
    assert.equal(res.status, 200);

    res = await t.call(
      "PATCH",
      `/model/${created._id}`,
      msgpack({ title: "Packed", description: null }),
    );
    assert.equal(res.status, 200);
    res = await t.call(
      "PATCH",
      `/model/${created._id}`,
      json({ tags: ["j1", "j2"], visibility: "private" }),
    );
    assert.equal(res.status, 200);
    entity = (await (await t.call("GET", `/model/${created._id}`)).json()) as Entity;
    assert.equal(entity.title, "Packed");
    assert.equal(entity.description, "new words");
    assert.deepEqual(entity.tags, ["j1", "j2"]);
    assert.equal(entity.visibility, "private");

    res = await t.call("DELETE", `/model/${created._id}`);
    assert.equal(res.status, 200);
    res = await t.call("GET", `/model/${created._id}`);
    assert.equal(res.status, 404);
    await errorBody(res);
  });

  it("filters and pages the list", async () => {
    const mine = (await (await t.call("GET", "/model?self=true&page_size=100")).json()) as {
      total: number;
      items: Entity[];
    };
    assert.ok(mine.items.length > 0);
    assert.ok(mine.items.every((v) => (v.author as { _id: string })._id === t.server.userId));
    const byTitle = (await (await t.call("GET", "/model?title=fake+high")).json()) as {
      items: Entity[];
    };
    assert.deepEqual(
      byTitle.items.map((v) => v._id),
      ["fake-high"],
    );
    const byLanguage = (await (await t.call("GET", "/model?language=de&page_size=100")).json()) as {
      items: Entity[];
    };
    assert.ok(byLanguage.items.some((v) => v._id === "fake-de"));
    assert.ok(byLanguage.items.every((v) => (v.languages as string[]).includes("de")));
    const byTags = (await (await t.call("GET", "/model?tag=x&tag=a&self=true")).json()) as {
      items: Entity[];
    };
    assert.ok(byTags.items.length >= 2);
    assert.ok(
      byTags.items.every((v) => (v.tags as string[]).some((tag) => tag === "x" || tag === "a")),
    );
    const page1 = (await (
      await t.call("GET", "/model?page_size=2&page_number=1&sort_by=created_at")
    ).json()) as {
      total: number;
      items: Entity[];
    };
    const page2 = (await (
      await t.call("GET", "/model?page_size=2&page_number=2&sort_by=created_at")
    ).json()) as {
      total: number;
      items: Entity[];
    };
    assert.equal(page1.items.length, 2);
    assert.equal(page1.total, page2.total);
    assert.notEqual(page1.items[0]!._id, page2.items[0]!._id);
    assert.ok((page1.items[0]!.created_at as string) >= (page2.items[0]!.created_at as string));
    const byAuthor = (await (
      await t.call("GET", `/model?author_id=${t.server.userId}&page_size=100`)
    ).json()) as {
      items: Entity[];
    };
    assert.ok(byAuthor.items.length > 0);
    assert.ok(byAuthor.items.every((v) => (v.author as { _id: string })._id === t.server.userId));
  });

  describe("isolation between users", () => {
    it("another user's private voice is a 404 everywhere, and never listed", async () => {
      const secret = (await (
        await t.call("POST", "/model", { body: pyForm("Secret") })
      ).json()) as Entity;
      const as = { key: other.apiKey };
      for (const [method, path] of [
        ["GET", `/model/${secret._id}`],
        ["PATCH", `/model/${secret._id}`],
        ["DELETE", `/model/${secret._id}`],
        ["GET", `/model/${secret._id}/samples/0`],
      ] as const) {
        const res = await t.call(method, path, as);
        assert.equal(res.status, 404, `${method} ${path}`);
        await errorBody(res);
      }
      const tts = await t.call("POST", "/v1/tts", {
        ...msgpack({ text: "hi", reference_id: secret._id }),
        ...as,
      });
      assert.equal(tts.status, 404);
      const list = (await (await t.call("GET", "/model?page_size=100", as)).json()) as {
        items: Entity[];
      };
      assert.ok(!list.items.some((v) => v._id === secret._id));
      const filtered = (await (
        await t.call("GET", `/model?author_id=${t.server.userId}&page_size=100`, as)
      ).json()) as { items: Entity[] };
      assert.ok(filtered.items.every((v) => v.visibility === "public"));
      // Still there for its owner.
      assert.equal((await t.call("GET", `/model/${secret._id}`)).status, 200);
    });

    it("another user's public voice can be read and used but not changed (403)", async () => {
      const form = pyForm("Shared");
      form.set("visibility", "public");
      const shared = (await (await t.call("POST", "/model", { body: form })).json()) as Entity;
      const as = { key: other.apiKey };
      assert.equal((await t.call("GET", `/model/${shared._id}`, as)).status, 200);
      const tts = await t.call("POST", "/v1/tts", {
        ...msgpack({ text: "hi", reference_id: shared._id }),
        ...as,
      });
      assert.equal(tts.status, 200);
      await tts.arrayBuffer();
      const res = await t.call("DELETE", `/model/${shared._id}`, as);
      assert.equal(res.status, 403);
      await errorBody(res);
      const list = (await (await t.call("GET", "/model?page_size=100", as)).json()) as {
        items: Entity[];
      };
      assert.ok(list.items.some((v) => v._id === shared._id));
    });

    it("engine voices cannot be changed (403)", async () => {
      const res = await t.call("DELETE", "/model/fake-low");
      assert.equal(res.status, 403);
      await errorBody(res);
    });
  });

  describe("rejects", () => {
    const cases: Array<
      [
        string,
        () => { body: FormData | string | Uint8Array; headers?: Record<string, string> },
        number,
        RegExp,
      ]
    > = [
      [
        "a missing title",
        () => {
          const f = pyForm("x");
          f.delete("title");
          return { body: f };
        },
        422,
        /'title'/,
      ],
      [
        "no voices",
        () => {
          const f = new FormData();
          f.append("title", "x");
          return { body: f };
        },
        422,
        /'voices'/,
      ],
      [
        "voices that are not audio",
        () => {
          const f = new FormData();
          f.append("title", "x");
          f.append("voices", new Blob([new Uint8Array([1, 2, 3, 4, 5, 6])]), "upload");
          return { body: f };
        },
        400,
        /not a recognised audio/,
      ],
      [
        "a bad visibility",
        () => {
          const f = pyForm("x");
          f.set("visibility", "secret");
          return { body: f };
        },
        422,
        /'visibility'/,
      ],
      [
        "train_mode full",
        () => {
          const f = pyForm("x");
          f.set("train_mode", "full");
          return { body: f };
        },
        422,
        /'train_mode'/,
      ],
      [
        "more texts than voices",
        () => {
          const f = pyForm("x");
          f.append("texts", "three");
          return { body: f };
        },
        422,
        /'texts'/,
      ],
      [
        "a cover that is not an image",
        () => {
          const f = pyForm("x");
          f.append("cover_image", new Blob([HIGH]), "upload");
          return { body: f };
        },
        400,
        /cover_image/,
      ],
      [
        "voices as urlencoded text",
        () => ({
          body: "title=x&voices=abc",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }),
        422,
        /file/,
      ],
      [
        "a title that is a number (msgpack)",
        () => msgpack({ title: 5, voices: [HIGH] }),
        422,
        /'title'/,
      ],
      [
        "a text/plain body",
        () => ({ body: "hello", headers: { "content-type": "text/plain" } }),
        415,
        /Content-Type/,
      ],
    ];
    for (const [name, make, status, message] of cases) {
      it(name, async () => {
        const res = await t.call("POST", "/model", make());
        assert.equal(res.status, status);
        assert.match((await errorBody(res)).message, message);
      });
    }

    it("bad list parameters with 422", async () => {
      for (const query of [
        "page_size=0",
        "page_size=101",
        "page_number=0",
        "page_size=abc",
        "sort_by=rank",
        "self=maybe",
      ]) {
        const res = await t.call("GET", `/model?${query}`);
        assert.equal(res.status, 422, query);
        await errorBody(res);
      }
    });

    it("an unknown voice id with 404 (GET, PATCH, DELETE)", async () => {
      for (const method of ["GET", "PATCH", "DELETE"]) {
        const res = await t.call(method, "/model/does-not-exist");
        assert.equal(res.status, 404, method);
        await errorBody(res);
      }
    });

    it("an update with a bad visibility or an empty title with 422", async () => {
      const created = (await (
        await t.call("POST", "/model", { body: pyForm("Patchable") })
      ).json()) as Entity;
      for (const body of ["visibility=everyone", "title="]) {
        const res = await t.call("PATCH", `/model/${created._id}`, {
          body,
          headers: { "content-type": "application/x-www-form-urlencoded" },
        });
        assert.equal(res.status, 422, body);
        await errorBody(res);
      }
    });
  });
});
