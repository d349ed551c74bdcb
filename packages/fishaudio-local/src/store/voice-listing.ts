import type { Db } from "./database.js";
import { hydrateVoice, VOICE_COLUMNS } from "./voice-rows.js";
import type { StoredVoice } from "./voices.js";

/** A voice listed beside the stored ones (an engine voice): filtered and sorted with them. */
export interface CatalogEntry {
  id: string;
  title: string;
  tags: string[];
  languages: string[];
  createdAt: string;
  taskCount: number;
  /** Rank under `sort_by=score` (stored voices rank by their task count). */
  score: number;
  authorId: string;
}

/** A listing request; text filters match case-insensitively, lists match any of their values. */
export interface VoiceListQuery {
  viewerId: string;
  /** Only the viewer's own voices (the catalogue is left out). */
  selfOnly?: boolean;
  authorId?: string;
  /** A substring of the title. */
  title?: string;
  tags?: string[];
  languages?: string[];
  sortBy: "score" | "task_count" | "created_at";
  limit: number;
  offset: number;
  catalog: CatalogEntry[];
}

/** One page and the number of voices that match in all. */
export interface VoiceListPage {
  total: number;
  /** In order: a stored voice, or the id of a catalogue entry. */
  items: Array<{ voice: StoredVoice } | { catalogId: string }>;
}

/** JavaScript's lower-casing (SQLite's lower() folds ASCII only), so filters match as before. */
export function registerListingFunctions(db: Db): void {
  db.function("fishaudio_lower", { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? value.toLowerCase() : value,
  );
}

/** Sort keys, ties broken by id so pages never overlap. */
function orderBy(sortBy: VoiceListQuery["sortBy"], table: string): string {
  const keys = {
    score: ["score DESC", "created_at DESC", "id"],
    task_count: ["task_count DESC", "id"],
    created_at: ["created_at DESC", "id"],
  }[sortBy];
  return keys.map((k) => `${table}.${k}`).join(", ");
}

const STORED = `SELECT v.id AS id, v.owner_id AS owner_id, v.title AS title, v.tags AS tags,
  v.languages AS languages, v.created_at AS created_at, v.task_count AS task_count,
  v.task_count AS score, v.owner_id AS author_id, 0 AS is_catalog FROM voices v`;

const CATALOG = `SELECT c.value ->> '$.id', NULL, c.value ->> '$.title', c.value -> '$.tags',
  c.value -> '$.languages', c.value ->> '$.createdAt', c.value ->> '$.taskCount',
  c.value ->> '$.score', c.value ->> '$.authorId', 1 FROM json_each(@catalog) c`;

const anyOf = (column: string, param: string) =>
  `EXISTS (SELECT 1 FROM json_each(listed.${column}) x
    WHERE fishaudio_lower(x.value) IN (SELECT value FROM json_each(@${param})))`;

/**
 * Filters, counts and pages stored voices (with the catalogue) in SQL: two statements whatever
 * the number of voices, and only the page's rows (samples included) come back to JavaScript.
 * @example listVoicePage(db, { viewerId, sortBy: "created_at", limit: 10, offset: 0, catalog: [] })
 */
export function listVoicePage(db: Db, q: VoiceListQuery): VoiceListPage {
  const params: Record<string, unknown> = { viewer: q.viewerId };
  const sources = [
    `${STORED} WHERE ${q.selfOnly ? "v.owner_id = @viewer" : "(v.visibility = 'public' OR v.owner_id = @viewer)"}`,
  ];
  if (!q.selfOnly && q.catalog.length > 0) {
    sources.push(CATALOG);
    params.catalog = JSON.stringify(q.catalog);
  }
  const where: string[] = [];
  if (!q.selfOnly && q.authorId !== undefined) {
    where.push("listed.author_id = @author");
    params.author = q.authorId;
  }
  if (q.title) {
    where.push("instr(fishaudio_lower(listed.title), @title) > 0");
    params.title = q.title.toLowerCase();
  }
  if (q.tags && q.tags.length > 0) {
    where.push(anyOf("tags", "tags"));
    params.tags = JSON.stringify(q.tags.map((t) => t.toLowerCase()));
  }
  if (q.languages && q.languages.length > 0) {
    where.push(anyOf("languages", "languages"));
    params.languages = JSON.stringify(q.languages.map((l) => l.toLowerCase()));
  }
  const kept = `WITH listed AS (${sources.join(" UNION ALL ")}),
    kept AS (SELECT * FROM listed${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""})`;

  const { total } = db.prepare(`${kept} SELECT COUNT(*) AS total FROM kept`).get(params) as {
    total: number;
  };
  if (q.offset >= total) return { total, items: [] };
  const rows = db
    .prepare(
      `${kept}, page AS (
         SELECT id, is_catalog, score, task_count, created_at FROM kept
         ORDER BY ${orderBy(q.sortBy, "kept")} LIMIT @limit OFFSET @offset)
       SELECT page.id AS listed_id, page.is_catalog AS is_catalog, ${VOICE_COLUMNS}
       FROM page
       LEFT JOIN voices v ON page.is_catalog = 0 AND v.id = page.id
       LEFT JOIN users u ON u.id = v.owner_id
       ORDER BY ${orderBy(q.sortBy, "page")}`,
    )
    .all({ ...params, limit: q.limit, offset: q.offset }) as Array<Record<string, unknown>>;
  return {
    total,
    items: rows.map((row) =>
      row.is_catalog === 1 ? { catalogId: row.listed_id as string } : { voice: hydrateVoice(row) },
    ),
  };
}
