/** Bytes of audio the console keeps by default for the latest requests (request and response). */
export const DEFAULT_REQUEST_AUDIO_BYTES = 32 * 1024 * 1024;

/** The containers a browser can play, and the Content-Type each is served with. */
export const PLAYABLE_AUDIO: Readonly<Record<string, string>> = {
  wav: "audio/wav",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  flac: "audio/flac",
  m4a: "audio/mp4",
  webm: "audio/webm",
};

/** One kept piece of audio: whose request it came with, and its bytes (a private copy). */
export interface AudioClip {
  id: string;
  requestId: string;
  /** The key that made the request: only it (or the owner) may fetch the clip. */
  keyId: string | null;
  /** A key of {@link PLAYABLE_AUDIO}. */
  kind: string;
  bytes: Uint8Array;
}

/**
 * The audio of the latest requests, apart from the request log (which holds only a clip's id):
 * at most `budget` bytes in all, counting captures still in progress; the oldest clips are
 * evicted first to make room. A clip larger than the budget is not kept.
 * @example const clips = new AudioClips(1 << 20); const id = clips.keep("req1", "key1", wav, "wav");
 */
export class AudioClips {
  // A Map iterates in insertion order: the first clip is the oldest.
  private readonly clips = new Map<string, AudioClip>();
  /** Bytes of the clips held. */
  private held = 0;
  /** Bytes set aside for captures in progress. */
  private pending = 0;
  private nextId = 1;

  constructor(readonly budget = DEFAULT_REQUEST_AUDIO_BYTES) {
    if (!Number.isInteger(budget) || budget < 0) {
      throw new RangeError(`requestAudioBytes must be an integer, 0 or more, got ${budget}`);
    }
  }

  /**
   * Sets aside `n` bytes of the budget, evicting the oldest clips if needed; false when `n`
   * cannot fit even in an empty store (then nothing is evicted).
   * @example if (clips.reserve(chunk.length)) parts.push(chunk);
   */
  reserve(n: number): boolean {
    if (n > this.budget - this.pending) return false;
    for (const clip of this.clips.values()) {
      if (this.held + this.pending + n <= this.budget) break;
      this.remove(clip);
    }
    this.pending += n;
    return true;
  }

  /** Gives back bytes reserved for a capture that was abandoned. @example clips.release(n) */
  release(n: number): void {
    this.pending -= n;
  }

  /**
   * Stores `bytes` (already reserved, `bytes.length` of them) and returns the clip's id.
   * @example const id = clips.commit("req1", "key1", bytes, "mp3");
   */
  commit(requestId: string, keyId: string | null, bytes: Uint8Array, kind: string): string {
    const id = String(this.nextId++);
    this.pending -= bytes.length;
    this.held += bytes.length;
    this.clips.set(id, { id, requestId, keyId, kind, bytes });
    return id;
  }

  /**
   * Keeps a copy of `bytes` (evicting older clips for room); undefined when it cannot fit.
   * @example const id = clips.keep("req1", "key1", wav, "wav");
   */
  keep(
    requestId: string,
    keyId: string | null,
    bytes: Uint8Array,
    kind: string,
  ): string | undefined {
    if (!this.reserve(bytes.length)) return undefined;
    // A copy: the body's buffer may be much larger than this field, and must not be held.
    return this.commit(requestId, keyId, bytes.slice(), kind);
  }

  /** One clip by id. @example clips.get("3") */
  get(id: string): AudioClip | undefined {
    return this.clips.get(id);
  }

  /** Drops every clip of a request (its log entry is gone). @example clips.dropRequest("req1") */
  dropRequest(requestId: string): void {
    for (const clip of this.clips.values()) {
      if (clip.requestId === requestId) this.remove(clip);
    }
  }

  /** Bytes held and reserved, at most `budget`. @example clips.bytes */
  get bytes(): number {
    return this.held + this.pending;
  }

  /** The number of clips held. @example clips.size */
  get size(): number {
    return this.clips.size;
  }

  private remove(clip: AudioClip): void {
    this.clips.delete(clip.id);
    this.held -= clip.bytes.length;
  }
}
