import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { crc32, deflateSync } from "node:zlib";
import { type LocalServer, startServer } from "fishaudio-local";
import { fixture } from "../../fixtures/fixtures.js";
import { ensureBuilt, finished, hasStack, runCli, startCli } from "../run-cli.js";

const JFK = fixture("jfk.wav");
// Giving the transcript spares the server a speech-to-text pass over the sample.
const SAID = "And so, my fellow Americans, ask not what your country can do for you";
let server: LocalServer;
let dir: string;
let env: Record<string, string>;

before(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "fishaudio-cli-voices-"));
  server = await startServer({ host: "127.0.0.1", port: 0, dataDir: join(dir, "data") });
  env = { FISH_BASE_URL: server.url, FISH_API_KEY: server.apiKey };
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A valid 1x1 PNG. */
function onePixelPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function ok(args: string[]) {
  const run = await runCli(args, { env });
  assert.equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
  return run;
}

describe("fishaudio voices", () => {
  it("creates, shows, lists, updates and deletes a voice", async () => {
    const created = await ok([
      "voices",
      "create",
      "--title",
      "Kennedy",
      "--sample",
      JFK,
      "--text",
      SAID,
      "--tag",
      "speech",
      "--tag",
      "english",
      "--description",
      "From the inaugural address",
    ]);
    const id = created.out.trim();
    assert.match(id, /^\S+$/, "only the new id on stdout");

    const shown = JSON.parse((await ok(["voices", "get", id, "--json"])).out);
    assert.equal(shown.id, id);
    assert.equal(shown.title, "Kennedy");
    assert.equal(shown.description, "From the inaugural address");
    assert.equal(shown.visibility, "private");
    assert.deepEqual([...shown.tags].sort(), ["english", "speech"]);

    const human = (await ok(["voices", "get", id])).out;
    assert.match(human, new RegExp(`^ID:\\s+${id}$`, "m"));
    assert.match(human, /^Title:\s+Kennedy$/m);

    const mine = JSON.parse((await ok(["voices", "list", "--self", "--json"])).out);
    assert.equal(mine.total, 1);
    assert.equal(mine.items[0].id, id);
    const table = (await ok(["voices", "list", "--self"])).out.split("\n");
    assert.match(table[0]!, /^ID\s+TITLE\s+STATE\s+VISIBILITY\s+LANGUAGES\s+TAGS$/);
    assert.ok(table[1]!.startsWith(`${id}  Kennedy`), table[1]);

    await ok([
      "voices",
      "update",
      id,
      "--title",
      "JFK",
      "--visibility",
      "unlist",
      "--tag",
      "politics",
    ]);
    const updated = JSON.parse((await ok(["voices", "get", id, "--json"])).out);
    assert.equal(updated.title, "JFK");
    assert.equal(updated.visibility, "unlist");
    assert.deepEqual(updated.tags, ["politics"]);

    const speech = join(dir, "cloned.wav");
    await ok(["tts", "Speaking with the new voice", "--voice", id, "-o", speech]);

    assert.deepEqual(JSON.parse((await ok(["voices", "delete", id, "--json"])).out), {
      id,
      deleted: true,
    });
    const gone = await runCli(["voices", "get", id], { env });
    assert.equal(gone.code, 4);
    assert.equal(
      gone.stderr,
      `fishaudio: voice "${id}" not found: see \`fishaudio voices list --self\` for your voices\n`,
    );
  });

  it("uploads a cover image with --cover on create and update", async () => {
    const cover = join(dir, "cover.png");
    writeFileSync(cover, onePixelPng());
    const created = await ok([
      "voices",
      "create",
      "--title",
      "Public voice",
      "--sample",
      JFK,
      "--visibility",
      "public",
      "--cover",
      cover,
      "--text",
      SAID,
      "--json",
    ]);
    const voice = JSON.parse(created.out);
    assert.equal(voice.visibility, "public");
    assert.notEqual(voice.coverImage, "", "the voice has a cover");
    const bare = JSON.parse(
      (await ok(["voices", "create", "--title", "Bare", "--sample", JFK, "--text", SAID, "--json"]))
        .out,
    );
    assert.equal(bare.coverImage, "");
    const updated = JSON.parse(
      (await ok(["voices", "update", bare.id, "--cover", cover, "--json"])).out,
    );
    assert.notEqual(updated.coverImage, "");
    const missing = await runCli(["voices", "update", bare.id, "--cover", join(dir, "no.png")], {
      env,
    });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /image file not found: .*no\.png/);
  });

  it("pages with --page and --page-size, and --all fetches every page", async () => {
    const first = JSON.parse((await ok(["voices", "list", "--page-size", "5", "--json"])).out);
    assert.equal(first.items.length, 5);
    assert.ok(first.total > 5, "the local server has more than five built-in voices");
    const second = JSON.parse(
      (await ok(["voices", "list", "--page-size", "5", "--page", "2", "--json"])).out,
    );
    assert.equal(second.items.length, 5);
    assert.notEqual(second.items[0].id, first.items[0].id);
    const all = JSON.parse(
      (await ok(["voices", "list", "--page-size", "5", "--all", "--json"])).out,
    );
    assert.equal(all.items.length, first.total);
    assert.equal(new Set(all.items.map((v: { id: string }) => v.id)).size, first.total);
    const tagged = JSON.parse(
      (await ok(["voices", "list", "--tag", "espeak", "--all", "--json"])).out,
    );
    assert.ok(tagged.items.length > 0);
    for (const voice of tagged.items) assert.ok(voice.tags.includes("espeak"), voice.id);
  });

  it("ends quietly when the reader of stdout goes away (| head)", async () => {
    const child = startCli(["voices", "list", "--all", "--json"], { env });
    child.stdout.destroy();
    const run = await finished(child);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, "");
  });

  it("rejects bad input with one line and exit code 2", async () => {
    const text = join(dir, "notes.txt");
    writeFileSync(text, "These are notes, not audio.\n");
    const cases: [string[], RegExp][] = [
      [["voices", "create", "--sample", JFK], /--title is required/],
      [["voices", "create", "--title", "X"], /give at least one audio sample with --sample FILE/],
      [
        ["voices", "create", "--title", "X", "--sample", text],
        /notes\.txt does not look like audio/,
      ],
      [
        ["voices", "create", "--title", "X", "--sample", join(dir, "none.wav")],
        /audio file not found: .*none\.wav/,
      ],
      [
        ["voices", "create", "--title", "X", "--sample", JFK, "--text", "a", "--text", "b"],
        /got 1 --sample and 2 --text/,
      ],
      [
        ["voices", "create", "--title", "X", "--sample", JFK, "--visibility", "hidden"],
        /--visibility must be one of public, unlist, private/,
      ],
      [["voices", "update", "abc"], /nothing to change/],
      [["voices", "get"], /which voice\? usage: fishaudio voices get ID/],
      [
        ["voices", "list", "--page-size", "500"],
        /--page-size must be a whole number from 1 to 100/,
      ],
      [["voices", "list", "--all", "--page", "2"], /--all fetches every page; drop --page/],
      [
        ["voices", "rename"],
        /unknown subcommand "voices rename": use one of list, get, create, design, update, delete/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const run = await runCli(args, { env });
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
      assert.equal(run.stderr.split("\n").length, 2, "a single line");
      assert.ok(!hasStack(run.stderr));
    }
  });

  it("passes on the server's reason when it refuses a sample", async () => {
    const noise = join(dir, "noise.bin");
    writeFileSync(noise, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)));
    const run = await runCli(["voices", "create", "--title", "Noise", "--sample", noise], { env });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^fishaudio: the server could not create the voice \(HTTP 4\d\d\): .+/,
    );
  });
});
