// Voice management and cloning: the SDK's voices resource against the real local server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { NotFoundError, PermissionDeniedError } from "../../src/index.js";
import { type Integration, startIntegration } from "./setup.js";

let it_: Integration;
let female: Uint8Array;
before(async () => {
  it_ = await startIntegration();
  female = await (
    await it_.client.tts.convert({
      text: "This is a sample of my voice for cloning.",
      format: "wav",
      referenceId: "flite-slt",
    })
  ).collect();
});
after(() => it_.server.close());

describe("voices against fishaudio-local", () => {
  it("lists the engine voices as public voices, page by page and by iteration", async () => {
    const page = await it_.client.voices.list({ pageSize: 5 });
    assert.equal(page.items.length, 5);
    assert.ok(page.total >= 5);
    const all: string[] = [];
    for await (const voice of it_.client.voices.list({ pageSize: 7 })) all.push(voice.id);
    assert.equal(all.length, page.total);
    assert.equal(new Set(all).size, all.length);
    for (const id of ["flite-rms", "flite-slt"]) assert.ok(all.includes(id), id);
    const english = await it_.client.voices.list({ language: "en", pageSize: 100 });
    assert.ok(english.items.every((v) => v.languages.includes("en")));
    const voice = await it_.client.voices.get("flite-rms");
    assert.equal(voice.visibility, "public");
    assert.equal(voice.trainMode, "fast");
  });

  it("clones a voice from a sample (transcribed when no text is given) and speaks with it", async () => {
    const created = await it_.client.voices.create({
      title: "My clone",
      voices: [female],
      tags: ["test", "clone"],
      description: "made in a test",
    });
    assert.equal(created.visibility, "private");
    assert.equal(created.state, "trained");
    assert.deepEqual(created.tags, ["test", "clone"]);
    assert.equal(created.samples.length, 1);
    assert.match(created.samples[0]!.text, /voice|sample|cloning/);
    assert.equal(created.author.id, it_.server.userId);

    const audio = await (
      await it_.client.tts.convert({
        text: "Speaking as the clone.",
        format: "wav",
        referenceId: created.id,
      })
    ).collect();
    assert.ok(audio.length > 10_000);
    const again = await it_.client.voices.get(created.id);
    assert.equal(again.taskCount, 1);

    const mine = await it_.client.voices.list({ selfOnly: true });
    assert.deepEqual(
      mine.items.map((v) => v.id),
      [created.id],
    );
  });

  it("updates and deletes a voice", async () => {
    const created = await it_.client.voices.create({
      title: "Temp",
      voices: [female],
      texts: ["a sample"],
    });
    await it_.client.voices.update(created.id, {
      title: "Renamed",
      tags: ["x", "y"],
      visibility: "unlist",
    });
    const updated = await it_.client.voices.get(created.id);
    assert.equal(updated.title, "Renamed");
    assert.deepEqual(updated.tags, ["x", "y"]);
    assert.equal(updated.visibility, "unlist");
    assert.equal(updated.samples[0]!.text, "a sample");
    await it_.client.voices.delete(created.id);
    await assert.rejects(it_.client.voices.get(created.id), NotFoundError);
  });

  it("keeps users apart: another user's private voice is NotFound, a public one read-only", async () => {
    const other = it_.server.createUser({ nickname: "other" });
    const stranger = it_.clientFor(other.apiKey);
    const secret = await it_.client.voices.create({
      title: "Secret",
      voices: [female],
      texts: ["x"],
    });
    await assert.rejects(stranger.voices.get(secret.id), NotFoundError);
    await assert.rejects(
      stranger.tts.convert({ text: "Hi", referenceId: secret.id }),
      NotFoundError,
    );
    await assert.rejects(stranger.voices.delete(secret.id), NotFoundError);
    const theirs = await stranger.voices.list({ pageSize: 100 });
    assert.ok(!theirs.items.some((v) => v.id === secret.id));

    const shared = await it_.client.voices.create({
      title: "Shared",
      voices: [female],
      texts: ["x"],
      visibility: "public",
    });
    assert.equal((await stranger.voices.get(shared.id)).title, "Shared");
    await assert.rejects(
      stranger.voices.update(shared.id, { title: "Stolen" }),
      PermissionDeniedError,
    );
    const audio = await (
      await stranger.tts.convert({ text: "Borrowed.", referenceId: shared.id })
    ).collect();
    assert.ok(audio.length > 0);
  });
});

describe("account against fishaudio-local", () => {
  it("reports credits as a decimal string that TTS draws down, and a package", async () => {
    const before = await it_.client.account.getCredits();
    assert.match(before.credit, /^\d+\.\d+$/);
    assert.equal(before.userId, it_.server.userId);
    await (await it_.client.tts.convert({ text: "twelve bytes", format: "pcm" })).collect();
    const after = await it_.client.account.getCredits();
    assert.equal(Math.round((Number(before.credit) - Number(after.credit)) * 1e6), 12 * 15);
    const pkg = await it_.client.account.getPackage();
    assert.equal(pkg.userId, it_.server.userId);
    assert.equal(typeof pkg.id, "string");
    assert.equal(typeof pkg.finishedAt, "string");
  });
});

describe("voices.create with generateSample against fishaudio-local", () => {
  it("stores a spoken sample beside the uploaded one", async () => {
    const voice = await it_.client.voices.create({
      title: "With a sample",
      voices: [female],
      texts: ["This is a sample of my voice for cloning."],
      generateSample: true,
    });
    assert.equal(voice.samples.length, 2);
    assert.match(voice.samples[1]!.text, /This is how I sound/);
    const audio = await fetch(voice.samples[1]!.audio, {
      headers: { authorization: `Bearer ${it_.server.apiKey}` },
    });
    assert.equal(audio.status, 200);
    const bytes = Buffer.from(await audio.arrayBuffer());
    assert.equal(bytes.toString("latin1", 0, 4), "RIFF");
    assert.ok(bytes.byteLength > 44_100, `${bytes.byteLength} bytes`);
    const plain = await it_.client.voices.create({
      title: "No sample",
      voices: [female],
      texts: ["Hi."],
    });
    assert.equal(plain.samples.length, 1);
  });
});
