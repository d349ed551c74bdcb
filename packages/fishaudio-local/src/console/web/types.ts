/** The shapes the server answers, as far as the console reads them. */

export interface Me {
  user_id: string;
  nickname: string;
  key_id: string;
  owner: boolean;
  credit: string;
}

export interface Sample {
  title: string;
  text: string;
  audio: string;
}

export interface Voice {
  _id: string;
  title: string;
  description: string;
  visibility: "public" | "unlist" | "private";
  tags: string[];
  languages: string[];
  samples: Sample[];
  author: { _id: string; nickname: string };
  created_at: string;
}

export interface VoicePage {
  total: number;
  items: Voice[];
}

export interface Segment {
  text: string;
  start: number;
  end: number;
}

export interface Transcript {
  text: string;
  duration: number;
  segments: Segment[];
}

export interface BinarySummary {
  $binary: true;
  bytes: number;
  kind: string;
}

export interface LoggedRequest {
  seq: number;
  id: string;
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  model: string | null;
  keyId: string | null;
  userId: string | null;
  status: number;
  durationMs: number | null;
  bytesIn: number;
  bytesOut: number;
  creditMicro: number;
  error: string | null;
  body?: unknown;
}

export interface UsageRow {
  id: number;
  user_id: string;
  key_id: string;
  kind: string;
  model: string | null;
  voice_id: string | null;
  units: number;
  credit: string;
  created_at: string;
}

export interface UserRow {
  user_id: string;
  nickname: string;
  credit: string;
  created_at: string;
  keys: Array<{ key_id: string; label: string; created_at: string }>;
}
