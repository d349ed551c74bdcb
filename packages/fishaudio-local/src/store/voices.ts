import type { Db } from "./database.js";
import { newId, nowIso } from "./ids.js";
import {
  listVoicePage,
  registerListingFunctions,
  type VoiceListPage,
  type VoiceListQuery,
} from "./voice-listing.js";
import { hydrateVoice, VOICE_COLUMNS } from "./voice-rows.js";

export type { VoiceListPage, VoiceListQuery } from "./voice-listing.js";

export type Visibility = "public" | "unlist" | "private";

/** A cloned voice as stored (sample audio is loaded separately). */
export interface StoredVoice {
  id: string;
  ownerId: string;
  ownerNickname: string;
  title: string;
  description: string;
  visibility: Visibility;
  tags: string[];
  languages: string[];
  engineVoiceId: string;
  pitchHz: number | null;
  hasCover: boolean;
  taskCount: number;
  createdAt: string;
  updatedAt: string;
  samples: Array<{ index: number; text: string; duration: number }>;
}

/** What creating a voice needs. */
export interface NewVoice {
  ownerId: string;
  title: string;
  description: string;
  visibility: Visibility;
  tags: string[];
  languages: string[];
  engineVoiceId: string;
  pitchHz: number | null;
  coverImage: Uint8Array | null;
  samples: Array<{ audio: Uint8Array; text: string; duration: number }>;
}

/** Fields an update may change. */
export interface VoicePatch {
  title?: string;
  description?: string;
  visibility?: Visibility;
  tags?: string[];
  coverImage?: Uint8Array;
}

const SELECT = `SELECT ${VOICE_COLUMNS} FROM voices v JOIN users u ON u.id = v.owner_id`;

/** Cloned voices with their samples (audio blobs + transcripts). */
export class VoiceStore {
  constructor(private readonly db: Db) {
    registerListingFunctions(db);
  }

  /**
   * Stores a voice and its samples in one transaction; returns it as read back.
   * @example const voice = store.create({ ownerId, title: "Me", ... });
   */
  create(voice: NewVoice): StoredVoice {
    const id = newId();
    const now = nowIso();
    const insert = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO voices (id, owner_id, title, description, visibility, tags, languages,
            engine_voice_id, pitch_hz, cover_image, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          voice.ownerId,
          voice.title,
          voice.description,
          voice.visibility,
          JSON.stringify(voice.tags),
          JSON.stringify(voice.languages),
          voice.engineVoiceId,
          voice.pitchHz,
          voice.coverImage ? Buffer.from(voice.coverImage) : null,
          now,
          now,
        );
      const sample = this.db.prepare(
        "INSERT INTO voice_samples (voice_id, idx, audio, text, duration) VALUES (?, ?, ?, ?, ?)",
      );
      voice.samples.forEach((s, i) => {
        sample.run(id, i, Buffer.from(s.audio), s.text, s.duration);
      });
    });
    insert();
    return this.get(id)!;
  }

  /** A voice by id regardless of owner (callers check visibility). @example store.get(id) */
  get(id: string): StoredVoice | undefined {
    const row = this.db.prepare(`${SELECT} WHERE v.id = ?`).get(id) as
      | Record<string, unknown>
      | undefined;
    return row && hydrateVoice(row);
  }

  /** Every voice `ownerId` owns, newest first. @example store.listOwned(user.id) */
  listOwned(ownerId: string): StoredVoice[] {
    const rows = this.db
      .prepare(`${SELECT} WHERE v.owner_id = ? ORDER BY v.created_at DESC, v.id`)
      .all(ownerId) as Array<Record<string, unknown>>;
    return rows.map(hydrateVoice);
  }

  /**
   * One page of a listing, filtered, sorted and counted in the database (voice-listing.ts).
   * @example store.listPage({ viewerId, sortBy: "score", limit: 10, offset: 0, catalog: [] })
   */
  listPage(query: VoiceListQuery): VoiceListPage {
    return listVoicePage(this.db, query);
  }

  /**
   * Applies a patch to a voice `ownerId` owns; returns the updated voice, or undefined when no
   * such voice exists (any more).
   * @example store.update(id, owner.id, { title: "New" })
   */
  update(id: string, ownerId: string, patch: VoicePatch): StoredVoice | undefined {
    const sets: string[] = [];
    const args: unknown[] = [];
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      args.push(value);
    };
    if (patch.title !== undefined) set("title", patch.title);
    if (patch.description !== undefined) set("description", patch.description);
    if (patch.visibility !== undefined) set("visibility", patch.visibility);
    if (patch.tags !== undefined) set("tags", JSON.stringify(patch.tags));
    if (patch.coverImage !== undefined) set("cover_image", Buffer.from(patch.coverImage));
    sets.push("updated_at = ?");
    args.push(nowIso());
    const result = this.db
      .prepare(`UPDATE voices SET ${sets.join(", ")} WHERE id = ? AND owner_id = ?`)
      .run(...args, id, ownerId);
    return result.changes === 1 ? this.get(id) : undefined;
  }

  /** Deletes a voice and its samples. @example store.delete(id) */
  delete(id: string): boolean {
    return this.db.prepare("DELETE FROM voices WHERE id = ?").run(id).changes === 1;
  }

  /** Counts one more synthesis with the voice. */
  incrementTaskCount(id: string): void {
    this.db.prepare("UPDATE voices SET task_count = task_count + 1 WHERE id = ?").run(id);
  }

  /** The audio of one sample. @example store.sampleAudio(id, 0) */
  sampleAudio(id: string, index: number): Uint8Array | undefined {
    const row = this.db
      .prepare("SELECT audio FROM voice_samples WHERE voice_id = ? AND idx = ?")
      .get(id, index) as { audio: Buffer } | undefined;
    return row && new Uint8Array(row.audio);
  }

  /** The cover image bytes. @example store.coverImage(id) */
  coverImage(id: string): Uint8Array | undefined {
    const row = this.db.prepare("SELECT cover_image FROM voices WHERE id = ?").get(id) as
      | { cover_image: Buffer | null }
      | undefined;
    return row?.cover_image ? new Uint8Array(row.cover_image) : undefined;
  }
}
