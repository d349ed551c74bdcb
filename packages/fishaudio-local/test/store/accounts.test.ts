import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AccountStore } from "../../src/store/accounts.js";
import { openDatabase } from "../../src/store/database.js";

const dir = mkdtempSync(join(tmpdir(), "fishaudio-local-store-"));
const db = openDatabase(dir);
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("AccountStore", () => {
  const store = new AccountStore(db);

  it("charges only what the balance covers, never going negative", () => {
    const user = store.createUser("a", 100);
    assert.equal(store.charge(user.id, 60), true);
    assert.equal(store.charge(user.id, 60), false);
    assert.equal(store.getUser(user.id)!.creditMicro, 40);
    assert.equal(store.charge(user.id, 40), true);
    assert.equal(store.getUser(user.id)!.creditMicro, 0);
  });

  it("commits a request's charge and usage line together, and leaves the database at FULL", () => {
    const user = store.createUser("c", 100);
    const entry = {
      userId: user.id,
      keyId: "k",
      kind: "tts" as const,
      model: "s1",
      voiceId: null,
      units: 1,
      costMicro: 70,
    };
    const id = store.chargeWithUsage(entry);
    assert.ok(id !== undefined);
    assert.equal(store.chargeWithUsage(entry), undefined, "70 more than the 30 left");
    assert.equal(store.getUser(user.id)!.creditMicro, 30);
    assert.equal(store.usage(user.id).length, 1);
    // The charge runs at NORMAL; everything else keeps waiting for the disk.
    assert.equal(db.pragma("synchronous", { simple: true }), 2);
  });

  it("refunds restore the balance and drop the ledger line", () => {
    const user = store.createUser("b", 100);
    store.charge(user.id, 30);
    const id = store.recordUsage({
      userId: user.id,
      keyId: "k",
      kind: "tts",
      model: "s1",
      voiceId: null,
      units: 2,
      costMicro: 30,
    });
    store.refund(user.id, 30, id);
    assert.equal(store.getUser(user.id)!.creditMicro, 100);
    assert.deepEqual(store.usage(user.id), []);
  });

  it("authenticates stored keys and session keys, and only those", () => {
    const user = store.createUser("c", 0);
    const stored = store.addApiKey(user.id);
    const session = store.addSessionKey(user.id);
    assert.equal(store.authenticate(stored)?.user.id, user.id);
    assert.equal(store.authenticate(session)?.user.id, user.id);
    assert.equal(store.authenticate("nope"), undefined);
    assert.equal(store.hasApiKey(stored), true);
    assert.equal(store.hasApiKey(session), false);
  });
});
