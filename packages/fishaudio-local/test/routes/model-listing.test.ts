/**
 * Issue 17 item 5: one user's voices must not slow everyone's listing. GET /model pages in the
 * database (a page costs the same statements and rows however many voices exist), and the free
 * text a voice carries (title, description, tags, sample texts) is bounded when it is written.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { errorBody, json, startTestServer, type TestServer } from "../helpers/server.js";

type Entity = { _id: string; title: string; tags: string[]; samples: unknown[] };
type Page = { total: number; items: Entity[]; has_more: boolean };

const WAV = Buffer.from(wavFile(tone(150, 0.3, 16000))).toString("base64");
const VOICES = 40;

/**
 * Counts the statements better-sqlite3 runs in this process (the test server is in-process) and
 * the rows they hand back to JavaScript, while `during` runs.
 */
async function countQueries(
  during: () => Promise<void>,
): Promise<{ statements: number; rows: number }> {
  const probe = new Database(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, unknown>;
  probe.close();
  const counts = { statements: 0, rows: 0 };
  const originals = new Map<string, unknown>();
  for (const name of ["all", "get", "run", "iterate"]) {
    const original = proto[name] as (...args: unknown[]) => unknown;
    originals.set(name, original);
    proto[name] = function (this: unknown, ...args: unknown[]) {
      counts.statements++;
      const result = original.apply(this, args);
      if (name === "all") counts.rows += (result as unknown[]).length;
      else if (name === "get" && result !== undefined) counts.rows++;
      return result;
    };
  }
  try {
    await during();
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
  return counts;
}

describe("GET /model with many voices", () => {
  let t: TestServer;
  let other: { userId: string; apiKey: string };
  before(async () => {
    t = await startTestServer({ rateLimit: false });
    other = t.server.createUser({ nickname: "prolific" });
    const tags = Array.from({ length: 20 }, (_, i) => `tag${i}`.padEnd(50, "x"));
    for (let i = 0; i < VOICES; i++) {
      const res = await t.call("POST", "/model", {
        ...json({ title: `Voice ${i}`, voices: [WAV, WAV], texts: ["a", "b"], tags }),
        key: other.apiKey,
      });
      assert.equal(res.status, 201, await res.clone().text());
    }
  });
  after(() => t.close());

  it("page_size=1 runs a fixed number of statements and reads only the page's rows", async () => {
    let page: Page | undefined;
    const counts = await countQueries(async () => {
      const res = await t.call("GET", "/model?page_size=1&sort_by=created_at");
      assert.equal(res.status, 200);
      page = (await res.json()) as Page;
    });
    assert.equal(page!.items.length, 1);
    assert.ok(page!.total >= VOICES, `total ${page!.total}`);
    // Authentication (key lookup, user) plus the count and the page: not one per voice.
    assert.ok(counts.statements <= 4, `${counts.statements} statements for one page`);
    assert.ok(counts.rows <= 4, `${counts.rows} rows read for one page`);
  });

  it("pages of 7 put together are the whole listing, for every sort and with filters", async () => {
    for (const query of [
      "sort_by=score",
      "sort_by=created_at",
      "sort_by=task_count",
      "tag=tag3xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "title=voice+1",
    ]) {
      const all = (await (await t.call("GET", `/model?page_size=100&${query}`)).json()) as Page;
      const ids: string[] = [];
      for (let n = 1; ; n++) {
        const page = (await (
          await t.call("GET", `/model?page_size=7&page_number=${n}&${query}`)
        ).json()) as Page;
        assert.equal(page.total, all.total, query);
        ids.push(...page.items.map((v) => v._id));
        if (!page.has_more) break;
      }
      assert.deepEqual(
        ids,
        all.items.map((v) => v._id),
        query,
      );
      assert.equal(ids.length, all.total, query);
    }
  });

  it("a page's voices keep their samples, in order", async () => {
    const page = (await (
      await t.call("GET", `/model?page_size=3&author_id=${other.userId}`)
    ).json()) as { items: Array<{ samples: Array<{ text: string }> }> };
    assert.equal(page.items.length, 3);
    for (const v of page.items)
      assert.deepEqual(
        v.samples.map((s) => s.text),
        ["a", "b"],
      );
  });
});

describe("free text per voice is bounded when written", () => {
  let t: TestServer;
  let id: string;
  before(async () => {
    t = await startTestServer({ rateLimit: false });
    const res = await t.call("POST", "/model", json({ title: "Bounded", voices: WAV }));
    assert.equal(res.status, 201);
    id = ((await res.json()) as Entity)._id;
  });
  after(() => t.close());

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["21 tags", { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /at most 20 tags/],
    [
      "21 comma-joined tags",
      { tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(",") },
      /at most 20 tags/,
    ],
    ["2 M comma-joined tags", { tags: ",a".repeat(1_000_000) }, /at most 20 tags/],
    ["a 51-character tag", { tags: ["x".repeat(51)] }, /at most 50 characters/],
    ["a 201-character title", { title: "t".repeat(201) }, /'title'.*at most 200 characters/],
    [
      "a 2001-character description",
      { description: "d".repeat(2001) },
      /'description'.*at most 2000 characters/,
    ],
  ];
  for (const [name, fields, message] of cases) {
    it(`POST /model with ${name}: 422 naming the bound`, async () => {
      const res = await t.call(
        "POST",
        "/model",
        json({ title: "Too much", voices: WAV, ...fields }),
      );
      assert.equal(res.status, 422);
      assert.match((await errorBody(res)).message, message);
    });
    it(`PATCH /model/{id} with ${name}: 422 naming the bound`, async () => {
      const res = await t.call("PATCH", `/model/${id}`, json(fields));
      assert.equal(res.status, 422);
      assert.match((await errorBody(res)).message, message);
    });
  }

  it("POST /model with a 5001-character sample text: 422 naming the bound", async () => {
    const res = await t.call(
      "POST",
      "/model",
      json({ title: "Long", voices: WAV, texts: "w".repeat(5001) }),
    );
    assert.equal(res.status, 422);
    assert.match((await errorBody(res)).message, /'texts\[0\]'.*at most 5000 characters/);
  });

  it("values at the bounds are kept", async () => {
    const tags = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(50, "é"));
    const res = await t.call(
      "POST",
      "/model",
      json({
        title: "T".repeat(200),
        description: "D".repeat(2000),
        voices: WAV,
        texts: "w".repeat(5000),
        tags,
      }),
    );
    assert.equal(res.status, 201);
    const entity = (await res.json()) as Entity;
    assert.deepEqual(entity.tags, tags);
  });
});
