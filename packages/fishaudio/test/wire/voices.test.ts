import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FishAudio, type Voice } from "fishaudio";
import { type Captured, captureServer, describeParts } from "./capture-server.js";

function wireVoice(id: string, extra: Record<string, unknown> = {}) {
  return {
    _id: id,
    type: "tts",
    title: `Voice ${id}`,
    description: "",
    cover_image: "",
    train_mode: "fast",
    state: "trained",
    tags: ["calm"],
    samples: [{ title: "s", text: "hello", task_id: "t1", audio: "https://x/a.mp3" }],
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-02T00:00:00Z",
    languages: ["en"],
    visibility: "private",
    lock_visibility: false,
    like_count: 1,
    mark_count: 2,
    shared_count: 3,
    task_count: 4,
    liked: false,
    marked: true,
    author: { _id: "u1", nickname: "me", avatar: "" },
    ...extra,
  };
}

const TOTAL = 23;

function respond(req: Captured, res: import("node:http").ServerResponse) {
  const send = (status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  if (req.method === "GET" && req.path === "/model") {
    const size = Number(req.query.get("page_size"));
    const page = Number(req.query.get("page_number"));
    const start = (page - 1) * size;
    const count = Math.max(0, Math.min(size, TOTAL - start));
    const items = Array.from({ length: count }, (_, i) => wireVoice(`v${start + i}`));
    return send(200, { total: TOTAL, items, has_more: start + count < TOTAL });
  }
  if (req.method === "GET")
    return send(
      200,
      wireVoice(req.path.split("/").pop()!, { train_mode: "full", dmca_taken_down: false }),
    );
  if (req.method === "POST") return send(201, wireVoice("new"));
  if (req.method === "PATCH") return send(200);
  if (req.method === "DELETE") return send(204);
  send(404, { status: 404, message: "nope" });
}

describe("wire: voices", () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  let client: FishAudio;
  before(async () => {
    server = await captureServer(respond);
    client = new FishAudio({ apiKey: "KEY", baseUrl: server.url });
  });
  after(() => server.close());
  const last = () => server.requests.at(-1)!;

  it("list() sends PY's defaults and maps the page", async () => {
    const page = await client.voices.list();
    assert.equal(last().rawQuery, "page_size=10&page_number=1&self=false&sort_by=task_count");
    assert.equal(last().headers.authorization, "Bearer KEY");
    assert.equal(page.total, TOTAL);
    assert.equal(page.items.length, 10);
    const first = page.items[0] as Voice;
    assert.equal(first.id, "v0");
    assert.equal(first.coverImage, "");
    assert.deepEqual(first.samples, [
      { title: "s", text: "hello", taskId: "t1", audio: "https://x/a.mp3" },
    ]);
    assert.deepEqual(first.author, { id: "u1", nickname: "me", avatar: "" });
    assert.equal(first.taskCount, 4);
    assert.equal(first.marked, true);
  });

  it("list() serialises every filter as PY does (repeated keys, + for spaces)", async () => {
    await client.voices.list({
      pageSize: 20,
      pageNumber: 2,
      title: "My voice & co",
      tags: ["a", "b c"],
      selfOnly: true,
      authorId: "x",
      language: ["en", "zh"],
      titleLanguage: "en",
      sortBy: "created_at",
    });
    assert.equal(
      last().rawQuery,
      "page_size=20&page_number=2&title=My+voice+%26+co&tag=a&tag=b+c&self=true&author_id=x&language=en&language=zh&title_language=en&sort_by=created_at",
    );
  });

  it("iterating list() walks every page", async () => {
    const before = server.requests.length;
    const ids: string[] = [];
    for await (const voice of client.voices.list({ pageSize: 10 })) ids.push(voice.id);
    assert.equal(ids.length, TOTAL);
    assert.equal(new Set(ids).size, TOTAL);
    const pagesAsked = server.requests.slice(before).map((r) => r.query.get("page_number"));
    assert.deepEqual(pagesAsked, ["1", "2", "3"]);
  });

  it("get() tolerates train_mode full and extra fields", async () => {
    const voice = await client.voices.get("abc");
    assert.equal(last().path, "/model/abc");
    assert.equal(voice.id, "abc");
    assert.equal(voice.trainMode, "full");
  });

  it("create() sends PY's multipart parts in PY's order (section 12.8)", async () => {
    const voice = await client.voices.create({
      title: "My Voice",
      voices: [
        new TextEncoder().encode("AAA"),
        new TextEncoder().encode("BBB").buffer as ArrayBuffer,
      ],
      texts: ["one", "two"],
      tags: ["x", "y"],
      coverImage: new Blob(["IMG"]),
      description: "d",
    });
    assert.equal(voice.id, "new");
    const req = last();
    assert.equal(req.method, "POST");
    assert.equal(req.path, "/model");
    assert.match(req.headers["content-type"] ?? "", /^multipart\/form-data; boundary=/);
    assert.deepEqual(await describeParts(req), [
      "title=My Voice",
      "description=d",
      "visibility=private",
      "type=tts",
      "train_mode=fast",
      "texts=one",
      "texts=two",
      "tags=x",
      "tags=y",
      "enhance_audio_quality=true",
      "voices<upload,application/octet-stream,AAA>",
      "voices<upload,application/octet-stream,BBB>",
      "cover_image<upload,application/octet-stream,IMG>",
    ]);
  });

  it("create() with only the required fields sends the defaults and no empty lists", async () => {
    await client.voices.create({
      title: "T",
      voices: [
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("S"));
            c.close();
          },
        }),
      ],
      visibility: "unlist",
      enhanceAudioQuality: false,
    });
    assert.deepEqual(await describeParts(last()), [
      "title=T",
      "visibility=unlist",
      "type=tts",
      "train_mode=fast",
      "enhance_audio_quality=false",
      "voices<upload,application/octet-stream,S>",
    ]);
  });

  it("create() rejects missing samples before sending", async () => {
    const before = server.requests.length;
    await assert.rejects(
      client.voices.create({ title: "T", voices: [] }),
      /voices: needs at least one/,
    );
    await assert.rejects(
      client.voices.create({
        title: "T",
        voices: [new Uint8Array(1)],
        visibility: "hidden" as "private",
      }),
      /visibility: must be one of/,
    );
    assert.equal(server.requests.length, before);
  });

  it("update() is form-urlencoded without a cover image, as PY sends it", async () => {
    await client.voices.update("abc", { title: "New", visibility: "unlist", tags: ["a", "b"] });
    const req = last();
    assert.equal(req.method, "PATCH");
    assert.equal(req.path, "/model/abc");
    assert.equal(req.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(req.body.toString(), "title=New&visibility=unlist&tags=a&tags=b");
  });

  it("update() is multipart when a cover image is given", async () => {
    await client.voices.update("abc", {
      description: "d",
      coverImage: new Uint8Array([73, 77, 71]),
    });
    assert.deepEqual(await describeParts(last()), [
      "description=d",
      "cover_image<upload,application/octet-stream,IMG>",
    ]);
  });

  it("delete() sends DELETE and accepts 204", async () => {
    assert.equal(await client.voices.delete("abc"), undefined);
    assert.equal(last().method, "DELETE");
    assert.equal(last().path, "/model/abc");
    assert.equal(last().body.length, 0);
  });
});
