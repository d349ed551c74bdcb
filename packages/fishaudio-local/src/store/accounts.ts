import type { Db } from "./database.js";
import { hashApiKey, newApiKey, newId, nowIso } from "./ids.js";

/** A user row. */
export interface User {
  id: string;
  nickname: string;
  creditMicro: number;
  topUpMicro: number;
  createdAt: string;
  updatedAt: string;
}

/** Who a request is: the user and the key that authenticated it. */
export interface Principal {
  user: User;
  keyId: string;
}

/** A stored API key as listed: never the key, which exists only as a hash. */
export interface StoredKey {
  id: string;
  userId: string;
  label: string;
  createdAt: string;
}

/** One row of the usage ledger. */
export interface UsageEntry {
  id: number;
  userId: string;
  keyId: string;
  kind: "tts" | "tts-live" | "asr" | "voice-design";
  model: string | null;
  voiceId: string | null;
  /** UTF-8 bytes for TTS, seconds of audio for ASR, candidates for voice design. */
  units: number;
  costMicro: number;
  createdAt: string;
}

interface UserRow {
  id: string;
  nickname: string;
  credit_micro: number;
  top_up_micro: number;
  created_at: string;
  updated_at: string;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    nickname: row.nickname,
    creditMicro: row.credit_micro,
    topUpMicro: row.top_up_micro,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Users, API keys (hashed), credit balances and the usage ledger. */
export class AccountStore {
  /** Keys valid only while this process runs (hash -> user id); never written to disk. */
  private readonly sessionKeys = new Map<string, string>();

  /**
   * @param onCredit told of every charge (positive) and refund (negative), in micro-credits;
   *   the request log uses it to show what each request cost.
   */
  constructor(
    private readonly db: Db,
    private readonly onCredit: (deltaMicro: number) => void = () => {},
  ) {}

  /**
   * Issues a key that works until the server stops and is never stored.
   * @example const key = store.addSessionKey(owner.id);
   */
  addSessionKey(userId: string): string {
    const key = newApiKey();
    this.sessionKeys.set(hashApiKey(key), userId);
    return key;
  }

  /** How many stored keys exist (all users). @example store.countApiKeys() */
  countApiKeys(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM api_keys").get() as { n: number }).n;
  }

  /**
   * Creates a user with a starting balance.
   * @example const user = store.createUser("alice", 10_000_000);
   */
  createUser(nickname: string, creditMicro: number): User {
    const now = nowIso();
    const id = newId();
    this.db
      .prepare(
        "INSERT INTO users (id, nickname, credit_micro, top_up_micro, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(id, nickname, creditMicro, creditMicro, now, now);
    return this.getUser(id)!;
  }

  /** @example store.getUser(id)?.nickname */
  getUser(id: string): User | undefined {
    const row = this.db.prepare("SELECT * FROM users WHERE id = ?").get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  /** The first user ever created (the server owner), if any. @example store.firstUser() */
  firstUser(): User | undefined {
    const row = this.db.prepare("SELECT * FROM users ORDER BY rowid LIMIT 1").get() as
      | UserRow
      | undefined;
    return row && toUser(row);
  }

  /**
   * Issues a new key for `userId`, or registers `key` when given; returns the plain key once.
   * @example const key = store.addApiKey(user.id);
   */
  addApiKey(userId: string, key: string = newApiKey(), label = "key"): string {
    this.db
      .prepare(
        "INSERT INTO api_keys (id, user_id, key_hash, label, created_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(newId(), userId, hashApiKey(key), label, nowIso());
    return key;
  }

  /** Whether some user already owns `key`. @example store.hasApiKey(key) */
  hasApiKey(key: string): boolean {
    return (
      this.db.prepare("SELECT 1 FROM api_keys WHERE key_hash = ?").get(hashApiKey(key)) !==
      undefined
    );
  }

  /** Resolves a presented key to its user, or undefined. @example store.authenticate(key) */
  authenticate(key: string): Principal | undefined {
    const hash = hashApiKey(key);
    const sessionUser = this.sessionKeys.get(hash);
    if (sessionUser !== undefined) {
      const user = this.getUser(sessionUser);
      return user && { user, keyId: `session-${hash.slice(0, 16)}` };
    }
    const row = this.db
      .prepare(
        "SELECT u.*, k.id AS key_id FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?",
      )
      .get(hash) as (UserRow & { key_id: string }) | undefined;
    return row && { user: toUser(row), keyId: row.key_id };
  }

  /** Every user, oldest first. @example store.listUsers()[0] // the owner */
  listUsers(): User[] {
    const rows = this.db.prepare("SELECT * FROM users ORDER BY rowid").all() as UserRow[];
    return rows.map(toUser);
  }

  /** The stored keys (ids and labels; the keys themselves exist only as hashes). */
  listApiKeys(userId?: string): StoredKey[] {
    const rows = (
      userId === undefined
        ? this.db
            .prepare("SELECT id, user_id, label, created_at FROM api_keys ORDER BY rowid")
            .all()
        : this.db
            .prepare(
              "SELECT id, user_id, label, created_at FROM api_keys WHERE user_id = ? ORDER BY rowid",
            )
            .all(userId)
    ) as Array<{ id: string; user_id: string; label: string; created_at: string }>;
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      label: r.label,
      createdAt: r.created_at,
    }));
  }

