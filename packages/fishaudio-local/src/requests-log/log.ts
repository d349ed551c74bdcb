import { AudioClips, DEFAULT_REQUEST_AUDIO_BYTES } from "./audio-clips.js";
import type { RequestEntry } from "./entry.js";

/** How many requests the log keeps by default (the oldest are dropped first). */
export const DEFAULT_REQUEST_LOG_SIZE = 500;

/** Who is asking: a user sees its own requests; the owner sees every request. */
export interface LogViewer {
  userId: string;
  owner: boolean;
}

/**
 * The latest API requests, in memory, bounded: a ring of at most `capacity` entries. Entries
 * hold ids, sizes and summaries, never keys or audio bytes (see `summarizeBody`); the audio of
 * recent requests is in `clips`, a separate store of at most `audioBytes` bytes, and a clip goes
 * with its entry at the latest.
 * @example const log = new RequestLog(200); log.add(entry); log.list(viewer, { after: 0 });
 */
export class RequestLog {
  private readonly entries: RequestEntry[] = [];
  private nextSeq = 1;
  readonly clips: AudioClips;

  constructor(
    readonly capacity = DEFAULT_REQUEST_LOG_SIZE,
    audioBytes = DEFAULT_REQUEST_AUDIO_BYTES,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`requestLogSize must be a positive integer, got ${capacity}`);
    }
    this.clips = new AudioClips(audioBytes);
  }

  /**
   * Starts an entry (status 0 until the response ends) and returns it for the hooks to fill.
   * @example const entry = log.begin({ id, time, method, path, query, model });
   */
  begin(
    fields: Pick<RequestEntry, "id" | "time" | "method" | "path" | "query" | "model">,
  ): RequestEntry {
    const entry: RequestEntry = {
      ...fields,
      seq: this.nextSeq++,
      keyId: null,
      userId: null,
      status: 0,
      durationMs: null,
      bytesIn: 0,
      bytesOut: 0,
      creditMicro: 0,
      error: null,
      body: null,
      responseAudio: null,
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.clips.dropRequest(this.entries.shift()!.id);
    return entry;
  }

  /**
   * The entries `viewer` may see, newest first, at most `limit`; `after` keeps only those with
   * a larger `seq`.
   * @example log.list({ userId, owner: false }, { limit: 100 })
   */
  list(viewer: LogViewer, options: { after?: number; limit?: number } = {}): RequestEntry[] {
    const after = options.after ?? 0;
    const limit = options.limit ?? this.capacity;
    const out: RequestEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = this.entries[i]!;
      if (entry.seq <= after) break;
      if (visible(entry, viewer)) out.push(entry);
    }
    return out;
  }

  /** One entry by its request id, if `viewer` may see it. @example log.get(viewer, id) */
  get(viewer: LogViewer, id: string): RequestEntry | undefined {
    const entry = this.entries.find((e) => e.id === id);
    return entry && visible(entry, viewer) ? entry : undefined;
  }

  /** Whether `entry` is still in the log (not yet dropped for newer ones). @example log.holds(e) */
  holds(entry: RequestEntry): boolean {
    const oldest = this.entries[0];
    return oldest !== undefined && oldest.seq <= entry.seq;
  }

  /** The number of entries held (at most `capacity`). @example log.size */
  get size(): number {
    return this.entries.length;
  }
}

function visible(entry: RequestEntry, viewer: LogViewer): boolean {
  return viewer.owner || (entry.userId !== null && entry.userId === viewer.userId);
}
