import type { StoredVoice, Visibility } from "./voices.js";

/** The columns `hydrateVoice` reads, samples included (one statement for any number of voices). */
export const VOICE_COLUMNS = `v.id, v.owner_id, u.nickname AS owner_nickname, v.title,
  v.description, v.visibility, v.tags, v.languages, v.engine_voice_id, v.pitch_hz,
  v.cover_image IS NOT NULL AS has_cover, v.task_count, v.created_at, v.updated_at,
  (SELECT json_group_array(json_object('index', s.idx, 'text', s.text, 'duration', s.duration)
     ORDER BY s.idx) FROM voice_samples s WHERE s.voice_id = v.id) AS samples`;

/**
 * A row of `VOICE_COLUMNS` as a StoredVoice.
 * @example const voice = hydrateVoice(db.prepare(`SELECT ${VOICE_COLUMNS} …`).get(id));
 */
export function hydrateVoice(row: Record<string, unknown>): StoredVoice {
  return {
    id: row.id as string,
    ownerId: row.owner_id as string,
    ownerNickname: row.owner_nickname as string,
    title: row.title as string,
    description: row.description as string,
    visibility: row.visibility as Visibility,
    tags: JSON.parse(row.tags as string) as string[],
    languages: JSON.parse(row.languages as string) as string[],
    engineVoiceId: row.engine_voice_id as string,
    pitchHz: (row.pitch_hz as number | null) ?? null,
    hasCover: Boolean(row.has_cover),
    taskCount: row.task_count as number,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
    samples: JSON.parse(row.samples as string) as StoredVoice["samples"],
  };
}
