/**
 * Issue 17 item 12: the debit and its ledger line were two commits, so a crash between them
 * (7 of 8 SIGKILLs during realtime) left a balance lower than the ledger explains. Here the
 * ledger write fails on purpose (a trigger): nothing may be taken either.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ServerContext } from "../../src/context.js";
import { AccountStore } from "../../src/store/accounts.js";
import { openDatabase } from "../../src/store/database.js";
import { VoiceStore } from "../../src/store/voices.js";
import { chargeTts } from "../../src/tts/charge.js";

const dir = mkdtempSync(join(tmpdir(), "fishaudio-local-charge-"));
const db = openDatabase(dir);
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("chargeTts", () => {
  it("takes nothing when the ledger line cannot be written", () => {
    const accounts = new AccountStore(db);
    const ctx = { accounts, voices: new VoiceStore(db) } as unknown as ServerContext;
    const user = accounts.createUser("payer", 1_000_000);
    const principal = { user, keyId: "k" };
    const speakers = [{ benchmark: false, settings: { engineVoiceId: "v" }, storedVoiceId: null }];
    chargeTts(ctx, principal, "tts", "s1", speakers, "Hello.");
    const afterOne = accounts.getUser(user.id)!.creditMicro;
    assert.ok(afterOne < 1_000_000);
    db.exec(
      "CREATE TRIGGER no_ledger BEFORE INSERT ON usage BEGIN SELECT RAISE(ABORT, 'disk gone'); END",
    );
    try {
      assert.throws(() => chargeTts(ctx, principal, "tts", "s1", speakers, "Hello again."));
    } finally {
      db.exec("DROP TRIGGER no_ledger");
    }
    assert.equal(accounts.getUser(user.id)!.creditMicro, afterOne);
    const ledger = accounts.usage(user.id).reduce((sum, u) => sum + u.costMicro, 0);
    assert.equal(1_000_000 - afterOne, ledger);
  });
});
