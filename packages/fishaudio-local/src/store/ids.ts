import { createHash, randomBytes } from "node:crypto";

/** A fresh 32-hex-digit id, the shape the cloud uses for `_id`. */
export function newId(): string {
  return randomBytes(16).toString("hex");
}

/** A fresh API key (32 hex digits, like the cloud's). */
export function newApiKey(): string {
  return randomBytes(16).toString("hex");
}

/** The stored form of an API key: its SHA-256, so the database never holds a usable key. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Now as RFC 3339 with a `Z` zone, the timestamp form every SDK parses. */
export function nowIso(): string {
  return new Date().toISOString();
}
