import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

/** The SQLite handle type used across the store. */
export type Db = Database.Database;

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  nickname TEXT NOT NULL,
  credit_micro INTEGER NOT NULL,
  top_up_micro INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS voices (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  visibility TEXT NOT NULL,
  tags TEXT NOT NULL,
  languages TEXT NOT NULL,
  engine_voice_id TEXT NOT NULL,
  pitch_hz REAL,
  cover_image BLOB,
  task_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS voices_owner ON voices(owner_id);
CREATE TABLE IF NOT EXISTS voice_samples (
  voice_id TEXT NOT NULL REFERENCES voices(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  audio BLOB NOT NULL,
  text TEXT NOT NULL,
  duration REAL NOT NULL,
  PRIMARY KEY (voice_id, idx)
);
CREATE TABLE IF NOT EXISTS usage (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  model TEXT,
  voice_id TEXT,
  units REAL NOT NULL,
  cost_micro INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_user ON usage(user_id);
`;

/**
 * Opens (creating if needed) the server database in `dataDir`: WAL journal, synchronous=FULL,
 * so every acknowledged write has been committed to disk and survives a crash.
 * @example const db = openDatabase("./.fishaudio-local");
 */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, "fishaudio-local.sqlite3"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(
      `The database in ${dataDir} was written by a newer fishaudio-local (schema ${version}); upgrade fishaudio-local`,
    );
  }
  // One transaction, so a first start waits for one synced commit rather than one per statement.
  db.transaction(() => {
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  return db;
}
