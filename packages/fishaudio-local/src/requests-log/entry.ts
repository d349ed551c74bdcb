// Types only, and no imports: the console page (src/console/web) imports these as its own, so
// this file must type-check with the DOM library and bring nothing of Node into the bundle.

/** What a binary field becomes in the log: its size and what its first bytes say it is. */
export interface BinarySummary {
  $binary: true;
  bytes: number;
  /** "wav", "mp3", "ogg", "flac", "m4a", "webm", "png", "jpeg" or "unknown". */
  kind: string;
  /**
   * Playable audio kept apart from the log (a bounded store, `requestAudioBytes`): fetch it from
   * `/local/requests/{id}/audio/{clip}` (a 404 once evicted). Absent when it was not kept.
   */
  clip?: string;
}

/** One API request as the console shows it. Never holds a key or audio bytes. */
export interface RequestEntry {
  /** Increasing number, unique per server run (the console polls with `after`). */
  seq: number;
  /** The `X-Request-Id` the response carried. */
  id: string;
  /** When the request arrived (RFC 3339). */
  time: string;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string parameters (no key is ever sent in a query). */
  query: Record<string, string>;
  /** The `model` header as sent (null when absent). */
  model: string | null;
  /** The id of the key that authenticated it (null when authentication failed). */
  keyId: string | null;
  userId: string | null;
  /** HTTP status (101 for a WebSocket session); 0 while in flight. */
  status: number;
  /** Milliseconds until the response (or session) ended. */
  durationMs: number | null;
  /** Bytes of the request body (its declared length, or as counted on the wire). */
  bytesIn: number;
  /** Bytes sent in answer, on the wire (headers included). */
  bytesOut: number;
  /** Credits charged, in micro-credits (refunds already subtracted). */
  creditMicro: number;
  /** The error message answered, when the status is 4xx/5xx. */
  error: string | null;
  /** The parsed body with audio replaced by its size (see `summarizeBody`). */
  body: unknown;
  /** The audio answered (its size and kind, and its clip when kept); null for other answers. */
  responseAudio: BinarySummary | null;
}
