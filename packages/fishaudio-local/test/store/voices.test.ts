import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AccountStore } from "../../src/store/accounts.js";
import { openDatabase } from "../../src/store/database.js";
import { VoiceStore } from "../../src/store/voices.js";

const dir = mkdtempSync(join(tmpdir(), "fishaudio-local-store-"));
const db = openDatabase(dir);
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("VoiceStore", () => {
  const accounts = new AccountStore(db);
  const voices = new VoiceStore(db);

  it("stores samples with the voice and deletes them with it", () => {
    const owner = accounts.createUser("owner", 0);
    const voice = voices.create({
      ownerId: owner.id,
      title: "V",
      description: "",
      visibility: "private",
      tags: ["t"],
      languages: ["en"],
      engineVoiceId: "flite-rms",
      pitchHz: 120,
      coverImage: null,
      samples: [
        { audio: new Uint8Array([1, 2, 3]), text: "one", duration: 1 },
        { audio: new Uint8Array([4]), text: "two", duration: 2 },
      ],
    });
    assert.deepEqual(
      voice.samples.map((s) => s.text),
      ["one", "two"],
    );
    assert.deepEqual(voices.sampleAudio(voice.id, 1), new Uint8Array([4]));
    assert.equal(voices.update(voice.id, owner.id, { title: "W", tags: [] })?.title, "W");
    assert.equal(voices.update(voice.id, "someone-else", { title: "X" }), undefined);
    const page = (viewerId: string) =>
      voices.listPage({ viewerId, sortBy: "created_at", limit: 10, offset: 0, catalog: [] });
    assert.equal(page(owner.id).total, 1);
    assert.deepEqual(
      page(owner.id).items.map((i) => ("voice" in i ? i.voice.samples.map((s) => s.text) : [])),
      [["one", "two"]],
    );
    assert.equal(page("someone-else").total, 0);
    assert.equal(voices.listOwned(owner.id).length, 1);
    assert.equal(voices.delete(voice.id), true);
    assert.equal(voices.sampleAudio(voice.id, 0), undefined);
    const left = db.prepare("SELECT COUNT(*) AS n FROM voice_samples").get() as { n: number };
    assert.equal(left.n, 0);
  });

  it("opens with WAL and synchronous=FULL", () => {
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("synchronous", { simple: true }), 2);
  });
});