  /**
   * Deletes a stored key so it stops working at once; false when there is no such key.
   * @example store.revokeApiKey(keyId)
   */
  revokeApiKey(keyId: string): boolean {
    return this.db.prepare("DELETE FROM api_keys WHERE id = ?").run(keyId).changes === 1;
  }

  /** Sets a user's balance (tests, admin). @example store.setCredit(id, 0) */
  setCredit(userId: string, creditMicro: number): void {
    this.db
      .prepare("UPDATE users SET credit_micro = ?, updated_at = ? WHERE id = ?")
      .run(creditMicro, nowIso(), userId);
  }

  /**
   * Takes `costMicro` from the balance if it covers it; false (nothing taken) if it does not.
   * @example if (!store.charge(id, 150)) throw new HttpError(402, "...");
   */
  charge(userId: string, costMicro: number): boolean {
    const result = this.db
      .prepare(
        "UPDATE users SET credit_micro = credit_micro - ?, updated_at = ? WHERE id = ? AND credit_micro >= ?",
      )
      .run(costMicro, nowIso(), userId, costMicro);
    if (result.changes === 1) this.onCredit(costMicro);
    return result.changes === 1;
  }

  /**
   * Gives back a charge that bought nothing (synthesis failed before any audio), removing its
   * ledger line when there is one.
   * @example store.refund(user.id, cost, usageId);
   */
  refund(userId: string, costMicro: number, usageId?: number): void {
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE users SET credit_micro = credit_micro + ?, updated_at = ? WHERE id = ?")
        .run(costMicro, nowIso(), userId);
      if (usageId !== undefined) this.db.prepare("DELETE FROM usage WHERE id = ?").run(usageId);
    })();
    this.onCredit(-costMicro);
  }

  /**
   * Takes `costMicro` and writes its ledger line in one transaction, so that no crash can leave
   * a debit the ledger does not explain; returns the line's id, or undefined (nothing taken,
   * nothing written) when the balance does not cover it.
   * @example const usageId = store.chargeWithUsage({ userId, keyId, kind: "tts", ... });
   */
  chargeWithUsage(entry: Omit<UsageEntry, "id" | "createdAt">): number | undefined {
    // Every request's charge is on the event loop's path: waiting for the disk here (FULL) held
    // the loop ~30 ms per request on a busy disk, which 50 requests at once turned into seconds
    // of silence for every stream. In WAL mode NORMAL still commits before returning and loses
    // nothing to a process crash; an OS crash could lose charges made since the last FULL commit.
    this.db.pragma("synchronous = NORMAL");
    try {
      return this.db.transaction(() =>
        this.charge(entry.userId, entry.costMicro) ? this.recordUsage(entry) : undefined,
      )();
    } finally {
      this.db.pragma("synchronous = FULL");
    }
  }

  /** Appends a usage record; returns its id. @example store.recordUsage({...}) */
  recordUsage(entry: Omit<UsageEntry, "id" | "createdAt">): number {
    const result = this.db
      .prepare(
        "INSERT INTO usage (user_id, key_id, kind, model, voice_id, units, cost_micro, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        entry.userId,
        entry.keyId,
        entry.kind,
        entry.model,
        entry.voiceId,
        entry.units,
        entry.costMicro,
        nowIso(),
      );
    return Number(result.lastInsertRowid);
  }

  /** The ledger, oldest first, optionally for one user. @example store.usage(user.id) */
  usage(userId?: string): UsageEntry[] {
    const rows = (
      userId === undefined
        ? this.db.prepare("SELECT * FROM usage ORDER BY id").all()
        : this.db.prepare("SELECT * FROM usage WHERE user_id = ? ORDER BY id").all(userId)
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as number,
      userId: r.user_id as string,
      keyId: r.key_id as string,
      kind: r.kind as UsageEntry["kind"],
      model: (r.model as string | null) ?? null,
      voiceId: (r.voice_id as string | null) ?? null,
      units: r.units as number,
      costMicro: r.cost_micro as number,
      createdAt: r.created_at as string,
    }));
  }
}
